"""Slide stage 1, text: the text model, font measuring, line breaking, fitting and clamping.

python-pptx has no line breaker and PowerPoint measures nothing until a user edits (autofit),
so every paragraph is broken into lines here and written with explicit line breaks (``<a:br/>``):
PowerPoint or LibreOffice then never wraps a line itself, so never at a place we did not choose.

- **Where a line may break**: Unicode line breaking (UAX #14, ``uniseg``), which also breaks
  between CJK ideographs; URLs, domains and e-mail addresses are tokens that break only after
  ``@``, ``.`` or ``/`` (and in a URL's path after ``-``, ``?``, ``&``, ``#``); phone numbers never.
  A word longer than a line breaks between grapheme clusters, without a hyphen.
- **How wide a text is**: shaped with HarfBuzz (``uharfbuzz``) with the real font file, the brand's
  or bundled Inter, regular or bold (kerning and ligatures included), and never less than the
  same text in DejaVu Sans (``substitute.py``): the widest common substitute when the font is not
  installed, so a slide opened without the brand font still fits. A character the font lacks is
  counted at a fallback width (1 em for East Asian wide characters, 0.7 em otherwise). Arabic, Hebrew and
  CJK stretches are shaped with their Noto font instead (``scripts.py``: which font sets which character,
  and a percentage slack for the fonts a reader's renderer substitutes).
- **Fitting**: ``fit`` shrinks a text in 5 % steps down to a floor (a fraction of its size), then
  ``clamp_paras`` cuts it at a word boundary with "…" (the full text is on the FAQ page).
  ``keep_lines`` keeps a text in as many lines as the brand font alone (as in the PDF) gives: when the
  substitute's floor would add a line, the letters shrink a little (≤ 15 %) but the line pitch stays.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from visitkit.render import design
from visitkit.render.slide import scripts, substitute

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
    link: bool = False  # set as a link (underlined, link colour) whose address is on its shape


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
    balance: bool = False  # set in lines of even length (a heading: no orphan on its last line)
    lang: str | None = None  # the text's language when not the document's (prose in the profile's default locale)

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
            out.append(Para(runs=runs, list=marker, before=before, lang=block.lang, **style))
        previous = block.kind
    return out


# ------------------------------------------------------------------ measuring

# A character the font has no glyph for is set in some fallback font: count East Asian wide
# characters 1 em (every CJK font sets ideographs on a square), others 0.7 em (wider than most letters).
WIDE_EM, OTHER_EM = 1.0, 0.7
_ZERO_WIDTH = {"Mn", "Me", "Cf"}


def fallback_em(char: str) -> float:
    """The width assumed for ``char`` when a font has no glyph for it."""
    if unicodedata.category(char) in _ZERO_WIDTH:
        return 0.0
    return WIDE_EM if unicodedata.east_asian_width(char) in ("W", "F") else OTHER_EM


class Fonts:
    """Text widths: shaped with the real font files (HarfBuzz), never less than DejaVu Sans's, cached.

    Letters of Arabic, Hebrew and CJK (and the weak characters beside them, ``scripts.segments``) are
    measured with their script's Noto font (``script_fonts``: script → regular and bold bytes), ``SLACK``
    wider for a substitute (``scripts.py``); ``han`` is the CJK font of the document (Jpan or Hans).
    """

    def __init__(self, regular: bytes, bold: bytes, script_fonts: Mapping[str, tuple[bytes, bytes]] | None = None,
                 han: str = "Jpan"):
        import uharfbuzz as hb

        self._hb = hb
        self._fonts = {}
        for is_bold, data in ((False, regular), (True, bold)):
            face = hb.Face(data)
            font = hb.Font(face)
            self._fonts[is_bold] = (font, face.upem)
        self._script_data = dict(script_fonts or {})
        self._script_fonts: dict[tuple[str, bool], tuple[Any, int]] = {}
        self.han = han
        self._cache: dict[tuple[str, bool], float] = {}
        self._floor = True  # never narrower than the substitute (see the module's docstring)
        self._brand: Fonts | None = None

    def brand_only(self) -> Fonts:
        """These fonts measured as the PDF sets them: the brand font alone, without the substitute's floor."""
        if self._brand is None:
            twin = object.__new__(Fonts)
            twin.__dict__.update(self.__dict__)
            twin._cache, twin._floor, twin._brand = {}, False, twin
            self._brand = twin
        return self._brand

    def _shape(self, font: Any, upem: int, text: str) -> float:
        """Width of ``text`` in ems in ``font``, shaped by HarfBuzz; glyphs it lacks at ``fallback_em``."""
        hb = self._hb
        buffer = hb.Buffer()
        buffer.add_codepoints([ord(c) for c in text])
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {"kern": True, "liga": True})
        total = 0.0
        missing: set[int] = set()
        for info, position in zip(buffer.glyph_infos, buffer.glyph_positions, strict=True):
            if info.codepoint == 0:  # .notdef: the renderer falls back to another font
                missing.add(info.cluster)
            else:
                total += position.x_advance / upem
        if missing:  # a cluster runs from its index to the next cluster's
            starts = sorted({info.cluster for info in buffer.glyph_infos} | {len(text)})
            for begin, end in zip(starts, starts[1:], strict=False):
                if begin in missing:
                    total += sum(fallback_em(c) for c in text[begin:end])
        return total

    def shaped_em(self, text: str, bold: bool) -> float:
        """Width of ``text`` in ems in the brand font, shaped (kerning, ligatures) by HarfBuzz."""
        return self._shape(*self._fonts[bold], text)

    def script_em(self, script: str, text: str, bold: bool) -> float:
        """Width of ``text`` in ems in ``script``'s Noto font (Arabic joining shaped by HarfBuzz)."""
        key = (script, bold)
        if key not in self._script_fonts:  # faces made on first use: most documents need none
            face = self._hb.Face(self._script_data[script][1 if bold else 0])
            self._script_fonts[key] = (self._hb.Font(face), face.upem)
        return self._shape(*self._script_fonts[key], text)

    def strut_em(self, script: str) -> float:
        """How much taller (in ems) the PDF sets a line of ``script`` text than its line-height.

        CSS gives each font on a line its own half-leading: the strut of the element's first font (the brand
        font) and the script font's glyphs share the line with different ascent/descent balances, so the line
        box grows by half the difference of (ascent − descent) between them (Noto Sans CJK JP beside Inter:
        0.07 em; Noto Sans Arabic: 0.05 em). The slide adds it to the line pitch to keep the PDF's heights.
        """
        if script not in self._script_data:
            return 0.0

        def balance(data: bytes) -> float:
            face = self._hb.Face(data)
            extents = self._hb.Font(face).get_font_extents("ltr")
            return (extents.ascender + extents.descender) / face.upem  # descender is negative

        brand = self._fonts[False][0]
        extents = brand.get_font_extents("ltr")
        upem = self._fonts[False][1]
        return abs(balance(self._script_data[script][0]) - (extents.ascender + extents.descender) / upem) / 2

    @staticmethod
    def substitute_em(text: str, bold: bool) -> float:
        """Width of ``text`` in ems in DejaVu Sans (advances, no kerning)."""
        table = substitute.advances(bold)
        return sum(table[ord(c)] if ord(c) in table else fallback_em(c) for c in text)

    def em(self, text: str, bold: bool) -> float:
        """Width of ``text`` in ems: each stretch in its script's font or the brand font, with the substitute's
        allowance (a slack for a script font, DejaVu Sans as a floor for the brand font)."""
        key = (text, bold)
        width = self._cache.get(key)
        if width is None:
            width = 0.0
            for start, end, script in scripts.segments(text, self.han):
                piece = text[start:end]
                if script in self._script_data:
                    em = self.script_em(script, piece, bold)
                    width += em * (1 + scripts.SLACK[script]) if self._floor else em
                else:
                    em = self.shaped_em(piece, bold)
                    width += max(em, self.substitute_em(piece, bold)) if self._floor else em
            if len(self._cache) < 50_000:
                self._cache[key] = width
        return width

    def width(self, text: str, bold: bool, size: float) -> float:
        return self.em(text, bold) * size


