"""Slide stage 1, text: the text model, font measuring, wrapping, fitting and clamping.

python-pptx has no line breaker and PowerPoint measures nothing until a user edits (autofit),
so every text box's paragraphs are measured here with the real font files (Pillow, cached per
word) and wrapped greedily at whitespace, as PowerPoint does. ``fit`` shrinks a text step-wise
until it fits a height or a number of lines; ``clamp_paras`` cuts it short with an ellipsis as
a last resort. The layout stage (layout.py) asks this module how tall a text is at a width.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from visitkit.render import design

if TYPE_CHECKING:
    from visitkit.richtext import Block

MM = 72 / 25.4  # pt per mm; the design tokens are in mm, like the PDF's CSS
ELLIPSIS = design.ELLIPSIS
BREAK = "\n"  # a TRun with this text is a line break (<a:br/>) inside a paragraph
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[\t\n\r\u2028\u2029]+")

# Colours are theme colour names, as shapes and text refer to them (through the master's colour map:
# tx1 → dk1, bg1 → lt1 …); draw.py fills the theme's slots from the design's colour roles.
TEXT, BACKGROUND, ACCENT, TINT = "tx1", "bg1", "tx2", "bg2"
PRIMARY, SECONDARY, BUTTON, MUTED, ON_PRIMARY = "accent1", "accent2", "accent3", "accent4", "accent5"
LINK = "hlink"


# ------------------------------------------------------------------ text model


@dataclass(frozen=True)
class TRun:
    text: str  # BREAK for a line break
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True)
class Para:
    """One paragraph: runs plus the style that measuring needs."""

    runs: tuple[TRun, ...]
    size: float  # pt
    color: str = TEXT  # scheme colour name
    bold: bool = False  # applies to every run
    line: float = 1.3  # exact line spacing, × size (0: the font's own, for one-line labels)
    before: float = 0.0  # space before, pt (ignored on a box's first paragraph)
    align: str = "l"  # l / ctr / r
    major: bool = False  # heading font (theme major) vs body font (theme minor)
    list: str = ""  # "bullet" or "number": a list item, indented like the PDF's lists
    tracking: float = 0.0  # letter spacing, em

    @property
    def line_pt(self) -> float:
        return round(self.size * (self.line or 1.25) * 2) / 2


def clean(text: str) -> str:
    """Profile text made safe for XML and one-line runs (no control characters)."""
    return _SPACES.sub(" ", _XML_UNSAFE.sub("", text))


def runs_of(items: Iterable[Any]) -> tuple[TRun, ...]:
    """richtext runs → TRuns."""
    return tuple(TRun(clean(r.text), r.strong, r.em, r.href) for r in items if clean(r.text))


def paras_of(blocks: Sequence[Block], gap: float = 0.0, list_gap: float = 0.0, **style: Any) -> list[Para]:
    """richtext blocks → paragraphs; list items become bulleted or numbered paragraphs.

    Spacing follows the PDF's CSS: ``gap`` between consecutive paragraphs (``p + p``), ``list_gap``
    between a paragraph and a list after it, none between list items.
    """
    out: list[Para] = []
    previous = None
    for block in blocks:
        for index, item in enumerate(block.items):
            runs = runs_of(item)
            if not runs:
                continue
            before = 0.0
            if index == 0 and previous == "p":
                before = gap if block.kind == "p" else list_gap
            marker = {"ul": "bullet", "ol": "number"}.get(block.kind, "")
            out.append(Para(runs=runs, list=marker, before=before, **style))
        previous = block.kind
    return out


# ------------------------------------------------------------------ measuring


class Fonts:
    """Text widths from the real font files (Pillow), cached per word."""

    REF = 256  # measure at 256 px/em and scale: widths are linear in size

    def __init__(self, regular: bytes, bold: bytes):
        from PIL import ImageFont

        layout = ImageFont.Layout.BASIC  # deterministic, no raqm dependency
        self._fonts = {
            False: ImageFont.truetype(io.BytesIO(regular), self.REF, layout_engine=layout),
            True: ImageFont.truetype(io.BytesIO(bold), self.REF, layout_engine=layout),
        }
        self._cache: dict[tuple[str, bool], float] = {}

    def em(self, text: str, bold: bool) -> float:
        """Width of ``text`` in ems."""
        key = (text, bold)
        width = self._cache.get(key)
        if width is None:
            width = self._fonts[bold].getlength(text) / self.REF
            if len(self._cache) < 50_000:
                self._cache[key] = width
        return width

    def width(self, text: str, bold: bool, size: float) -> float:
        return self.em(text, bold) * size


@functools.lru_cache(maxsize=8)
def _fonts(regular_digest: str, bold_digest: str, regular: bytes, bold: bytes) -> Fonts:
    return Fonts(regular, bold)


def fonts_for(regular: bytes, bold: bytes) -> Fonts:
    # Keyed by digest so a long-lived worker reuses measurements across documents.
    return _fonts(hashlib.sha1(regular).hexdigest(), hashlib.sha1(bold).hexdigest(), regular, bold)


_TOKEN = re.compile(r"\S+|\s+")


@dataclass
class _Word:
    parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold) without trailing space
    space: list[tuple[str, bool]] = field(default_factory=list)  # trailing whitespace
    brk: bool = False  # a line break comes before this word


def _words(para: Para) -> list[_Word]:
    """Break opportunities are at whitespace only; a word may span runs (e.g. a link then '.')."""
    words: list[_Word] = [_Word()]
    for run in para.runs:
        bold = para.bold or run.bold
        if run.text == BREAK:
            words.append(_Word(brk=True))
            continue
        for token in _TOKEN.findall(run.text):
            if token.isspace():
                words[-1].space.append((token, bold))
            else:
                if words[-1].space:
                    words.append(_Word(brk=words[-1].brk and not words[-1].parts))
                words[-1].parts.append((token, bold))
    return [w for w in words if w.parts]


def wrap(fonts: Fonts, para: Para, width: float) -> int:
    """Number of lines ``para`` wraps into at ``width`` pt (greedy, like PowerPoint)."""
    size = para.size
    if para.list:  # list text starts at the indent, on every line
        width -= design.FIXED["list_indent"] * MM
    lines = 0
    used = 0.0
    pending_space = 0.0
    track = para.tracking * size

    def measure(text: str, bold: bool) -> float:
        return fonts.width(text, bold, size) + track * len(text)

    for word in _words(para):
        word_w = sum(measure(t, b) for t, b in word.parts)
        space_w = sum(measure(t, b) for t, b in word.space)
        if lines and not word.brk and used + pending_space + word_w <= width:
            used += pending_space + word_w
        elif word_w <= width:
            lines += 1
            used = word_w
        else:  # a word wider than the box breaks between characters
            chunk = 0.0
            lines += 1
            for text, bold in word.parts:
                for char in text:
                    w = measure(char, bold)
                    if chunk and chunk + w > width:
                        lines += 1
                        chunk = 0.0
                    chunk += w
            used = chunk
        pending_space = space_w
    return max(lines, 1)


def height(fonts: Fonts, paras: Sequence[Para], width: float) -> float:
    """Height of a text box's paragraphs at ``width`` (box margins excluded)."""
    total = 0.0
    for index, para in enumerate(paras):
        if index:
            total += para.before
        total += wrap(fonts, para, width) * para.line_pt
    return total


