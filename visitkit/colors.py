"""Brand colours made readable: WCAG 2.2 contrast, and derived colours that stay in the brand's hue.

Contrast is measured with the WCAG formula (relative luminance in sRGB). Colours are *derived* in
OKLCH (Björn Ottosson's OKLab, 2020, in polar form: lightness L 0–1, chroma C, hue H in degrees):
there, changing L leaves the perceived hue alone, whereas mixing towards black or white in sRGB
turns a yellow olive and a blue purple-grey. A colour that falls outside sRGB is brought back by
lowering its chroma only (same L, same H), so the result is the most colourful in-gamut colour of
that lightness and hue.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

BODY_TEXT = 4.5  # WCAG 2.2 1.4.3, normal text
LARGE_TEXT = 3.0  # large text and graphics (1.4.3 / 1.4.11)
EDGE = 1.5
"""Rules and card edges against the ground they sit on. They are decorative (the layout does not need
them, so WCAG 1.4.11's 3:1 does not apply), but they must not vanish: a 1 px hairline at 1.5:1 (#C4C4C4 on
white) is still seen on screens, projectors and office printers, where lines near 1.2:1 (#E0E0E0) drop out."""
TINT = 1.08
"""A panel's wash against the page: enough to see the panel as a panel (the examples' tints measure
1.08–1.2:1), light enough that text on it keeps nearly its full contrast."""
WHITE = "#FFFFFF"
INK = "#111827"

LCH = tuple[float, float, float]


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: Iterable[float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def _linear(c: float) -> float:
    """One sRGB channel (0–1) to linear light."""
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _encoded(c: float) -> float:
    """One linear-light channel to sRGB (0–1)."""
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def luminance(hex_colour: str) -> float:
    """Relative luminance as defined by WCAG."""
    r, g, b = (_linear(c / 255) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """``a`` moved ``t`` (0–1) of the way towards ``b``, in sRGB (kept for the HTML's neutral hairlines)."""
    ra, rb = _rgb(a), _rgb(b)
    return _hex(x + (y - x) * t for x, y in zip(ra, rb, strict=True))


# ------------------------------------------------------------------ OKLab / OKLCH


def _linear_to_oklab(r: float, g: float, b: float) -> tuple[float, float, float]:
    # Ottosson's M1 (linear sRGB → LMS), cube root, then M2 (LMS' → Lab).
    l_ = math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b)
    m_ = math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b)
    s_ = math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b)
    return (
        0.2104542553 * l_ + 0.7936177850 * m_ - 0.0040720468 * s_,
        1.9779984951 * l_ - 2.4285922050 * m_ + 0.4505937099 * s_,
        0.0259040371 * l_ + 0.7827717662 * m_ - 0.8086757660 * s_,
    )


def _oklab_to_linear(L: float, a: float, b: float) -> tuple[float, float, float]:  # noqa: N803 - the paper's names
    l_ = L + 0.3963377774 * a + 0.2158037573 * b
    m_ = L - 0.1055613458 * a - 0.0638541728 * b
    s_ = L - 0.0894841775 * a - 1.2914855480 * b
    lms = l_**3, m_**3, s_**3
    return (
        4.0767416621 * lms[0] - 3.3077115913 * lms[1] + 0.2309699292 * lms[2],
        -1.2684380046 * lms[0] + 2.6097574011 * lms[1] - 0.3413193965 * lms[2],
        -0.0041960863 * lms[0] - 0.7034186147 * lms[1] + 1.7076147010 * lms[2],
    )


def oklab(hex_colour: str) -> tuple[float, float, float]:
    """``#RRGGBB`` → OKLab (L, a, b)."""
    return _linear_to_oklab(*(_linear(c / 255) for c in _rgb(hex_colour)))


def oklch(hex_colour: str) -> LCH:
    """``#RRGGBB`` → OKLCH (L 0–1, C ≥ 0, H in degrees 0–360; H is 0 for greys)."""
    L, a, b = oklab(hex_colour)  # noqa: N806
    chroma = math.hypot(a, b)
    hue = math.degrees(math.atan2(b, a)) % 360 if chroma > 1e-4 else 0.0
    return L, chroma, hue