_FONTS: dict[tuple[str, ...], Fonts] = {}


def fonts_for(regular: bytes, bold: bytes, script_fonts: Mapping[str, tuple[bytes, bytes]] | None = None,
              han: str = "Jpan") -> Fonts:
    """Measuring fonts, kept by digest so a long-lived worker reuses faces and measurements across documents."""
    script_fonts = dict(sorted((script_fonts or {}).items()))
    key = (hashlib.sha1(regular).hexdigest(), hashlib.sha1(bold).hexdigest(), han,
           *(f"{s}:{hashlib.sha1(r).hexdigest()}:{hashlib.sha1(b).hexdigest()}" for s, (r, b) in script_fonts.items()))
    if key not in _FONTS:
        if len(_FONTS) >= 8:
            _FONTS.pop(next(iter(_FONTS)))
        _FONTS[key] = Fonts(regular, bold, script_fonts, han)
    return _FONTS[key]


# ------------------------------------------------------------------ where lines may break

# URLs (with or without a scheme), bare domains and e-mail addresses: tokens with their own break points.
_EMAIL = re.compile(r"[\w.!#$%&'*+=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://)?(?:[\w-]+\.)+[\w-]{2,}(?::\d+)?(?:[/?#][^\s]*)?", re.I)
_TRAILING = ".,;:!?)]}'\"»›”’"
_HOST_BREAKS = "@./"  # break after these inside an address or a domain
_PATH_BREAKS = "/.-?&#"  # … and after these in a URL's path
_SOFT = "-_"  # a piece longer than a line breaks after these before it breaks anywhere