def scaled(paras: Sequence[Para], factor: float) -> list[Para]:
    return [replace(p, size=_half(p.size * factor), before=p.before * factor) for p in paras]


def _half(size: float) -> float:
    """Font sizes on a half-point grid, as PowerPoint's UI offers them."""
    return max(1.0, round(size * 2) / 2)


def lines(fonts: Fonts, paras: Sequence[Para], width: float) -> int:
    return sum(wrap(fonts, para, width) for para in paras)


def fit(
    fonts: Fonts,
    paras: Sequence[Para],
    width: float,
    max_height: float | None = None,
    max_lines: int | None = None,
    minimum: float = 0.6,
) -> list[Para]:
    """Shrink ``paras`` step-wise (down to ``minimum`` × size) until they fit; truncate as a last resort."""

    def fits(candidate: list[Para]) -> bool:
        if max_lines is not None and lines(fonts, candidate, width) > max_lines:
            return False
        return max_height is None or height(fonts, candidate, width) <= max_height

    factor = 1.0
    while True:
        candidate = scaled(paras, factor) if factor < 1 else list(paras)
        if fits(candidate):
            return candidate
        if factor <= minimum + 1e-9:
            limit = max_height if max_height is not None else 1e9
            if max_lines is not None:
                limit = min(limit, height(fonts, candidate[:1], 1e9) * max_lines + 0.01)
            return clamp_paras(fonts, candidate, width, limit)
        factor = max(minimum, factor - 0.05)


def clamp_paras(fonts: Fonts, paras: Sequence[Para], width: float, max_height: float) -> list[Para]:
    """Keep what fits and end with an ellipsis: the last resort for text too long for the page."""
    kept: list[Para] = []
    for para in paras:
        if height(fonts, kept + [para], width) <= max_height:
            kept.append(para)
            continue
        cut = _cut(fonts, kept, para, width, max_height)
        if cut is None and kept:  # not a word of this paragraph fits: end the previous one early
            cut = _cut(fonts, kept[:-1], kept[-1], width, max_height)
            kept.pop()
        kept.append(cut or replace(para, runs=(TRun(ELLIPSIS),)))
        break
    return kept


def _cut(fonts: Fonts, kept: list[Para], para: Para, width: float, max_height: float) -> Para | None:
    """The longest prefix of ``para`` plus an ellipsis that fits after ``kept``: at a word end, else a character."""

    def ok(end: tuple[int, int]) -> bool:
        return height(fonts, kept + [_prefix(para, end)], width) <= max_height

    best = _longest(_ends(para, r"\S+"), ok) or _longest(_ends(para, r"\S"), ok)
    return _prefix(para, best) if best else None


def _longest(ends: list[tuple[int, int]], ok: Callable[[tuple[int, int]], bool]) -> tuple[int, int] | None:
    """The last of ``ends`` that is ``ok`` (found by bisection: ok is monotonic)."""
    low, high = 0, len(ends)
    while low < high:
        middle = (low + high + 1) // 2
        if ok(ends[middle - 1]):
            low = middle
        else:
            high = middle - 1
    return ends[low - 1] if low else None


def _ends(para: Para, pattern: str) -> list[tuple[int, int]]:
    """(run index, end offset) of every match of ``pattern`` in ``para``'s runs."""
    return [
        (index, match.end())
        for index, run in enumerate(para.runs)
        if run.text != BREAK
        for match in re.finditer(pattern, run.text)
    ]


def _prefix(para: Para, end: tuple[int, int]) -> Para:
    index, offset = end
    runs = list(para.runs[:index]) + [replace(para.runs[index], text=para.runs[index].text[:offset] + ELLIPSIS)]
    return replace(para, runs=tuple(runs))