def _lch_to_linear(L: float, C: float, H: float) -> tuple[float, float, float]:  # noqa: N803
    h = math.radians(H)
    return _oklab_to_linear(L, C * math.cos(h), C * math.sin(h))


def in_gamut(L: float, C: float, H: float, tolerance: float = 1e-6) -> bool:  # noqa: N803
    """Whether OKLCH (L, C, H) is an sRGB colour."""
    return all(-tolerance <= c <= 1 + tolerance for c in _lch_to_linear(L, C, H))


def max_chroma(L: float, H: float, limit: float = 0.5) -> float:  # noqa: N803
    """The largest chroma (up to ``limit``) that lightness ``L`` and hue ``H`` have in sRGB."""
    if in_gamut(L, limit, H):
        return limit
    low, high = 0.0, limit
    for _ in range(30):  # to ~5e-10: far below one 8-bit step
        mid = (low + high) / 2
        low, high = (mid, high) if in_gamut(L, mid, H) else (low, mid)
    return low


def from_oklch(L: float, C: float, H: float) -> str:  # noqa: N803
    """OKLCH → ``#RRGGBB``, mapped into sRGB by lowering chroma only (lightness and hue kept)."""
    L = min(1.0, max(0.0, L))  # noqa: N806
    chroma = min(max(C, 0.0), max_chroma(L, H, max(C, 0.0)))
    return _hex(255 * _encoded(min(1.0, max(0.0, c))) for c in _lch_to_linear(L, chroma, H))


def hue_difference(a: str, b: str) -> float:
    """The angle (0–180°) between two colours' OKLCH hues."""
    d = abs(oklch(a)[2] - oklch(b)[2]) % 360
    return min(d, 360 - d)


def mix_oklab(a: str, b: str, t: float) -> str:
    """``a`` moved ``t`` (0–1) of the way towards ``b`` in OKLab: perceptually even, no muddy midpoint."""
    la, lb = oklab(a), oklab(b)
    L, x, y = (p + (q - p) * t for p, q in zip(la, lb, strict=True))  # noqa: N806
    return from_oklch(L, math.hypot(x, y), math.degrees(math.atan2(y, x)) % 360)


# ------------------------------------------------------------------ readable colours


def readable_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def _towards(lch: LCH, background: str, minimum: float, end: float) -> str | None:
    """OKLCH ``lch`` with its lightness moved towards ``end`` (0 or 1) just far enough to reach ``minimum``
    on ``background``, hue kept and as much of its chroma as that lightness has; None if even ``end`` does
    not reach it."""
    L, C, H = lch  # noqa: N806

    def at(t: float) -> str:
        return from_oklch(L + (end - L) * t, C, H)

    if contrast(at(1.0), background) < minimum:
        return None
    # The colours that pass form one run ending at ``end`` (contrast falls, then rises, as L crosses the
    # background's): bisect for its start, then step past any 8-bit rounding that lands just short.
    low, high = 0.0, 1.0
    for _ in range(30):
        mid = (low + high) / 2
        low, high = (low, mid) if contrast(at(mid), background) >= minimum else (mid, high)
    t = high
    while contrast(at(t), background) < minimum and t < 1.0:
        t = min(1.0, t + 1e-3)
    return at(t)


def _reach(lch: LCH, background: str, minimum: float) -> str:
    """The colour nearest OKLCH ``lch`` in lightness (hue kept) that reaches ``minimum`` on ``background``."""
    colour = from_oklch(*lch)
    if contrast(colour, background) >= minimum:
        return colour
    # Towards the end (black or white) that stands out more from the background; the other one if
    # that cannot reach the minimum (a mid-grey background and a high minimum).
    ends = (0.0, 1.0) if contrast("#000000", background) >= contrast(WHITE, background) else (1.0, 0.0)
    for end in ends:
        found = _towards(lch, background, minimum, end)
        if found is not None:
            return found
    return max(("#000000", WHITE), key=lambda extreme: contrast(extreme, background))