def _tokens(text: str) -> list[tuple[int, int, int]]:
    """(start, end, path start) of each URL, domain or e-mail address in ``text``."""
    found: list[tuple[int, int, int]] = []
    for pattern in (_EMAIL, _URL):
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            if any(start < b and a < end for a, b, _ in found):
                continue
            body = text[start:end]
            scheme = body.find("://")
            slash = body.find("/", scheme + 3 if scheme >= 0 else 0)
            path = start + slash if slash >= 0 and pattern is _URL else end
            found.append((start, end, path))
    return found


@functools.lru_cache(maxsize=20_000)
def _inner_breaks(chunk: str) -> tuple[int, ...]:
    """UAX #14 break offsets strictly inside ``chunk`` (a run of non-spaces): after hyphens, between ideographs…"""
    from uniseg.linebreak import line_break_boundaries

    return tuple(b for b in line_break_boundaries(chunk) if 0 < b < len(chunk))


@functools.lru_cache(maxsize=4_096)
def _space_break(before: str, spaces: str, after: str) -> bool:
    """May a line start at ``after``, following ``spaces``? UAX #14 decides on this window (e.g. not before "!")."""
    from uniseg.linebreak import line_break_boundaries

    return len(before) + len(spaces) in set(line_break_boundaries(before + spaces + after))


_CHUNK = re.compile(r"[^ ]+| +")


