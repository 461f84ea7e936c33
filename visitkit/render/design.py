"""Design tokens of the infographic: the one source of its sizes, spacings and rules.

Both renderings of the infographic read these, so the two cannot drift apart:

- the PDF (``pdf.py``): ``css()`` writes every token as a CSS custom property (``--head-top``,
  ``--side`` …) ahead of ``templates/infographic/infographic.css``, which uses only those for
  every length, font size and line height the slide also draws;
- the slide (``slide/layout.py``): the Designer reads the same numbers (``tokens(level)``).

Lengths are in mm and font sizes in pt, as the CSS writes them; the slide converts them.
Besides numbers, the decisions both make from the content live here too: which title and
name size class applies, when extra information leaves the panel (``EXTRA_WIDE``), how a URL
is printed (where it may wrap: ``url_segments``; beside or under the QR code: ``URL_BESIDE_QR``),
how large the booking link's QR code is (``qr_side``: token ``qr``, grown for dense codes), the
colour of each role (``colour_roles``, ``link_colour``, ``shade``) and the aspect ratio of a logo
(``image_size``, from ``aspect.py``, which the email's logo uses too).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from visitkit import colors

# The logo aspect rule, a design decision kept in its own small module so that the email's logo (which
# needs only this rule) is not rebuilt when a token changes: SVG_ASPECT, image_size, svg_size.
from visitkit.render.aspect import SVG_ASPECT, image_size, svg_size  # noqa: F401

if TYPE_CHECKING:
    from visitkit.content import Colors
    from visitkit.richtext import Block

# Density levels d0 (airy) … d5 (tightest): the renderers pick the airiest whose content fits the page.
# One row per token (CSS: --head-top on .d0 … .d5), its unit, then one column per level.
_DENSITY_TABLE = """
head_top        mm     16     14     12     10      9      8
head_bottom     mm     14     13     11      9      8      7
title_gap       mm     18     16     13     10      8      7
t_xl            pt     40     36     34     31     28     26
t_l             pt     34     31     29     27     25     23
t_m             pt     28     26     25     23     22     20
t_s             pt     23     22     21     20     19     18
sub_size        pt     15   13.5     13     12   11.5     11
icon            mm     36     32     30     27     25     23
body_top        mm     12     10    8.5      7      6      5
h2_size         pt     18     16     15     14     13     12
h2_gap          mm      7      6      5    4.5      4    3.5
num             mm   10.5    9.5      9    8.5      8    7.5
num_font        pt     14   12.5     12   11.5     11   10.5
line_left       mm      5    4.5   4.25      4   3.75    3.5
line_top        mm   11.5   10.5     10    9.5      9    8.5
step_indent     mm     15   13.5     13     12   11.5     11
h3_size         pt     14   12.5   11.8     11   10.5     10
h3_pad          mm    2.2    1.9    1.8    1.8    1.8    1.7
step_size       pt     11   10.2    9.7    9.2    8.7    8.2
step_gap        mm      8      6    4.8    3.8      3    2.2
step_gap_5      mm     11    8.5    6.5      5      4      3
btn1_size       pt     15   13.5     13     12   11.5     11
btn1_pad        mm    5.5    4.6      4    3.4      3    2.6
btn2_size       pt     12   10.8   10.4     10    9.6    9.2
btn2_pad        mm    3.2    2.6    2.4    2.1    1.9    1.7
btn_gap         mm      4    3.2      3    2.6    2.3      2
panel_size      pt   10.5    9.7    9.3    8.8    8.4      8
panel_gap       mm    5.5    4.5    3.8    3.2    2.6    2.2
panel_pad       mm      7      6    5.5      5    4.5      4
note_size       pt     10    9.3    8.9    8.4      8    7.5
foot_pad        mm      7    6.5      6    5.5      5    4.5
qr              mm     26     25     24     23     22     22
scan_size       pt   10.5    9.9    9.6    9.2    8.8    8.4
"""

# The same at every density: token, unit ("-" for a plain number), value, what it is.
_FIXED_TABLE = """
line                 -    1.38    body line height, × the font size
side                 mm   16      page margin, left and right (header, body, footer)
logo_w               mm   58      the logo is fitted into logo_w × logo_h, its aspect kept
logo_h               mm   13
plate_pad_x          mm   4       the white plate around the logo
plate_pad_y          mm   3
plate_radius         mm   2.5
wordmark_size        pt   16      the short name, set instead of a logo
wordmark_size_long   pt   12      … when the name is long (NAME_LONG)
wordmark_line        -    1.15
wordmark_w           mm   120
wordmark_top         mm   2
icon_offset          mm   -2      the vertical's icon sits this much below head_top (negative: above)
title_w              mm   138     the title and the subtitle are at most this wide
title_line           -    1.08
title_tracking       em   -0.012
subtitle_gap         mm   4
subtitle_line        -    1.3
subtitle_size_low    pt   14      subtitle on a header that only reaches 3:1: "large" text
header_angle         deg  135     the header gradient, primary → secondary (CSS angle)
shade_angle          deg  116     two diagonal shades across the header, as on the vendor's covers
shade1_from          %    61
shade1_to            %    79
shade2_from          %    86
journey_w            %    57      the steps column, of the width inside the margins
panel_w              %    38      the call-to-action panel, likewise
panel_top            mm   1
panel_radius         mm   4
h2_line              -    1.2
h2_rule_w            mm   12      the short rule under the steps heading
h2_rule_h            mm   0.9
h2_rule_gap          mm   2.2
h2_rule_radius       mm   0.45
h3_line              -    1.25
h3_gap               mm   1
step_para_gap        mm   0.8     between a step's paragraphs (and before a list)
step_rule_w          mm   0.5     the rule joining one step's number to the next
step_rule_end        mm   1.2     … ends this far above the next step
list_indent          mm   4.5     where list item text starts; the marker hangs left of it
btn_radius           mm   2.5
btn_line             -    1.2
btn1_pad_x           mm   3.5
btn2_pad_x           mm   3
btn2_border          mm   0.45
url_size             pt   8       the URL printed under a button's label
url_gap              mm   0.6
qr_gap               mm   3.5     between the booking link's QR code and its caption
scan_pad             mm   2.5     inside the white card holding the QR code, under the booking button
panel_rule           mm   0.3     the rule above each section of the panel
para_gap             mm   1.2     between paragraphs in the panel and the note
note_pad_x           mm   5       the full-width note (EXTRA_WIDE)
note_pad_y           mm   3.5
note_edge            mm   1
footer_size          pt   9
footer_size_medium   pt   8.5
footer_size_long     pt   7.5
footer_line          -    1.3
footer_rule          mm   1.6     the gradient rule on top of the footer
footer_space         mm   7       the least space above the footer
footer_name_w        %    64
footer_home_w        %    34
spread_max           mm   6       most extra space given to each step when the content is short
spread_reserve       mm   8       free height kept above the footer when spreading
"""


def _table(text: str, count: int) -> tuple[dict[str, str], list[dict[str, float]]]:
    """Units and ``count`` columns of values from a table of rows ``name unit value… [description]``."""
    units: dict[str, str] = {}
    columns: list[dict[str, float]] = [{} for _ in range(count)]
    for row in text.strip().splitlines():
        name, unit, *values = row.split(maxsplit=2 + count)[: 2 + count]
        units[name] = "" if unit == "-" else unit
        for column, value in zip(columns, values, strict=True):
            column[name] = float(value)
    return units, columns


_DENSITY_UNITS, _levels = _table(_DENSITY_TABLE, 6)
_FIXED_UNITS, (_fixed,) = _table(_FIXED_TABLE, 1)
DENSITIES: tuple[dict[str, float], ...] = tuple(_levels)
FIXED: dict[str, float] = _fixed
UNITS: dict[str, str] = {**_FIXED_UNITS, **_DENSITY_UNITS}
LINE_HEIGHT = FIXED["line"]  # the body line height, × the font size

PAGE_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}  # page_size → width, height

# Cut-offs: which variant of the design the content gets.
EXTRA_WIDE = 260  # characters of extra information above which it leaves the panel for a full-width note
NAME_MEDIUM, NAME_LONG = 50, 90  # characters of the organisation's name: smaller footer (and wordmark)
TITLE_CLASSES = ((18, "xl"), (23, "l"), (29, "m"))  # longest title line, in characters → t_xl …; else "s"
SPREAD_FROM = 20  # mm of free height above the footer from which spare height is shared out between the steps
URL_LIMIT, URL_LIMIT_FOOTER = 42, 56  # display_url only: the PDF and the slide print URLs in full
# The booking link's QR code: at least qr (a density token) on a side, quiet zone included, and more for a
# dense code so that no module is smaller than QR_MODULE_MIN (phones read ~0.33 mm modules on paper at a
# hand's length) — up to QR_MAX. Its readable URL sits beside it when at most URL_BESIDE_QR characters long
# (about three lines in the narrow column beside the code), else under it at the card's full width.
QR_MODULE_MIN, QR_MAX = 0.4, 28.0  # mm
URL_BESIDE_QR = 40
URL_BREAKS = "/.-?&=#@"  # a printed URL or address may wrap after these (only there, unless a part is too long)
ELLIPSIS = "…"  # ends a shortened URL and text cut to fit
RULE_MIX = 0.25  # rules are the tint moved this far towards primary (then made visible: rule_colour)
WHITE = colors.WHITE


def tokens(level: int) -> dict[str, float]:
    """Every token at density ``level``: the fixed ones and that level's."""
    return {**FIXED, **DENSITIES[level]}