def adjust_for(colour: str, background: str, minimum: float) -> str:
    """``colour`` darkened (or lightened) just enough to reach ``minimum`` on ``background``.

    Only the OKLCH lightness moves: the hue stays, and so does the chroma, as far as sRGB has it at
    the new lightness. A colour that already passes is returned as it is.
    """
    if contrast(colour, background) >= minimum:
        return colour
    return _reach(oklch(colour), background, minimum)


def adjust_for_all(colour: str, backgrounds: Iterable[str], minimum: float) -> str:
    """``adjust_for`` against every one of ``backgrounds`` (a colour that sits on the page and on a panel)."""
    grounds = list(backgrounds)
    for _ in range(2 * len(grounds) + 1):  # grounds on the same side of the colour settle in one pass
        failing = [g for g in grounds if contrast(colour, g) < minimum]
        if not failing:
            return colour
        colour = adjust_for(colour, min(failing, key=lambda g: contrast(colour, g)), minimum)
    return colour


# ------------------------------------------------------------------ derived brand colours


SECONDARY_STEP = 0.09
"""OKLCH lightness between a brand's primary and its derived secondary: a visible gradient, one hue."""


def secondary_for(primary: str) -> str:
    """The other end of the header gradient when the brand gives none: the primary one lightness step
    darker (lighter for very dark primaries, which have no darker step to give), same hue, as much of
    its chroma as fits."""
    L, C, H = oklch(primary)  # noqa: N806
    step = SECONDARY_STEP if L < 0.3 else -SECONDARY_STEP
    return from_oklch(L + step, C, H)


TINT_CHROMA = 0.15  # of the primary's chroma in its tint: a hint of the brand, never a coloured panel


def tint_for(primary: str, background: str) -> str:
    """A light wash of the primary for panels: the background's lightness moved 8 % of the way to the
    primary's, in the primary's hue with ``TINT_CHROMA`` of its chroma (on a cream page too, where mixing would
    cancel a blue out), and at least ``TINT`` against the background even for a primary near it."""
    lightness, chroma, hue = oklch(primary)
    ground = oklch(background)[0]
    # The chroma is applied at the lightness that reaches TINT: near white, sRGB has almost none to give.
    return _reach((ground + (lightness - ground) * 0.08, chroma * TINT_CHROMA, hue), background, TINT)


def edge_for(colour: str, grounds: Iterable[str]) -> str:
    """A rule or card edge of ``colour``'s hue that stays visible (``EDGE``) on each of ``grounds``."""
    return adjust_for_all(colour, grounds, EDGE)


SHAPE = 0.1
"""OKLab distance (ΔE) a filled shape needs from the grounds around it to be seen as a shape: yellow on white
is 0.21 (plainly seen although its contrast ratio is only 1.4:1, which measures lightness alone), #F5F5F0 on
white 0.03 (gone). 0.1 is about #E2E2E2 on white."""


def distance(a: str, b: str) -> float:
    """ΔE in OKLab: how different two colours look, lightness and colour together."""
    return math.dist(oklab(a), oklab(b))


def stand_out(colour: str, grounds: Iterable[str], minimum: float = SHAPE) -> str:
    """``colour`` with its lightness moved away from ``grounds`` (hue kept) until it is at least ``minimum``
    (OKLab ΔE) from each of them: a button or badge that would melt into the page or panel."""
    grounds = list(grounds)

    def enough(candidate: str) -> bool:
        return all(distance(candidate, g) >= minimum for g in grounds)

    if enough(colour):
        return colour
    L, C, H = oklch(colour)  # noqa: N806
    end = 0.0 if sum(oklab(g)[0] for g in grounds) / len(grounds) > 0.5 else 1.0
    low, high = 0.0, 1.0
    for _ in range(30):
        mid = (low + high) / 2
        low, high = (low, mid) if enough(from_oklch(L + (end - L) * mid, C, H)) else (mid, high)
    return from_oklch(L + (end - L) * high, C, H)
