"""This process's one WeasyPrint ``FontConfiguration``, shared by the PDF renderer and the rasteriser.

A fresh configuration per document leaks (about 0.2 MB each, the default of a
plain ``write_pdf()``); one per process does not. Kept apart from the renderers
so that an edit to one of them does not count as an edit to the other.

The script fonts every font-family list continues with are in visitkit/render/scripts.py.
"""

from __future__ import annotations

import atexit
import hashlib
from typing import Any


def font_fingerprint(data: bytes) -> str:
    """A name for a font file's exact contents, read from its table directory only (cheap for 3 MB CJK
    fonts): the directory holds every table's checksum, offset and length, so any change shows there."""
    if data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true") and len(data) >= 12:
        tables = int.from_bytes(data[4:6], "big")
        return hashlib.sha256(len(data).to_bytes(8, "big") + data[: 12 + 16 * tables]).hexdigest()[:12]
    return hashlib.sha256(data).hexdigest()[:12]

_shared: Any = None  # weasyprint.text.fonts.FontConfiguration, created on first use


def shared() -> Any:
    global _shared
    if _shared is None:
        from weasyprint.text.fonts import FontConfiguration

        _shared = FontConfiguration()
        atexit.register(_drop)
    return _shared


def _drop() -> None:
    """Free the configuration (and its temporary font folder) while the interpreter still works."""
    global _shared
    _shared = None
