"""The infographic as an editable one-slide PowerPoint file (python-pptx).

Same design as the PDF infographic: a diagonal brand gradient header with the
logo on a white plate and the vertical's line icon, a big title, numbered
steps, call-to-action buttons, help and contact lines and a footer. Every
element is a real text box or shape, so the organisation can edit it.

Brand colours and the brand font go into the slide master's *theme*; shapes
and text refer to theme colours, so re-colouring the theme in PowerPoint keeps
the design consistent. PowerPoint never measures text for us (autofit only
happens when a user edits), so every text box is sized here, with the real
font files, and shrunk step-wise until its wrapped lines fit.

The output is byte-reproducible: fixed document properties and a re-zipped
package with fixed timestamps.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from visitkit.render import balanced_lines

if TYPE_CHECKING:
    from visitkit.content import Content
    from visitkit.render import RenderContext
    from visitkit.richtext import Block

OUTPUT = "infographic.pptx"
TEMPLATES = ("templates/icons/{vertical}.svg",)

EMU_PER_PT = 12700
# Page sizes in EMU, exact (36 000 EMU per mm, 914 400 per inch).
PAGE_EMU = {"a4": (7_560_000, 10_692_000), "letter": (7_772_400, 10_058_400)}
PAGE_FORMAT = {"a4": "A4 Paper (210x297 mm)", "letter": "Letter Paper (8.5x11 in)"}
FIXED_DATE = "2000-01-01T00:00:00"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
# Text is measured at the design width (as the PDF sets it), but every text box is drawn this much
# wider, into the free space beside it: PowerPoint or LibreOffice measuring a little wider than Pillow
# must never wrap into an extra line, which would overflow the box.
BOX_SLACK = 0.02
ELLIPSIS = "…"
LIST_INDENT = 4.5  # mm: where list item text starts (the PDF's padding-left); the marker sits left of it
MARKER_GAP = 1.4  # mm between a list marker's right edge and the text
BREAK = "\n"  # a TRun with this text is a line break (<a:br/>) inside a paragraph

_NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
_DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[\t\n\r\u2028\u2029]+")

# Theme slots. Brand-derived colours all live in the theme so a user can re-colour it in PowerPoint.
# dk1 text · lt1 background · dk2 accent (headings) · lt2 tint (panels) · hlink links (see link_colour)
# accent1 primary · accent2 secondary · accent3 button · accent4 muted · accent5 on_primary · accent6 accent
_SLOTS = {
    "dk1": "text",
    "lt1": "background",
    "dk2": "accent",
    "lt2": "tint",
    "accent1": "primary",
    "accent2": "secondary",
    "accent3": "button",
    "accent4": "muted",
    "accent5": "on_primary",
    "accent6": "accent",
    "hlink": "link",
    "folHlink": "link",
}
# Scheme colour names as shapes refer to them (through the master's colour map: tx1 → dk1, bg1 → lt1 …).
TEXT, BACKGROUND, ACCENT, TINT = "tx1", "bg1", "tx2", "bg2"
PRIMARY, SECONDARY, BUTTON, MUTED, ON_PRIMARY = "accent1", "accent2", "accent3", "accent4", "accent5"


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
        width -= LIST_INDENT * MM
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


# ------------------------------------------------------------------ layout

MM = 72 / 25.4  # pt per mm; the design is specified in mm, like the PDF's CSS

# Density levels d0 (airy) … d5 (tightest), the same as the PDF infographic's CSS custom properties
# (templates/infographic/infographic.css), so both documents of one org look alike. Lengths in mm,
# font sizes in pt; one column per level, one row per CSS property (--head-top → head_top).
_DENSITY_TABLE = """
head_top         16     14     12     10      9      8
head_bottom      14     13     11      9      8      7
title_gap        18     16     13     10      8      7
t_xl             40     36     34     31     28     26
t_l              34     31     29     27     25     23
t_m              28     26     25     23     22     20
t_s              23     22     21     20     19     18
sub_size         15   13.5     13     12   11.5     11
icon             36     32     30     27     25     23
body_top         12     10    8.5      7      6      5
h2_size          18     16     15     14     13     12
h2_gap            7      6      5    4.5      4    3.5
num            10.5    9.5      9    8.5      8    7.5
num_font         14   12.5     12   11.5     11   10.5
line_left         5    4.5   4.25      4   3.75    3.5
line_top       11.5   10.5     10    9.5      9    8.5
step_indent      15   13.5     13     12   11.5     11
h3_size          14   12.5   11.8     11   10.5     10
h3_pad          2.2    1.9    1.8    1.8    1.8    1.7
step_size        11   10.2    9.7    9.2    8.7    8.2
step_gap          8      6    4.8    3.8      3    2.2
step_gap_5       11    8.5    6.5      5      4      3
btn1_size        15   13.5     13     12   11.5     11
btn1_pad        5.5    4.6      4    3.4      3    2.6
btn2_size        12   10.8   10.4     10    9.6    9.2
btn2_pad        3.2    2.6    2.4    2.1    1.9    1.7
btn_gap           4    3.2      3    2.6    2.3      2
panel_size     10.5    9.7    9.3    8.8    8.4      8
panel_gap       5.5    4.5    3.8    3.2    2.6    2.2
panel_pad         7      6    5.5      5    4.5      4
note_size        10    9.3    8.9    8.4      8    7.5
foot_pad          7    6.5      6    5.5      5    4.5
"""
DENSITIES: tuple[dict[str, float], ...] = tuple(
    {row.split()[0]: float(row.split()[1 + level]) for row in _DENSITY_TABLE.strip().splitlines()} for level in range(6)
)
LINE_HEIGHT = 1.38  # the PDF's body line height
FOOTER_SPACE = 7.0  # mm: the footer's top margin (it only counts after the wide note: CSS clearance)
SPREAD_MAX = 6.0  # mm: most extra space given to each step when the content is short
EXTRA_WIDE = 260  # characters of extra info above which it leaves the panel for a full-width note


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Item:
    """One thing on the slide, in pt. Items are drawn in list order, which is also the reading order."""

    kind: str  # rect, polygon, logo, icon, circle, button, text
    name: str
    box: Box
    paras: tuple[Para, ...] = ()
    fill: str | None = None  # scheme colour name, "#RRGGBB", or "gradient"
    alpha: int | None = None  # fill opacity, 1/1000 %
    angle: float = 45.0  # gradient direction (DrawingML: clockwise from →)
    radius: float = 0.0  # corner radius, pt
    line: str | None = None  # outline scheme colour
    line_w: float = 0.0
    points: tuple[tuple[float, float], ...] = ()
    url: str | None = None
    insets: tuple[float, float, float, float] = (0, 0, 0, 0)  # left, top, right, bottom
    anchor: str = "t"
    decorative: bool = False


def display_url(url: str, limit: int = 42) -> str:
    """A URL as printed for readers of paper copies (as on the PDF): no scheme, no trailing slash."""
    text = re.sub(r"^(https?://)?(www\.)?", "", url, flags=re.I).rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _title_class(lines: list[str]) -> str:
    longest = max(len(line) for line in lines)
    return "xl" if longest <= 18 else "l" if longest <= 23 else "m" if longest <= 29 else "s"


Point = tuple[float, float]


def _clip(polygon: list[Point], normal: Point, limit: float, keep_above: bool) -> list[Point]:
    """Sutherland–Hodgman: the part of ``polygon`` where normal·p ≥ limit (or ≤ when not keep_above)."""

    def inside(p: tuple[float, float]) -> bool:
        value = normal[0] * p[0] + normal[1] * p[1]
        return value >= limit if keep_above else value <= limit

    out: list[Point] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        if inside(current) != inside(previous):
            a = normal[0] * previous[0] + normal[1] * previous[1]
            b = normal[0] * current[0] + normal[1] * current[1]
            t = (limit - a) / (b - a)
            out.append((previous[0] + t * (current[0] - previous[0]), previous[1] + t * (current[1] - previous[1])))
        if inside(current):
            out.append(current)
    return out


def stripe(box: Box, css_angle: float, start: float, end: float) -> list[tuple[float, float]]:
    """The band ``start``–``end`` (0–1) of a CSS ``linear-gradient(<css_angle>deg, …)`` over ``box``."""
    import math

    rad = math.radians(css_angle)
    direction = (math.sin(rad), -math.cos(rad))  # CSS: 0deg points up, angles turn clockwise
    length = abs(box.w * math.sin(rad)) + abs(box.h * math.cos(rad))
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    centre = direction[0] * cx + direction[1] * cy
    rect = [(box.x, box.y), (box.x + box.w, box.y), (box.x + box.w, box.y + box.h), (box.x, box.y + box.h)]
    band = _clip(rect, direction, centre + (start - 0.5) * length, True)
    return _clip(band, direction, centre + (end - 0.5) * length, False)


class Designer:
    """Lays the slide out for one ``Content`` at one density, measuring every text with the real fonts.

    The geometry follows templates/infographic/infographic.css (the PDF): lengths are in mm there and
    converted to pt here.
    """

    SIDE = 16 * MM

    def __init__(self, content: Content, fonts: Fonts, logo_ratio: float | None):
        self.c = content
        self.fonts = fonts
        self.logo_ratio = logo_ratio
        width, height = PAGE_EMU[content.page_size]
        self.W = width / EMU_PER_PT
        self.H = height / EMU_PER_PT
        self.inner = self.W - 2 * self.SIDE
        on_primary = content.colors.on_primary
        self.low_contrast = min(
            _contrast(on_primary, content.colors.primary), _contrast(on_primary, content.colors.secondary)
        ) < 4.5  # only large text is safe on the header then
        self.extra_wide = len(_plain(content.infographic.extra)) > EXTRA_WIDE
        self.name_size = "long" if len(content.name) > 90 else "medium" if len(content.name) > 50 else "short"

    def layout(self) -> list[Item]:
        """The airiest density whose content fits; spare height is shared out between the steps (as the PDF does)."""
        last = len(DENSITIES) - 1
        for index, density in enumerate(DENSITIES):
            items, free = self.at(density, clamp=index == last)
            if free >= 0:
                break
        steps = len(self.c.infographic.steps)
        if free > 12 * MM and steps:
            spread = min(SPREAD_MAX * MM, (free - 8 * MM) / (steps + 1))
            spread_items, spread_free = self.at(density, clamp=False, spread=spread)
            if spread_free >= 0:
                items = spread_items
        if self.c.dir == "rtl":
            items = [_mirror(item, self.W) for item in items]
        return items

    def measure(self, paras: Sequence[Para], width: float) -> float:
        return height(self.fonts, paras, width)

    def at(self, d: dict[str, float], clamp: bool, spread: float = 0.0) -> tuple[list[Item], float]:
        """Items at density ``d`` and the height left free above the footer (negative: overflow)."""
        self.d = d
        self.items: list[Item] = []
        header_h = self.header()
        footer = self.footer()
        free = self.body(header_h, footer[0].box.y, clamp, spread)
        self.items += footer
        return self.items, free

    def mm(self, name: str) -> float:
        return self.d[name] * MM

    def add(self, kind: str, name: str, box: Box, paras: Sequence[Para] = (), **extra: Any) -> None:
        self.items.append(Item(kind, name, box, tuple(paras), **extra))

    # -- header --------------------------------------------------------------
    def header(self) -> float:
        d, c, side = self.d, self.c, self.SIDE
        top = self.mm("head_top")
        content: list[Item] = []
        if c.logo and self.logo_ratio:
            scale = min(58 * MM, 13 * MM * self.logo_ratio)  # the logo fitted into 58 × 13 mm
            logo_w, logo_h = scale, scale / self.logo_ratio
            plate = Box(side, top, logo_w + 8 * MM, logo_h + 6 * MM)
            content.append(Item("rect", "Logo plate", plate, fill="#FFFFFF", radius=2.5 * MM, decorative=True))
            content.append(Item("logo", "Logo", Box(side + 4 * MM, top + 3 * MM, logo_w, logo_h)))
            y = plate.bottom
        else:  # no logo: the organisation's short name, set as a wordmark
            size = 12 if self.name_size == "long" else 16
            width = min(120 * MM, self.inner - self.mm("icon") - 6 * MM)
            paras = [Para((TRun(clean(c.short_name)),), size, ON_PRIMARY, bold=True, line=1.15, major=True)]
            paras = fit(self.fonts, paras, width, max_lines=3, minimum=0.7)
            h = self.measure(paras, width)
            content.append(Item("text", "Organisation", Box(side, top + 2 * MM, width, h), tuple(paras)))
            y = top + 2 * MM + h
        icon = self.mm("icon")
        content.append(Item("icon", "Icon", Box(self.W - side - icon, top - 2 * MM, icon, icon), decorative=True))

        y += self.mm("title_gap")
        width = min(138 * MM, self.inner)
        title_lines = balanced_lines(clean(c.infographic.title))
        runs: list[TRun] = []
        for line in title_lines:
            runs += [TRun(BREAK)] if runs else []
            runs.append(TRun(line))
        start = d["t_" + _title_class(title_lines)]
        title = [Para(tuple(runs), start, ON_PRIMARY, bold=True, line=1.08, major=True, tracking=-0.012)]
        # Shrink a title whose lines are too wide (very long words); wrap it as a last resort.
        title = fit(self.fonts, title, width, max_lines=len(title_lines), minimum=min(1.0, 18 / start))
        if lines(self.fonts, title, width) > len(title_lines):  # let it wrap freely instead
            plain = replace(title[0], runs=(TRun(" ".join(title_lines)),), size=start)
            title = fit(self.fonts, [plain], width, max_lines=4, minimum=min(1.0, 18 / start))
        h = self.measure(title, width)
        content.append(Item("text", "Title", Box(side, y, width, h), tuple(title)))
        y += h
        subtitle_text = clean(c.infographic.subtitle).strip()
        if subtitle_text:
            y += 4 * MM
            size = 14 if self.low_contrast else d["sub_size"]
            sub = [Para((TRun(subtitle_text),), size, ON_PRIMARY, bold=self.low_contrast, line=1.3)]
            sub = fit(self.fonts, sub, width, max_lines=3, minimum=0.8)
            h = self.measure(sub, width)
            content.append(Item("text", "Subtitle", Box(side, y, width, h), tuple(sub)))
            y += h
        header = Box(0, 0, self.W, y + self.mm("head_bottom"))
        self.add("rect", "Header", header, fill="gradient", decorative=True)
        # Two diagonal shades, as on the vendor's covers; they move away from the text colour.
        shade, alpha = ("#000000", 13000) if c.colors.on_primary == "#FFFFFF" else ("#FFFFFF", 16000)
        for name, start_at, end_at in (("Header shade 1", 0.61, 0.79), ("Header shade 2", 0.86, 1.0)):
            points = stripe(header, 116, start_at, end_at)
            if len(points) >= 3:
                self.add("polygon", name, header, points=tuple(points), fill=shade, alpha=alpha, decorative=True)
        self.items += content
        return header.h

    # -- footer --------------------------------------------------------------
    def footer(self) -> list[Item]:
        """Pinned to the bottom: a tinted band under a thin gradient rule, name left, homepage right."""
        c, side = self.c, self.SIDE
        size = {"long": 7.5, "medium": 8.5, "short": 9.0}[self.name_size]
        name = [Para((TRun(clean(c.name)),), size, TEXT, bold=True, line=1.3)]
        name_w, home_w = self.inner * 0.64, self.inner * 0.34
        home_url = c.links.get("homepage")
        home = []
        if home_url:
            home = [Para((TRun(display_url(home_url, 56), href=home_url),), size, TEXT, line=1.3, align="r")]
        h = max(self.measure(name, name_w), self.measure(home, home_w) if home else 0.0)
        pad = self.mm("foot_pad")
        top = self.H - (pad + h + pad)
        items = [
            Item("rect", "Footer band", Box(0, top, self.W, self.H - top), fill=TINT, decorative=True),
            Item("rect", "Footer rule", Box(0, top, self.W, 1.6 * MM), fill="gradient", angle=0, decorative=True),
            Item("text", "Organisation name", Box(side, top + pad, name_w, h), tuple(name)),
        ]
        if home:
            items.append(Item("text", "Homepage", Box(self.W - side - home_w, top + pad, home_w, h), tuple(home)))
        return items

    # -- body ----------------------------------------------------------------
    def body(self, header_h: float, bottom: float, clamp: bool, spread: float) -> float:
        """The steps (left) and the panel (right), then a wide note; returns the height left free."""
        top = header_h + self.mm("body_top") + spread
        journey_bottom = self.journey(top, spread)
        panel_bottom = self.panel(top, clamp and not self.extra_wide, bottom)
        y = max(journey_bottom, panel_bottom)
        if self.extra_wide:
            y = self.note(y, bottom, clamp)
        return bottom - y

    def journey(self, top: float, spread: float) -> float:
        d, side, info = self.d, self.SIDE, self.c.infographic
        width = self.inner * 0.57
        y = top
        heading = [Para((TRun(clean(info.steps_heading)),), d["h2_size"], ACCENT, bold=True, line=1.2, major=True)]
        h = self.measure(heading, width)
        self.add("text", "Steps heading", Box(side, y, width, h), heading)
        y += h + 2.2 * MM
        self.add("rect", "Steps heading rule", Box(side, y, 12 * MM, 0.9 * MM), fill=ACCENT, radius=0.45 * MM,
                 decorative=True)
        y += 0.9 * MM + self.mm("h2_gap")
        num, indent = self.mm("num"), self.mm("step_indent")
        text_w = width - indent
        gap = self.mm("step_gap_5" if len(info.steps) == 5 else "step_gap")
        for number, step in enumerate(info.steps, 1):
            paras = [Para((TRun(clean(step.title)),), d["h3_size"], TEXT, bold=True, line=1.25, major=True)]
            body = paras_of(step.body, gap=0.8 * MM, list_gap=0.8 * MM, size=d["step_size"], line=LINE_HEIGHT)
            paras += [replace(p, before=1 * MM) if i == 0 else p for i, p in enumerate(body)]
            h = self.measure(paras, text_w)
            step_h = max(num, self.mm("h3_pad") + h + gap)  # CSS border-box: min-height includes the gap
            line_top, line_bottom = y + self.mm("line_top"), y + step_h - 1.2 * MM
            if number < len(info.steps) and line_bottom > line_top:  # a rule joins this number to the next
                line = Box(side + self.mm("line_left"), line_top, 0.5 * MM, line_bottom - line_top)
                # The PDF's rule colour is the tint mixed 25 % towards primary: primary at ~31 % on white.
                self.add("rect", f"Step {number} line", line, fill=PRIMARY, alpha=31000, decorative=True)
            label = [Para((TRun(str(number)),), d["num_font"], ON_PRIMARY, bold=True, line=0, align="ctr")]
            self.add("circle", f"Step {number} number", Box(side, y, num, num), label, fill=BUTTON, anchor="ctr")
            self.add("text", f"Step {number}", Box(side + indent, y + self.mm("h3_pad"), text_w, h), paras)
            y += step_h + spread
        return y

    def panel(self, top: float, clamp: bool, bottom: float) -> float:
        d, info = self.d, self.c.infographic
        width = self.inner * 0.38
        x = self.W - self.SIDE - width
        pad = self.mm("panel_pad")
        inner_w = width - 2 * pad
        panel_top = top + 1 * MM
        index = len(self.items)
        y = panel_top + pad
        for cta in info.ctas:
            primary = cta.id == "booking"
            pad_y, pad_x = self.mm("btn1_pad" if primary else "btn2_pad"), (3.5 if primary else 3) * MM
            label = Para((TRun(clean(cta.label)),), d["btn1_size" if primary else "btn2_size"],
                         ON_PRIMARY if primary else ACCENT, bold=True, line=1.2, align="ctr")
            url = Para((TRun(display_url(cta.url)),), 8, ON_PRIMARY if primary else MUTED, line=LINE_HEIGHT,
                       before=0.6 * MM, align="ctr")
            h = pad_y + self.measure([label, url], inner_w - 2 * pad_x) + pad_y
            self.add("button", f"Button: {cta.id}", Box(x + pad, y, inner_w, h), [label, url],
                     fill=BUTTON if primary else BACKGROUND, line=None if primary else ACCENT, line_w=0.45 * MM,
                     radius=2.5 * MM, url=cta.url, insets=(pad_x, pad_y, pad_x, pad_y))
            y += h + self.mm("btn_gap")
        sections = [("Help", info.help), ("Extra information", () if self.extra_wide else info.extra),
                    ("Contact", info.contact)]
        style = {"size": d["panel_size"], "line": LINE_HEIGHT, "gap": 1.2 * MM}
        texts = [(name, paras_of(blocks, **style)) for name, blocks in sections]
        texts = [(name, paras) for name, paras in texts if paras]
        gap = self.mm("panel_gap")
        for number, (name, paras) in enumerate(texts):
            if number or info.ctas:
                # After a button its bottom margin (btn_gap) already separates them (CSS margins collapse).
                y += 0 if (number == 0 and info.ctas) else gap
                self.add("rect", f"{name} rule", Box(x + pad, y, inner_w, 0.3 * MM), fill=PRIMARY, alpha=25000,
                         decorative=True)  # on the tint: 25 % primary, like the PDF's rule colour
                y += 0.3 * MM + gap
            h = self.measure(paras, inner_w)
            if clamp and name == "Extra information":
                # The tightest layout still overflows: the organisation's extra text is cut short.
                rest = sum(self.measure(p, inner_w) + 2 * gap + 0.3 * MM for n, p in texts[number + 1:])
                room = bottom - y - rest - pad
                if h > room:
                    paras = clamp_paras(self.fonts, paras, inner_w, max(0.0, room))
                    h = self.measure(paras, inner_w)
            self.add("text", name, Box(x + pad, y, inner_w, h), paras)
            y += h
        y += pad
        self.items.insert(index, Item("rect", "Panel", Box(x, panel_top, width, y - panel_top), fill=TINT,
                                      radius=4 * MM, decorative=True))
        return y

    def note(self, y: float, bottom: float, clamp: bool) -> float:
        """A long extra text runs across the page under both columns.

        As in the PDF's CSS: drawn ``body_top`` below the columns, and followed by the larger of
        ``body_top`` and the footer's 7 mm margin (adjoining margins collapse); returns that flow bottom.
        """
        side, body_top = self.SIDE, self.mm("body_top")
        paras = paras_of(self.c.infographic.extra, gap=1.2 * MM, size=self.d["note_size"], line=LINE_HEIGHT)
        pad_y, pad_x = 3.5 * MM, 5 * MM
        after = max(body_top, FOOTER_SPACE * MM)
        text_w = self.inner - 1 * MM - 2 * pad_x
        h = self.measure(paras, text_w)
        room = bottom - after - y - 2 * pad_y
        if clamp and h > room:  # the tightest layout still overflows: the note is cut short
            paras = clamp_paras(self.fonts, paras, text_w, max(0.0, room))
            h = self.measure(paras, text_w)
        box = Box(side, y + body_top, self.inner, h + 2 * pad_y)
        self.add("rect", "Note", box, fill=TINT, decorative=True)
        self.add("rect", "Note edge", Box(side, box.y, 1 * MM, box.h), fill=ACCENT, decorative=True)
        self.add("text", "Extra information", Box(side + 1 * MM + pad_x, box.y + pad_y, text_w, h), paras)
        return y + box.h + after


def _slack(box: Box, align: str, rtl: bool) -> Box:
    """``box`` widened by BOX_SLACK on the side(s) its text runs towards."""
    extra = box.w * BOX_SLACK
    if align == "ctr":
        return replace(box, x=box.x - extra / 2, w=box.w + extra)
    if (align == "r") != rtl:  # text set against the right edge grows to the left
        return replace(box, x=box.x - extra, w=box.w + extra)
    return replace(box, w=box.w + extra)


def _mirror(item: Item, page_w: float) -> Item:
    """Right-to-left pages mirror the layout horizontally."""
    box = replace(item.box, x=page_w - item.box.x - item.box.w)
    points = tuple((page_w - x, y) for x, y in item.points)
    return replace(item, box=box, points=points)


def _plain(blocks: Iterable[Any]) -> str:
    return " ".join("".join(run.text for run in item) for block in blocks for item in block.items)


def _contrast(a: str, b: str) -> float:
    from visitkit import colors

    return colors.contrast(a, b)


# ------------------------------------------------------------------ drawing


def _emu(pt: float) -> int:
    return round(pt * EMU_PER_PT)


class Painter:
    """Turns the designer's items into python-pptx shapes."""

    def __init__(self, content: Content, slide: Any):
        self.c = content
        self.slide = slide

    def paint(self, items: Sequence[Item], logo_png: bytes | None, icon_png: bytes) -> None:
        from pptx.enum.shapes import MSO_SHAPE

        for item in items:
            box = item.box
            if item.kind == "logo":
                if logo_png and self.c.logo:
                    self.picture(logo_png, box, item.name, clean(self.c.logo.alt) or clean(self.c.name))
                continue
            if item.kind == "icon":
                self.picture(icon_png, box, item.name, None)
                continue
            if item.kind == "text":
                box = _slack(box, item.paras[0].align if item.paras else "l", self.c.dir == "rtl")
                shape = self.slide.shapes.add_textbox(_emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
                shape.name = item.name
                self.text(shape.text_frame, item.paras)
                continue
            if item.kind == "polygon":
                shape = self.polygon(item.points, item.name)
            else:
                kind = MSO_SHAPE.OVAL if item.kind == "circle" else (
                    MSO_SHAPE.ROUNDED_RECTANGLE if item.radius else MSO_SHAPE.RECTANGLE
                )
                shape = self.shape(kind, box, item.name, item.radius)
            self.fill(shape, item)
            if item.decorative:
                _decorative(shape)
            if item.paras:
                left, top, right, bottom = item.insets
                slack = box.w * BOX_SLACK / 2 if item.kind == "button" else 0.0  # centred label: both sides
                insets = (max(0.0, left - slack), top, max(0.0, right - slack), bottom)
                self.text(shape.text_frame, item.paras, anchor=item.anchor, wrap=item.kind != "circle", insets=insets)
            if item.url:
                # The link sits on the shape, not its text: PowerPoint repaints link text in the
                # theme's hyperlink colour, which would hide a white label on the button.
                shape.click_action.hyperlink.address = item.url

    # -- shapes ------------------------------------------------------------
    def shape(self, kind: Any, box: Box, name: str, radius: float = 0.0) -> Any:
        shape = self.slide.shapes.add_shape(kind, _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
        shape.name = name
        if radius:
            shape.adjustments[0] = min(0.5, radius / max(0.01, min(box.w, box.h)))
        _unstyle(shape)
        return shape

    def polygon(self, points: Sequence[tuple[float, float]], name: str) -> Any:
        builder = self.slide.shapes.build_freeform(_emu(points[0][0]), _emu(points[0][1]), scale=1.0)
        builder.add_line_segments([(_emu(x), _emu(y)) for x, y in points[1:]], close=True)
        shape = builder.convert_to_shape()
        shape.name = name
        _unstyle(shape)
        return shape

    def fill(self, shape: Any, item: Item) -> None:
        """Explicit fill, outline and an empty effect list (no theme shadow), in schema order."""
        from lxml import etree

        sp_pr = shape._element.spPr
        for tag in ("a:noFill", "a:solidFill", "a:gradFill", "a:ln", "a:effectLst"):
            for old in sp_pr.findall(tag, _NS):
                sp_pr.remove(old)
        if item.fill == "gradient":
            sp_pr.append(_gradient(item.angle))
        elif item.fill and item.fill.startswith("#"):
            sp_pr.append(_solid(rgb=item.fill.lstrip("#"), alpha=item.alpha))
        elif item.fill:
            sp_pr.append(_solid(item.fill, alpha=item.alpha))
        else:
            etree.SubElement(sp_pr, _q("a:noFill"))
        ln = etree.SubElement(sp_pr, _q("a:ln"), w=str(_emu(item.line_w if item.line else 0)))
        ln.append(_solid(item.line) if item.line else etree.Element(_q("a:noFill")))
        etree.SubElement(sp_pr, _q("a:effectLst"))

    def picture(self, png: bytes, box: Box, name: str, descr: str | None) -> Any:
        pic = self.slide.shapes.add_picture(io.BytesIO(png), _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
        pic.name = name
        if descr:
            pic._element.nvPicPr.cNvPr.set("descr", descr)
        else:
            _decorative(pic)
        return pic

    # -- text --------------------------------------------------------------
    def text(self, frame: Any, paras: Sequence[Para], anchor: str = "t", wrap: bool = True,
             insets: tuple[float, float, float, float] = (0, 0, 0, 0)) -> None:
        from pptx.util import Pt

        frame.word_wrap = wrap
        body_pr = frame._txBody.bodyPr
        for side, inset in zip(("lIns", "tIns", "rIns", "bIns"), insets, strict=True):
            body_pr.set(side, str(_emu(inset)))
        body_pr.set("anchor", anchor)
        for old in body_pr.findall("a:*", _NS):  # no autofit: the text is sized here
            body_pr.remove(old)
        frame.clear()
        rtl = self.c.dir == "rtl"
        for index, para in enumerate(paras):
            p = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            if para.line:  # exact spacing, as measured; 0 keeps the font's own (centres digits in circles)
                p.line_spacing = Pt(para.line_pt)
            p.space_before = Pt(round(para.before, 1) if index else 0)
            p.space_after = Pt(0)
            p_pr = p._p.get_or_add_pPr()
            align = {"l": "r", "r": "l"}.get(para.align, para.align) if rtl else para.align
            p_pr.set("algn", align)
            if rtl:
                p_pr.set("rtl", "1")
            if para.list:
                self._marker(p_pr, para)
            for trun in para.runs:
                if trun.text == BREAK:
                    self._break(p, para)
                    continue
                r = p.add_run()
                r.text = trun.text
                self._run_style(r._r.get_or_add_rPr(), para, trun)
                if trun.href:
                    r.hyperlink.address = trun.href

    def _break(self, p: Any, para: Para) -> None:
        br = p._p.add_br()
        self._run_style(br.get_or_add_rPr(), para, TRun(""))

    @staticmethod
    def _marker(p_pr: Any, para: Para) -> None:
        """A real PowerPoint bullet or automatic number, hanging left of the list text."""
        from lxml import etree

        p_pr.set("marL", str(_emu(LIST_INDENT * MM)))
        # The marker starts where its right edge is MARKER_GAP short of the text, as CSS places it.
        marker_w = (0.35 if para.list == "bullet" else 0.9) * para.size
        p_pr.set("indent", str(-_emu(marker_w + MARKER_GAP * MM)))
        if para.list == "bullet":
            etree.SubElement(p_pr, _q("a:buFont"), typeface="Arial")
            etree.SubElement(p_pr, _q("a:buChar"), char="•")
            return
        etree.SubElement(p_pr, _q("a:buFont"), typeface="+mn-lt")
        etree.SubElement(p_pr, _q("a:buAutoNum"), type="arabicPeriod")

    def _run_style(self, r_pr: Any, para: Para, trun: TRun) -> None:
        from lxml import etree

        r_pr.set("lang", self.c.lang)
        r_pr.set("sz", str(round(para.size * 100)))
        r_pr.set("b", "1" if para.bold or trun.bold else "0")
        if trun.italic:
            r_pr.set("i", "1")
        if para.tracking:
            r_pr.set("spc", str(round(para.tracking * para.size * 100)))
        if trun.href:
            r_pr.set("u", "sng")
        # Children in schema order: solidFill, latin, then hlinkClick (added by python-pptx).
        r_pr.append(_solid("hlink" if trun.href else para.color))
        etree.SubElement(r_pr, _q("a:latin"), typeface="+mj-lt" if para.major else "+mn-lt")


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{_NS[prefix]}}}{local}"


def _solid(scheme: str | None = None, rgb: str | None = None, alpha: int | None = None) -> Any:
    """``<a:solidFill>`` with a theme colour (or, for non-brand colours, an RGB value)."""
    from lxml import etree

    fill = etree.Element(_q("a:solidFill"))
    colour = etree.SubElement(fill, _q("a:srgbClr"), val=rgb) if rgb else etree.SubElement(
        fill, _q("a:schemeClr"), val=scheme
    )
    if alpha is not None:
        etree.SubElement(colour, _q("a:alpha"), val=str(alpha))
    return fill


def _gradient(angle: float = 45.0) -> Any:
    """Primary → secondary; 45° runs top-left to bottom-right (CSS ``linear-gradient(135deg, …)``)."""
    from lxml import etree

    grad = etree.Element(_q("a:gradFill"), rotWithShape="1")
    stops = etree.SubElement(grad, _q("a:gsLst"))
    for pos, scheme in (("0", PRIMARY), ("100000", SECONDARY)):
        stop = etree.SubElement(stops, _q("a:gs"), pos=pos)
        etree.SubElement(stop, _q("a:schemeClr"), val=scheme)
    etree.SubElement(grad, _q("a:lin"), ang=str(round(angle * 60000)), scaled="0")
    return grad


def _unstyle(shape: Any) -> None:
    """Cut add_shape's link to the theme's shape styles (gradient fill, shadow, white text)."""
    style = shape._element.find("p:style", _NS)
    if style is not None:
        shape._element.remove(style)


def _decorative(shape: Any) -> None:
    """Mark a shape decorative so screen readers skip it (python-pptx has no API for it)."""
    from lxml import etree

    c_nv_pr = shape._element.xpath("./*[1]/p:cNvPr")[0]
    ext_lst = c_nv_pr.find("a:extLst", _NS)
    if ext_lst is None:
        ext_lst = etree.SubElement(c_nv_pr, _q("a:extLst"))
    ext = etree.SubElement(ext_lst, _q("a:ext"), uri=_DECORATIVE_EXT)
    etree.SubElement(ext, f"{{{_DECORATIVE_NS}}}decorative", nsmap={"adec": _DECORATIVE_NS}, val="1")


# ------------------------------------------------------------------ package


def _patch_theme(prs: Any, content: Content) -> None:
    """Brand colours and font into the master's theme (python-pptx has no theme API)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    name = clean(content.short_name)[:80]
    root.set("name", name)
    scheme = root.find("a:themeElements/a:clrScheme", _NS)
    scheme.set("name", name)
    palette = {**content.colors.model_dump(), "link": link_colour(content)}
    for slot, key in _SLOTS.items():
        el = scheme.find(f"a:{slot}", _NS)
        for child in list(el):
            el.remove(child)
        etree.SubElement(el, _q("a:srgbClr"), val=palette[key].lstrip("#").upper())
    fonts = root.find("a:themeElements/a:fontScheme", _NS)
    fonts.set("name", name)
    for which in ("a:majorFont", "a:minorFont"):
        fonts.find(f"{which}/a:latin", _NS).set("typeface", content.font.family)
    fmt = root.find("a:themeElements/a:fmtScheme", _NS)
    # Flat styles for shapes a user adds later: no gradients or shadows from the stock theme.
    for style in fmt.findall("a:effectStyleLst/a:effectStyle", _NS):
        for child in list(style):
            style.remove(child)
        etree.SubElement(style, _q("a:effectLst"))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def link_colour(content: Content) -> str:
    """Links are painted in the theme's hyperlink colour: the accent, unless it reads poorly on the
    tinted panel where most links sit (then the text colour), as on the PDF."""
    c = content.colors
    return c.accent if _contrast(c.accent, c.tint) >= 4.5 else c.text


def _fit_masters(prs: Any, width: int, height: int) -> None:
    """Scale the master's and layouts' placeholders to the new slide size (python-pptx does not)."""
    sx, sy = width / prs.slide_width, height / prs.slide_height
    parts = [prs.slide_master] + list(prs.slide_layouts)
    for part in parts:
        for xfrm in part._element.iter(_q("a:xfrm")):
            off, ext = xfrm.find("a:off", _NS), xfrm.find("a:ext", _NS)
            if off is not None:
                off.set("x", str(round(int(off.get("x")) * sx)))
                off.set("y", str(round(int(off.get("y")) * sy)))
            if ext is not None:
                ext.set("cx", str(round(int(ext.get("cx")) * sx)))
                ext.set("cy", str(round(int(ext.get("cy")) * sy)))
    prs.slide_width, prs.slide_height = width, height
    sld_sz = prs.part._element.find("p:sldSz", _NS)
    if sld_sz is not None and "type" in sld_sz.attrib:
        del sld_sz.attrib["type"]


def _properties(prs: Any, content: Content, date: str) -> None:
    import datetime as dt

    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    props = prs.core_properties
    when = dt.datetime.fromisoformat(date)
    props.title = clean(content.infographic.title)[:255]
    props.subject = clean(content.labels.get("page_title", ""))[:255]
    props.author = clean(content.name)[:255]
    props.last_modified_by = "visitkit"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = content.lang
    props.revision = 1
    props.created = when
    props.modified = when

    # Drop the stock template's stale thumbnail and Mac printer settings; refresh app.xml.
    package = prs.part.package
    for rid, rel in list(package._rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package._rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _app_xml(content)
    for rid, rel in list(prs.part._rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            prs.part._rels.pop(rid)


def _app_xml(content: Content) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<TotalTime>0</TotalTime><Application>visitkit</Application>"
        f"<PresentationFormat>{PAGE_FORMAT[content.page_size]}</PresentationFormat>"
        "<Slides>1</Slides><Notes>0</Notes><HiddenSlides>0</HiddenSlides><MMClips>0</MMClips>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()


def _rezip(data: bytes) -> bytes:
    """Same parts, fixed timestamps and a fixed order: identical input gives identical bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()


# ------------------------------------------------------------------ entry point


def _logo_png(context: RenderContext) -> tuple[bytes | None, float | None]:
    """The logo as PNG/JPEG bytes (SVG rasterised) and its aspect ratio."""
    logo = context.content.logo
    if logo is None:
        return None, None
    data = context.asset(logo.path)
    if logo.kind == "svg":
        from visitkit.render.raster import svg_size, svg_to_png

        w, h = svg_size(data)
        return svg_to_png(data, 800 if w >= h else max(1, round(800 * w / h))), w / h
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        w, h = image.size
    return data, w / h


def _icon_png(context: RenderContext) -> bytes:
    """The vertical's line icon, stroked in the on-primary colour, as a transparent PNG."""
    from lxml import etree

    from visitkit.render.raster import svg_to_png

    svg = context.asset(f"templates/icons/{context.content.vertical}.svg")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(svg, parser)
    colour = context.content.colors.on_primary
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("stroke") not in (None, "none"):
            el.set("stroke", colour)
    return svg_to_png(etree.tostring(root), 320)


def render(context: RenderContext) -> bytes:
    from pptx import Presentation

    content = context.content
    fonts = fonts_for(context.asset(content.font.regular), context.asset(content.font.bold))
    logo_png, ratio = _logo_png(context)
    items = Designer(content, fonts, ratio).layout()

    prs = Presentation()
    _fit_masters(prs, *PAGE_EMU[content.page_size])
    _patch_theme(prs, content)
    blank = next(lay for lay in prs.slide_layouts if lay.name == "Blank")
    slide = prs.slides.add_slide(blank)
    Painter(content, slide).paint(items, logo_png, _icon_png(context))
    _properties(prs, content, str(context.options.get("date") or FIXED_DATE))

    out = io.BytesIO()
    prs.save(out)
    return _rezip(out.getvalue())