def opportunities(text: str, keep: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Offsets in ``text`` where a new line may start (0 and len excluded), sorted.

    UAX #14, computed per space-separated chunk (cached: the copy repeats across documents), with
    URLs, domains and e-mail addresses breaking only at their own points, and no break inside
    the ``keep`` spans (e.g. a phone number).
    """
    points: set[int] = set()
    chunks = [(m.start(), m.group()) for m in _CHUNK.finditer(text)]
    for index, (start, chunk) in enumerate(chunks):
        if chunk[0] != " ":
            points.update(start + b for b in _inner_breaks(chunk))
        elif 0 < index < len(chunks) - 1:
            before, after = chunks[index - 1][1], chunks[index + 1][1]
            if _space_break(_last_cluster(before), chunk, _first_cluster(after)):
                points.add(start + len(chunk))
    for start, end, path in _tokens(text):
        points -= set(range(start + 1, end))
        for p in range(start + 1, end):
            allowed = _PATH_BREAKS if p > path else _HOST_BREAKS
            if text[p - 1] in allowed and text[p] not in _PATH_BREAKS + "@":
                points.add(p)
    for start, end in keep:
        points -= set(range(start + 1, end))
    return sorted(p for p in points if 0 < p < len(text))


def _last_cluster(text: str) -> str:
    return text[_cluster_starts(text)[-1]:]


def _first_cluster(text: str) -> str:
    starts = _cluster_starts(text)
    return text[: starts[1]] if len(starts) > 1 else text


@functools.lru_cache(maxsize=20_000)
def _cluster_starts(text: str) -> tuple[int, ...]:
    """Offsets where grapheme clusters start (0 included)."""
    from uniseg.graphemecluster import grapheme_cluster_boundaries

    return tuple(b for b in grapheme_cluster_boundaries(text) if b < len(text)) or (0,)


# ------------------------------------------------------------------ lines


@dataclass(frozen=True)
class Line:
    start: int  # offsets in the paragraph's text (its runs joined, line breaks left out)
    end: int  # includes trailing spaces
    split: bool = False  # the line ends inside a word (a word longer than the line)


class _Text:
    """A paragraph's runs as one string, for breaking and for measuring any slice of it."""

    def __init__(self, para: Para):
        self.para = para
        self.text = ""
        self.spans: list[tuple[int, int, TRun]] = []  # (start, end, run)
        self.forced: set[int] = set()  # offsets after a line break run
        keep: list[tuple[int, int]] = []
        for run in para.runs:
            if run.text == BREAK:
                self.forced.add(len(self.text))
                continue
            start = len(self.text)
            self.text += run.text
            self.spans.append((start, len(self.text), run))
            if run.href and run.href.startswith("tel:"):  # a phone number stays on one line
                keep.append((start, len(self.text)))
        self.points = _points(self.text, tuple(keep), frozenset(self.forced))

    def width(self, fonts: Fonts, start: int, end: int) -> float:
        """Width in pt of ``text[start:end]``, each run measured in its own weight."""
        size, track = self.para.size, self.para.tracking * self.para.size
        total = 0.0
        for a, b, run in self.spans:
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                piece = self.text[lo:hi]
                total += fonts.width(piece, self.para.bold or run.bold, size) + track * len(piece)
        return total


@functools.lru_cache(maxsize=20_000)
def _points(text: str, keep: tuple[tuple[int, int], ...], forced: frozenset[int]) -> tuple[int, ...]:
    """A paragraph's break offsets. Cached: fitting measures the same paragraph at many sizes and widths,
    and UAX #14 is the slide's costliest step (about 0.1 ms a character)."""
    return tuple(sorted(set(opportunities(text, keep)) | {p for p in forced if 0 < p < len(text)}))


def _available(para: Para, width: float) -> float:
    # List text starts at the indent, on every line.
    return width - design.FIXED["list_indent"] * MM if para.list else width


def wrap_lines(fonts: Fonts, para: Para, width: float) -> list[Line]:
    """``para`` broken into lines at most ``width`` pt wide (greedy, at the latest allowed break)."""
    text = _Text(para)
    width = _available(para, width)
    n = len(text.text)
    if not n:
        return [Line(0, 0)]
    bounds = [0, *text.points, n]
    lines: list[Line] = []
    line_start, used, pending = 0, 0.0, 0.0  # used: up to the last ink; pending: the spaces after it
    for a, b in zip(bounds, bounds[1:], strict=False):
        segment = text.text[a:b]
        ink_end = a + len(segment.rstrip(" "))
        ink = text.width(fonts, a, ink_end)
        space = text.width(fonts, ink_end, b)
        if a > line_start and (a in text.forced or used + pending + ink > width):
            lines.append(Line(line_start, a))
            line_start, used, pending = a, 0.0, 0.0
        if ink > width and ink_end > a:  # longer than a line: break between grapheme clusters
            starts = [a + s for s in _cluster_starts(text.text[a:ink_end])] + [ink_end]
            widths = {c: text.width(fonts, c, d) for c, d in zip(starts, starts[1:], strict=False)}
            piece_start, piece_w = a, 0.0
            for c in starts[:-1]:
                if c > piece_start and piece_w + widths[c] > width:
                    # Rather after a hyphen (a domain label longer than the line) than inside a word.
                    soft = [p for p in starts if piece_start < p <= c and text.text[p - 1] in _SOFT]
                    cut = soft[-1] if soft else c
                    lines.append(Line(piece_start, cut, split=True))
                    piece_start, piece_w = cut, sum(w for p, w in widths.items() if cut <= p < c)
                piece_w += widths[c]
            line_start, used, pending = piece_start, piece_w, space
            continue
        used += pending + ink
        pending = space
    lines.append(Line(line_start, n))
    return lines


def wrap(fonts: Fonts, para: Para, width: float) -> int:
    """Number of lines ``para`` takes at ``width`` pt."""
    return len(wrap_lines(fonts, para, width))


def set_lines(fonts: Fonts, para: Para, width: float) -> Para:
    """``para`` with a line break run (``<a:br/>``) wherever ``wrap_lines`` ends a line.

    Written so, PowerPoint and LibreOffice never wrap a line themselves (each fits, in the brand
    font or its substitute), so never inside an address or at a place we did not choose.
    """
    lines = wrap_lines(fonts, para, width)
    if len(lines) == 1 and not any(r.text == BREAK for r in para.runs):
        return para
    if para.balance and len(lines) > 1:
        lines = wrap_lines(fonts, para, balanced_width(fonts, para, width))
    text = _Text(para)
    runs: list[TRun] = []
    for index, line in enumerate(lines):
        if index:
            runs.append(TRun(BREAK))
        for a, b, run in text.spans:
            lo, hi = max(a, line.start), min(b, line.end)
            if lo < hi:
                piece = text.text[lo:hi]
                ink = piece.rstrip(" ")
                if run.href and hi == line.end and index < len(lines) - 1 and ink and ink != piece:
                    # A link's space before a break is not underlined into the margin.
                    runs += [replace(run, text=ink), replace(run, text=piece[len(ink):], href=None)]
                else:
                    runs.append(replace(run, text=piece))
    return replace(para, runs=tuple(runs))


def balanced_width(fonts: Fonts, para: Para, width: float) -> float:
    """The narrowest width (to 1 pt) at which ``para`` still takes as few lines as at ``width``."""
    count = wrap(fonts, para, width)
    low, high = width / (count + 1), width
    while high - low > 1:
        middle = (low + high) / 2
        if wrap(fonts, para, middle) <= count and not any(line.split for line in wrap_lines(fonts, para, middle)):
            high = middle
        else:
            low = middle
    return high


def set_paras(fonts: Fonts, paras: Sequence[Para], width: float) -> tuple[Para, ...]:
    return tuple(set_lines(fonts, para, width) for para in paras)


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


def keep_lines_factor(fonts: Fonts, paras: Sequence[Para], width: float, minimum: float = 0.85) -> float | None:
    """The largest size factor (1, or down to ``minimum`` in 2.5 % steps) at which ``paras`` take as many lines as
    the PDF sets them in (the brand font alone) despite the substitute's floor; None when even ``minimum`` does not."""
    target = lines(fonts.brand_only(), paras, width)
    factor = 1.0
    while lines(fonts, pitched(paras, factor), width) > target:
        if factor <= minimum + 1e-9:
            return None
        factor = max(minimum, factor - 0.025)
    return factor


def pitched(paras: Sequence[Para], factor: float) -> list[Para]:
    """``paras`` with their letters scaled by ``factor`` but their line pitch and spacing kept."""
    if factor >= 1:
        return list(paras)
    out = []
    for p in paras:
        size = _half(p.size * factor)
        out.append(replace(p, size=size, line=p.line_pt / size if p.line else 0.0))
    return out


def keep_lines(fonts: Fonts, paras: Sequence[Para], width: float, minimum: float = 0.85) -> list[Para]:
    """``paras`` in as many lines as the PDF sets them in (the brand font alone): when the substitute's floor
    needs more lines at full size, the letters shrink a little (not below ``minimum`` × size, else they are
    left as they are) while the line pitch and the spacing stay the PDF's, so the text keeps its height."""
    factor = keep_lines_factor(fonts, paras, width, minimum)
    return pitched(paras, factor) if factor is not None else list(paras)


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

    # At a word's end; failing that (a first word longer than the room) inside it, but never inside an address.
    inside = [(i, a, b) for i, run in enumerate(para.runs) if run.text != BREAK for a, b, _ in _tokens(run.text)]
    chars = [(i, e) for i, e in _ends(para, r"\S") if not any(i == j and a < e < b for j, a, b in inside)]
    best = _longest(_ends(para, r"\S+"), ok) or _longest(chars, ok)
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
    # "questions…", not "questions.…": the ellipsis takes the place of the punctuation it follows.
    kept = para.runs[index].text[:offset].rstrip(".,;:") or para.runs[index].text[:offset]
    runs = list(para.runs[:index]) + [replace(para.runs[index], text=kept + ELLIPSIS)]
    return replace(para, runs=tuple(runs))