def css() -> str:
    """The tokens as CSS custom properties: fixed ones on ``:root``, each density on ``.d0`` … ``.d5``."""

    def declarations(values: dict[str, float]) -> str:
        return " ".join(f"--{name.replace('_', '-')}: {value:g}{UNITS[name]};" for name, value in values.items())

    rules = [f":root {{ {declarations(FIXED)} }}"]
    rules += [f".d{level} {{ {declarations(values)} }}" for level, values in enumerate(DENSITIES)]
    return "\n".join(rules) + "\n"


# ------------------------------------------------------------------ decisions from the content


def plain(blocks: Iterable[Block]) -> str:
    """Rich text as plain text (its length decides cut-offs)."""
    return " ".join("".join(run.text for run in item) for block in blocks for item in block.items)


def extra_wide(blocks: Iterable[Block]) -> bool:
    """Long extra information reads better across the page than in the narrow panel."""
    return len(plain(blocks)) > EXTRA_WIDE


def name_size(name: str) -> str:
    return "long" if len(name) > NAME_LONG else "medium" if len(name) > NAME_MEDIUM else "short"


def title_class(lines: list[str]) -> str:
    """The title's size class (t_xl … t_s) from its longest line."""
    longest = max(len(line) for line in lines)
    return next((name for limit, name in TITLE_CLASSES if longest <= limit), "s")


