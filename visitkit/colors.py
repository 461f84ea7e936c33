"""Brand colours made readable: WCAG 2.2 contrast and accessible derivatives."""

from __future__ import annotations

BODY_TEXT = 4.5  # WCAG 2.2 1.4.3, normal text
LARGE_TEXT = 3.0  # large text and graphics (1.4.3 / 1.4.11)
WHITE = "#FFFFFF"
INK = "#111827"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02X}" for c in rgb)


def luminance(hex_colour: str) -> float:
    """Relative luminance as defined by WCAG."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: str, b: str, t: float) -> str:
    """``a`` moved ``t`` (0–1) of the way towards ``b``."""
    ra, rb = _rgb(a), _rgb(b)
    return _hex(tuple(x + (y - x) * t for x, y in zip(ra, rb, strict=True)))


def readable_on(background: str) -> str:
    """White or near-black, whichever reads better on ``background``."""
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def adjust_for(colour: str, background: str, minimum: float) -> str:
    """``colour`` darkened (or lightened) just enough to reach ``minimum`` on ``background``."""
    if contrast(colour, background) >= minimum:
        return colour
    target = INK if luminance(background) > 0.18 else WHITE
    for step in range(1, 21):
        candidate = mix(colour, target, step / 20)
        if contrast(candidate, background) >= minimum:
            return candidate
    return target
