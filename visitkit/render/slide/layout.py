"""Slide stage 2, layout: every shape and text box of the slide as a box in pt, from the design tokens.

The ``Designer`` follows the PDF's CSS (templates/infographic/infographic.css) through the same
design tokens (visitkit/render/design.py): the fixed lengths and the six density levels, the
title and name classes, the extra-information cut-off and the colour roles. It lays the slide
out at the airiest density whose content fits above the footer, measuring every text with
text.py, then shares out spare height between the steps, as the PDF does. Under the booking
button, the booking link's card, as the PDF's: its QR code and caption with the readable URL
(``qr_code``). Texts keep the lines the PDF sets them in (``keep_lines``), so that the measuring's
floor for a substitute font does not push the slide's layout away from the PDF's. Last, every
text's lines are written out (``set``) at the width they were measured at. The result is a list of ``Item``s
in reading order; draw.py turns them into DrawingML. As the PDF's CSS does: CJK body text is set with
``scripts.CJK_LINE`` × the line height, scripts other than Latin without tracking, with their line pitch
grown by the strut difference WeasyPrint gives them (``Fonts.strut_em``); right-to-left pages are mirrored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from visitkit.render import balanced_lines, design, qr
from visitkit.render.slide import scripts
from visitkit.render.slide.text import (
    ACCENT,
    BACKGROUND,
    BREAK,
    BUTTON,
    LINK,
    MM,
    MUTED,
    ON_PRIMARY,
    TEXT,
    TINT,
    Fonts,
    Para,
    TRun,
    clamp_paras,
    clean,
    fit,
    height,
    keep_lines,
    keep_lines_factor,
    lines,
    paras_of,
    pitched,
    set_paras,
)

if TYPE_CHECKING:
    from visitkit.content import Content

EMU_PER_MM = 36_000
EMU_PER_PT = 12_700
# Page sizes in EMU, exact (36 000 EMU per mm, 914 400 per inch).
PAGE_EMU = {size: (round(w * EMU_PER_MM), round(h * EMU_PER_MM)) for size, (w, h) in design.PAGE_MM.items()}

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
    rad = math.radians(css_angle)
    direction = (math.sin(rad), -math.cos(rad))  # CSS: 0deg points up, angles turn clockwise
    length = abs(box.w * math.sin(rad)) + abs(box.h * math.cos(rad))
    cx, cy = box.x + box.w / 2, box.y + box.h / 2
    centre = direction[0] * cx + direction[1] * cy
    rect = [(box.x, box.y), (box.x + box.w, box.y), (box.x + box.w, box.y + box.h), (box.x, box.y + box.h)]
    band = _clip(rect, direction, centre + (start - 0.5) * length, True)
    return _clip(band, direction, centre + (end - 0.5) * length, False)


def _alpha(opacity: float) -> int:
    """An opacity (0–1) as DrawingML's alpha, in 1/1000 %."""
    return round(opacity * 100_000)