def qr_side(modules: int, level: int) -> float:
    """Side in mm of the booking link's QR code (quiet zone included) with ``modules`` per side (without it)."""
    from visitkit.render.qr import QUIET_ZONE

    return max(DENSITIES[level]["qr"], min(QR_MAX, (modules + 2 * QUIET_ZONE) * QR_MODULE_MIN))


def url_segments(text: str) -> list[str]:
    """``text`` (a URL or an address as printed) cut after each of ``URL_BREAKS``: where a line may end."""
    return re.findall(rf"[^{re.escape(URL_BREAKS)}]*[{re.escape(URL_BREAKS)}]+|[^{re.escape(URL_BREAKS)}]+$", text)


def display_url(url: str, limit: int = URL_LIMIT) -> str:
    """A URL shortened with "…", kept for older callers: the PDF and the slide print ``qr.readable_url`` in full."""
    text = re.sub(r"^(https?://)?(www\.)?", "", url, flags=re.I).rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


# ------------------------------------------------------------------ colour roles


def link_colour(c: Colors) -> str:
    """Links: the accent, unless it reads poorly on the tinted panel where most links sit (then the text)."""
    return c.accent if colors.contrast(c.accent, c.tint) >= colors.BODY_TEXT else c.text


def header_low_contrast(c: Colors) -> bool:
    """Header text reaches only 3:1 on the brand colours: only large text is safe there."""
    return min(colors.contrast(c.on_primary, c.primary), colors.contrast(c.on_primary, c.secondary)) < colors.BODY_TEXT


def shade(c: Colors) -> tuple[str, float]:
    """The header's diagonal shades: colour and opacity, moving *away* from the header text colour."""
    return ("#FFFFFF", 0.16) if c.on_primary != WHITE else ("#000000", 0.13)


def colour_roles(c: Colors) -> dict[str, str]:
    """Every colour the infographic paints with, by role (``#RRGGBB``); the CSS names them ``--<role>``."""
    return {
        "primary": c.primary, "secondary": c.secondary, "background": c.background, "text": c.text,
        "accent": c.accent, "on_primary": c.on_primary, "button": c.button, "muted": c.muted, "tint": c.tint,
        "rule": rule_colour(c), "link": link_colour(c),
    }


def rule_colour(c: Colors) -> str:
    """Step lines and panel rules: the tint moved RULE_MIX towards primary (in OKLab, so in the brand's hue),
    then darkened (or lightened) until it shows on both grounds it is drawn on, the page and the panel
    (``colors.EDGE``, 1.5:1), even for a brand colour close to the background."""
    return colors.edge_for(colors.mix_oklab(c.tint, c.primary, RULE_MIX), (c.tint, c.background))
