"""logo.png: the organisation's logo as a PNG for the email (opt-in: only when the profile has a logo).

Email clients show no SVG and scale large images badly, so the email
references this file below ``assets_base_url``: the logo fitted into the
email's logo box at twice its display size (sharp on high-density screens).
SVG logos are rasterised with ``raster.svg_to_png``; PNG and JPEG logos are
resampled with Pillow. Both are deterministic.
"""

from __future__ import annotations

import functools
import io

from visitkit.render import RenderContext

TEMPLATES: tuple[str, ...] = ()
ASSETS = ("logo",)
LOGO_BOX = (200, 56)  # the largest logo the email shows, in CSS px (width, height)
LOGO_SCALE = 2  # logo.png holds twice the pixels, for high-density screens


def render(context: RenderContext) -> bytes:
    """The logo as an RGBA PNG, ``LOGO_SCALE`` times its display size in the email."""
    logo = context.content.logo
    if logo is None:
        raise ValueError("logo.png needs a logo in the profile (brand.logo)")
    data = context.asset(logo.path)
    width, height = (n * LOGO_SCALE for n in logo_size(data, logo.kind))
    if logo.kind == "svg":
        from visitkit.render import raster

        png = raster.svg_to_png(data, width)
        return _normalise(png, (width, height))
    return _normalise(bytes(data), (width, height))


def image_size(data: bytes, kind: str) -> tuple[float, float]:
    """Intrinsic width and height of a PNG, JPEG or SVG: the one rule, as in the PDF and on the slide."""
    from visitkit.render import aspect

    return aspect.image_size(data, kind)


def logo_size(data: bytes, kind: str) -> tuple[int, int]:
    """The logo's display size in the email: fitted into ``LOGO_BOX``, aspect ratio kept."""
    width, height = image_size(data, kind)
    scale = min(LOGO_BOX[0] / width, LOGO_BOX[1] / height)
    return max(1, round(width * scale)), max(1, round(height * scale))


@functools.lru_cache(maxsize=32)  # an organisation's locales share one logo.png: encoded once (optimize=True is slow)
def _normalise(data: bytes, size: tuple[int, int]) -> bytes:
    """Any raster → an RGBA PNG of exactly ``size``, with no metadata (the bytes depend on the pixels only)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGBA")
        if image.size != size:
            image = image.resize(size, Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()