class Designer:
    """Lays the slide out for one ``Content`` at one density, measuring every text with the real fonts.

    Lengths come from the design tokens in mm, as the PDF's CSS writes them, converted to pt here
    (``mm``); ``self.d`` holds the tokens of the density being tried.
    """

    def __init__(self, content: Content, fonts: Fonts, logo_ratio: float | None):
        self.c = content
        self.fonts = fonts
        self.logo_ratio = logo_ratio
        width, height = PAGE_EMU[content.page_size]
        self.W = width / EMU_PER_PT
        self.H = height / EMU_PER_PT
        self.side = design.FIXED["side"] * MM
        self.inner = self.W - 2 * self.side
        self.low_contrast = design.header_low_contrast(content.colors)  # only large text is safe on the header
        self.extra_wide = design.extra_wide(content.infographic.extra)
        self.name_size = design.name_size(content.name)
        # Step lines and panel rules: the PDF's --rule, opaque and visible on the page and the panel alike.
        self.rule = design.rule_colour(content.colors)

    def layout(self) -> list[Item]:
        """The airiest density whose content fits; spare height is shared out between the steps (as the PDF does)."""
        last = len(design.DENSITIES) - 1
        for level in range(last + 1):
            items, free = self.at(level, clamp=level == last)
            if free >= 0:
                break
        steps = len(self.c.infographic.steps)
        if free > design.SPREAD_FROM * MM and steps:
            spread = min(self.mm("spread_max"), (free - self.mm("spread_reserve")) / (steps + 1))
            spread_items, spread_free = self.at(level, clamp=False, spread=spread)
            if spread_free >= 0:
                items = spread_items
        items = [self.set(item) for item in items]
        if self.c.dir == "rtl":
            items = [_mirror(item, self.W) for item in items]
        return items

    def set(self, item: Item) -> Item:
        """A text's lines written out (explicit breaks), at the width it was measured at."""
        if not item.paras or item.kind not in ("text", "button"):
            return item
        width = item.box.w - item.insets[0] - item.insets[2]
        return replace(item, paras=set_paras(self.fonts, item.paras, width))

    def measure(self, paras: Sequence[Para], width: float) -> float:
        return height(self.fonts, paras, width)

    def at(self, level: int, clamp: bool, spread: float = 0.0) -> tuple[list[Item], float]:
        """Items at density ``level`` and the height left free above the footer (negative: overflow)."""
        self.d = design.tokens(level)
        script = scripts.language_script(self.c.lang)
        if script in ("Jpan", "Hans"):  # CJK body text sets with more room between lines, as the PDF's CSS
            self.d = {**self.d, "line": self.d["line"] * scripts.CJK_LINE}
        if script != "Latn":  # tracking breaks Arabic joins and Hebrew marks, and CJK sets on its own grid
            self.d = {**self.d, "title_tracking": 0.0}
            # The PDF's lines of script text are a little taller than their line-height (Fonts.strut_em).
            extra = self.fonts.strut_em(script)
            self.d = {k: v + extra if k == "line" or k.endswith("_line") else v for k, v in self.d.items()}
        self.level = level
        self.items: list[Item] = []
        header_h = self.header()
        footer = self.footer()
        free = self.body(header_h, footer[0].box.y, clamp, spread)
        self.items += footer
        return self.items, free

    def mm(self, name: str) -> float:
        """A length token in pt."""
        return self.d[name] * MM

    def share(self, name: str) -> float:
        """A percentage token as a share of the width inside the margins, in pt."""
        return self.inner * (self.d[name] / 100)

    def add(self, kind: str, name: str, box: Box, paras: Sequence[Para] = (), **extra: Any) -> None:
        self.items.append(Item(kind, name, box, tuple(paras), **extra))

    # -- header --------------------------------------------------------------
    def header(self) -> float:
        d, c, side = self.d, self.c, self.side
        top = self.mm("head_top")
        content: list[Item] = []
        if c.logo and self.logo_ratio:
            scale = min(self.mm("logo_w"), self.mm("logo_h") * self.logo_ratio)  # fitted into logo_w × logo_h
            logo_w, logo_h = scale, scale / self.logo_ratio
            pad_x, pad_y = self.mm("plate_pad_x"), self.mm("plate_pad_y")
            plate = Box(side, top, logo_w + 2 * pad_x, logo_h + 2 * pad_y)
            content.append(Item("rect", "Logo plate", plate, fill="#FFFFFF", radius=self.mm("plate_radius"),
                                decorative=True))
            content.append(Item("logo", "Logo", Box(side + pad_x, top + pad_y, logo_w, logo_h)))
            y = plate.bottom
        else:  # no logo: the organisation's short name, set as a wordmark
            size = d["wordmark_size_long" if self.name_size == "long" else "wordmark_size"]
            width = min(self.mm("wordmark_w"), self.inner - self.mm("icon") - 6 * MM)  # 6 mm clear of the icon
            paras = [Para((TRun(clean(c.short_name)),), size, ON_PRIMARY, bold=True, line=d["wordmark_line"],
                          major=True)]
            paras = fit(self.fonts, paras, width, max_lines=3, minimum=0.7)
            h = self.measure(paras, width)
            y = top + self.mm("wordmark_top")
            content.append(Item("text", "Organisation", Box(side, y, width, h), tuple(paras)))
            y += h
        icon = self.mm("icon")
        content.append(Item("icon", "Icon", Box(self.W - side - icon, top + self.mm("icon_offset"), icon, icon),
                            decorative=True))

        y += self.mm("title_gap")
        width = min(self.mm("title_w"), self.inner)
        title_lines = balanced_lines(clean(c.infographic.title))
        runs: list[TRun] = []
        for index, line in enumerate(title_lines):
            runs += [TRun(BREAK)] if runs else []
            # The space stays before each break, so the text reads (and edits) right without the breaks.
            runs.append(TRun(line + " " if index < len(title_lines) - 1 else line))
        start = d["t_" + design.title_class(title_lines)]
        title = [Para(tuple(runs), start, ON_PRIMARY, bold=True, line=d["title_line"], major=True,
                      tracking=d["title_tracking"])]
        # Shrink a title whose lines are too wide (very long words); wrap it as a last resort.
        title = fit(self.fonts, title, width, max_lines=len(title_lines), minimum=min(1.0, 18 / start))
        if lines(self.fonts, title, width) > len(title_lines):  # let it wrap freely instead
            plain = replace(title[0], runs=(TRun(" ".join(title_lines)),), size=start, balance=True)
            title = fit(self.fonts, [plain], width, max_lines=4, minimum=min(1.0, 18 / start))
        h = self.measure(title, width)
        content.append(Item("text", "Title", Box(side, y, width, h), tuple(title)))
        y += h
        subtitle_text = clean(c.infographic.subtitle).strip()
        if subtitle_text:
            y += self.mm("subtitle_gap")
            size = d["subtitle_size_low"] if self.low_contrast else d["sub_size"]
            sub = [Para((TRun(subtitle_text),), size, ON_PRIMARY, bold=self.low_contrast, line=d["subtitle_line"],
                        balance=True)]
            sub = fit(self.fonts, keep_lines(self.fonts, sub, width), width, max_lines=3, minimum=0.8)
            h = self.measure(sub, width)
            content.append(Item("text", "Subtitle", Box(side, y, width, h), tuple(sub)))
            y += h
        header = Box(0, 0, self.W, y + self.mm("head_bottom"))
        self.add("rect", "Header", header, fill="gradient", angle=d["header_angle"] - 90, decorative=True)
        # Two diagonal shades, as on the vendor's covers; they move away from the text colour.
        shade, opacity = design.shade(c.colors)
        for name, start_at, end_at in (("Header shade 1", d["shade1_from"] / 100, d["shade1_to"] / 100),
                                       ("Header shade 2", d["shade2_from"] / 100, 1.0)):
            points = stripe(header, d["shade_angle"], start_at, end_at)
            if len(points) >= 3:
                self.add("polygon", name, header, points=tuple(points), fill=shade, alpha=_alpha(opacity),
                         decorative=True)
        self.items += content
        return header.h

    # -- footer --------------------------------------------------------------
    def footer(self) -> list[Item]:
        """Pinned to the bottom: a tinted band under a thin gradient rule, name left, homepage right."""
        d, c, side = self.d, self.c, self.side
        size = d[{"long": "footer_size_long", "medium": "footer_size_medium", "short": "footer_size"}[self.name_size]]
        name = [Para((TRun(clean(c.name)),), size, TEXT, bold=True, line=d["footer_line"])]
        name_w, home_w = self.share("footer_name_w"), self.share("footer_home_w")
        home_url = c.links.get("homepage")
        home = []
        if home_url:
            shown = clean(qr.readable_url(home_url))
            home = [Para((TRun(shown, href=home_url),), size, TEXT, line=d["footer_line"], align="r")]
        h = max(self.measure(name, name_w), self.measure(home, home_w) if home else 0.0)
        pad = self.mm("foot_pad")
        top = self.H - (pad + h + pad)
        items = [
            Item("rect", "Footer band", Box(0, top, self.W, self.H - top), fill=TINT, decorative=True),
            Item("rect", "Footer rule", Box(0, top, self.W, self.mm("footer_rule")), fill="gradient", angle=0,
                 decorative=True),
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
        d, side, info = self.d, self.side, self.c.infographic
        width = self.share("journey_w")
        y = top
        heading = [Para((TRun(clean(info.steps_heading)),), d["h2_size"], ACCENT, bold=True, line=d["h2_line"],
                        major=True)]
        h = self.measure(heading, width)
        self.add("text", "Steps heading", Box(side, y, width, h), heading)
        y += h + self.mm("h2_rule_gap")
        self.add("rect", "Steps heading rule", Box(side, y, self.mm("h2_rule_w"), self.mm("h2_rule_h")), fill=ACCENT,
                 radius=self.mm("h2_rule_radius"), decorative=True)
        y += self.mm("h2_rule_h") + self.mm("h2_gap")
        num, indent = self.mm("num"), self.mm("step_indent")
        text_w = width - indent
        gap = self.mm("step_gap_5" if len(info.steps) == 5 else "step_gap")
        para_gap = self.mm("step_para_gap")
        texts = []
        for step in info.steps:
            paras = [Para((TRun(clean(step.title)),), d["h3_size"], TEXT, bold=True, line=d["h3_line"], major=True)]
            body = paras_of(step.body, gap=para_gap, list_gap=para_gap, size=d["step_size"], line=d["line"])
            paras += [replace(p, before=self.mm("h3_gap")) if i == 0 else p for i, p in enumerate(body)]
            texts.append((paras, keep_lines_factor(self.fonts, paras, text_w)))
        # Every step that needs to shrink to keep the PDF's lines shrinks as much as the one needing most: the
        # steps keep one text size between them.
        factor = min((f for _, f in texts if f is not None), default=1.0)
        for number, (paras, own) in enumerate(texts, 1):
            paras = pitched(paras, factor) if own is not None else paras
            h = self.measure(paras, text_w)
            step_h = max(num, self.mm("h3_pad") + h + gap)  # CSS border-box: min-height includes the gap
            line_top, line_bottom = y + self.mm("line_top"), y + step_h - self.mm("step_rule_end")
            if number < len(info.steps) and line_bottom > line_top:  # a rule joins this number to the next
                line = Box(side + self.mm("line_left"), line_top, self.mm("step_rule_w"), line_bottom - line_top)
                self.add("rect", f"Step {number} line", line, fill=self.rule, decorative=True)
            label = [Para((TRun(str(number)),), d["num_font"], ON_PRIMARY, bold=True, line=0, align="ctr")]
            self.add("circle", f"Step {number} number", Box(side, y, num, num), label, fill=BUTTON, anchor="ctr")
            self.add("text", f"Step {number}", Box(side + indent, y + self.mm("h3_pad"), text_w, h), paras)
            y += step_h + spread
        return y

    def panel(self, top: float, clamp: bool, bottom: float) -> float:
        d, info = self.d, self.c.infographic
        width = self.share("panel_w")
        x = self.W - self.side - width
        pad = self.mm("panel_pad")
        inner_w = width - 2 * pad
        panel_top = top + self.mm("panel_top")
        index = len(self.items)
        y = panel_top + pad
        for cta in info.ctas:
            primary = cta.id == "booking"
            pad_y, pad_x = self.mm("btn1_pad" if primary else "btn2_pad"), self.mm("btn1_pad_x" if primary else
                                                                                  "btn2_pad_x")
            label = Para((TRun(clean(cta.label)),), d["btn1_size" if primary else "btn2_size"],
                         ON_PRIMARY if primary else ACCENT, bold=True, line=d["btn_line"], align="ctr")
            url = Para((TRun(clean(qr.readable_url(cta.url))),), d["url_size"], MUTED, line=d["line"],
                       before=self.mm("url_gap"), align="ctr")
            # The booking URL is printed beside its QR code, just below: the button carries only its label.
            paras = [label] if primary else [label, url]
            paras = keep_lines(self.fonts, paras, inner_w - 2 * pad_x)
            h = pad_y + self.measure(paras, inner_w - 2 * pad_x) + pad_y
            self.add("button", f"Button: {cta.id}", Box(x + pad, y, inner_w, h), paras,
                     fill=BUTTON if primary else BACKGROUND, line=None if primary else ACCENT,
                     line_w=self.mm("btn2_border"), radius=self.mm("btn_radius"), url=cta.url,
                     insets=(pad_x, pad_y, pad_x, pad_y))
            y += h + self.mm("btn_gap")
            if primary:
                y = self.qr_code(cta.url, x + pad, y, inner_w) + self.mm("btn_gap")
        sections = [("Help", info.help), ("Extra information", () if self.extra_wide else info.extra),
                    ("Contact", info.contact)]
        style = {"size": d["panel_size"], "line": d["line"], "gap": self.mm("para_gap")}
        texts = [(name, keep_lines(self.fonts, paras_of(blocks, **style), inner_w)) for name, blocks in sections]
        texts = [(name, paras) for name, paras in texts if paras]
        gap, rule = self.mm("panel_gap"), self.mm("panel_rule")
        for number, (name, paras) in enumerate(texts):
            if number or info.ctas:
                # After a button its bottom margin (btn_gap) already separates them (CSS margins collapse).
                y += 0 if (number == 0 and info.ctas) else gap
                self.add("rect", f"{name} rule", Box(x + pad, y, inner_w, rule), fill=self.rule, decorative=True)
                y += rule + gap
            h = self.measure(paras, inner_w)
            if clamp and name == "Extra information":
                # The tightest layout still overflows: the organisation's extra text is cut short.
                rest = sum(self.measure(p, inner_w) + 2 * gap + rule for n, p in texts[number + 1:])
                room = bottom - y - rest - pad
                if h > room:
                    paras = clamp_paras(self.fonts, paras, inner_w, max(0.0, room))
                    h = self.measure(paras, inner_w)
            self.add("text", name, Box(x + pad, y, inner_w, h), paras)
            y += h
        y += pad
        self.items.insert(index, Item("rect", "Panel", Box(x, panel_top, width, y - panel_top), fill=TINT,
                                      radius=self.mm("panel_radius"), decorative=True))
        return y

    def qr_code(self, url: str, x: float, y: float, width: float) -> float:
        """The booking link's card, as the PDF's ``.scan``: a white card ``width`` wide, the QR code in its
        top corner (its white quiet zone is the card's padding there), beside it the caption ("Scan to
        book") and, when at most ``design.URL_BESIDE_QR`` characters, the readable URL; a longer URL runs
        under both across the card. Returns the card's bottom.
        """
        d = self.d
        side = design.qr_side(qr.size(url), self.level) * MM
        pad, gap = self.mm("scan_pad"), self.mm("qr_gap")
        readable = clean(qr.readable_url(url))
        beside = len(readable) <= design.URL_BESIDE_QR
        caption = Para((TRun(clean(self.c.infographic.scan)),), d["scan_size"], TEXT, bold=True, line=d["btn_line"])
        shown = Para((TRun(readable),), d["scan_size"], LINK, line=d["btn_line"])
        text_w = width - side - gap - pad
        paras = [caption, replace(shown, before=self.mm("url_gap"))] if beside else [caption]
        paras = keep_lines(self.fonts, paras, text_w)
        h = self.measure(paras, text_w)
        column = max(side, pad + h + pad)  # the text's padding box is at least the code's height (min-height)
        below: list[Para] = [] if beside else [shown]
        below_h = self.measure(below, width - 2 * pad) + pad if below else 0.0
        card = Box(x, y, width, column + below_h)
        self.add("rect", "QR card", card, fill="#FFFFFF", radius=self.mm("btn_radius"), decorative=True)
        self.add("qr", "QR code", Box(x, y, side, side), url=url)
        self.add("text", "QR caption", Box(x + side + gap, y + pad, text_w, h), paras, url=url)
        if below:
            self.add("text", "Booking URL", Box(x + pad, y + column, width - 2 * pad, below_h - pad), below, url=url)
        return card.bottom

    def note(self, y: float, bottom: float, clamp: bool) -> float:
        """A long extra text runs across the page under both columns.

        As in the PDF's CSS: drawn ``body_top`` below the columns, and followed by the larger of
        ``body_top`` and the footer's ``footer_space`` margin (adjoining margins collapse); returns that
        flow bottom.
        """
        side, body_top = self.side, self.mm("body_top")
        paras = paras_of(self.c.infographic.extra, gap=self.mm("para_gap"), size=self.d["note_size"],
                         line=self.d["line"])
        pad_y, pad_x, edge = self.mm("note_pad_y"), self.mm("note_pad_x"), self.mm("note_edge")
        after = max(body_top, self.mm("footer_space"))
        text_w = self.inner - edge - 2 * pad_x
        h = self.measure(paras, text_w)
        room = bottom - after - y - 2 * pad_y
        if clamp and h > room:  # the tightest layout still overflows: the note is cut short
            paras = clamp_paras(self.fonts, paras, text_w, max(0.0, room))
            h = self.measure(paras, text_w)
        box = Box(side, y + body_top, self.inner, h + 2 * pad_y)
        self.add("rect", "Note", box, fill=TINT, decorative=True)
        self.add("rect", "Note edge", Box(side, box.y, edge, box.h), fill=ACCENT, decorative=True)
        self.add("text", "Extra information", Box(side + edge + pad_x, box.y + pad_y, text_w, h), paras)
        return y + box.h + after


def _mirror(item: Item, page_w: float) -> Item:
    """Right-to-left pages mirror the layout horizontally."""
    box = replace(item.box, x=page_w - item.box.x - item.box.w)
    points = tuple((page_w - x, y) for x, y in item.points)
    return replace(item, box=box, points=points)
