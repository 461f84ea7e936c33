"""SVG → transparent PNG, for formats that cannot embed SVG (PowerPoint via python-pptx).

WeasyPrint draws the SVG onto a one-image PDF page exactly the size of the
picture, and pypdfium2 renders that page onto a transparent bitmap. Both are
deterministic, so the same SVG and width always give the same PNG bytes.
Nothing is fetched: the SVG is passed as a ``data:`` URL and the URL fetcher
refuses every other scheme.
"""

from __future__ import annotations

import base64
import functools
import io

# The one rule for an SVG's aspect ratio (viewBox, else width/height, else SVG_ASPECT), shared with
# the PDF, the slide and the email: a logo without a viewBox is drawn alike everywhere.
from visitkit.render.aspect import svg_size

_PX_PER_PT = 96 / 72  # CSS px per PDF point: pdfium's scale 1 is 72 dpi
_MAX_PX = 4096


def svg_to_png(svg_bytes: bytes, width_px: int) -> bytes:
    """Rasterise ``svg_bytes`` to a transparent PNG ``width_px`` wide (height keeps the aspect ratio)."""
    return _svg_to_png(bytes(svg_bytes), int(width_px))


@functools.lru_cache(maxsize=64)  # icons and logos repeat across documents in one worker
def _svg_to_png(svg_bytes: bytes, width_px: int) -> bytes:
    import pypdfium2
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    if not 1 <= width_px <= _MAX_PX:
        raise ValueError(f"width_px must be 1–{_MAX_PX}, got {width_px}")
    width, height = svg_size(svg_bytes)
    height_px = max(1, min(_MAX_PX, round(width_px * height / width)))
    data_url = "data:image/svg+xml;base64," + base64.b64encode(svg_bytes).decode("ascii")
    html = (
        "<!doctype html><html><head><style>"
        f"@page{{size:{width_px}px {height_px}px;margin:0}}"
        "html,body{margin:0;padding:0;background:transparent}"
        f"img{{display:block;width:{width_px}px;height:{height_px}px}}"
        f'</style></head><body><img src="{data_url}" alt=""></body></html>'
    )
    from visitkit.render import font_config

    page = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",)))
    pdf_bytes = page.write_pdf(font_config=font_config.shared())

    document = pypdfium2.PdfDocument(pdf_bytes)
    try:
        page = document[0]
        bitmap = page.render(scale=_PX_PER_PT, fill_color=(255, 255, 255, 0), may_draw_forms=False)
        image = bitmap.to_pil()
        page.close()
    finally:
        document.close()
    if image.size != (width_px, height_px):  # page size in pt may round by a pixel
        image = image.resize((width_px, height_px))
    out = io.BytesIO()
    image.convert("RGBA").save(out, format="PNG", optimize=False, compress_level=9)
    return out.getvalue()
