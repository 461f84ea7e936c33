"""The booking link as a QR code and as a URL people can read: shared by the PDF and the slide.

The code is a plain matrix of dark modules (segno: deterministic, no images), so each format draws it
with its own vector shapes: SVG paths in the PDF, rectangles on the slide. ``readable_url`` is the
URL as printed beside it: never shortened, international domains in their own script.
"""

from __future__ import annotations

import contextlib
import functools
import re
from urllib.parse import unquote, urlsplit

import segno

QUIET_ZONE = 4  # modules of light margin the QR specification asks for around the symbol
# Medium error correction (15 %): survives a crease or a smudge on a printed sheet while keeping the
# symbol small enough to scan from a phone at arm's length.
ERROR = "m"


@functools.lru_cache(maxsize=256)  # one URL per organisation, drawn by several formats in one worker
def matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The symbol's modules, row by row (``True`` = dark), without the quiet zone."""
    code = segno.make_qr(url, error=ERROR, boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)


def runs(url: str) -> list[tuple[int, int, int]]:
    """The dark modules as horizontal runs ``(row, first column, length)``: fewer shapes to draw."""
    found = []
    for y, row in enumerate(matrix(url)):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                found.append((y, start, x - start))
            else:
                x += 1
    return found


def svg_path(url: str) -> str:
    """An SVG path ``d`` drawing the dark modules in a ``size × size`` box of 1-unit modules."""
    return "".join(f"M{x} {y}h{n}v1h-{n}z" for y, x, n in runs(url))


def size(url: str) -> int:
    """Modules per side, without the quiet zone."""
    return len(matrix(url))


def readable_url(url: str) -> str:
    """``url`` as printed for people: no scheme, no ``www.``, no trailing slash, the host in Unicode.

    Never shortened: a printed URL with an ellipsis cannot be typed. Percent-escapes in the path are
    shown as the characters they stand for when that is readable text.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    with contextlib.suppress(UnicodeError):  # not valid IDNA: shown as written
        host = host.encode("ascii").decode("idna") if "xn--" in host else host
    host = re.sub(r"^www\.", "", host, flags=re.I)
    if parts.port:
        host += f":{parts.port}"
    path = parts.path
    decoded = unquote(path)
    if decoded.isprintable() and not any(c in decoded for c in " <>\"'"):
        path = decoded
    text = host + path
    if parts.query:
        text += "?" + parts.query
    if parts.fragment:
        text += "#" + parts.fragment
    return text.rstrip("/")
