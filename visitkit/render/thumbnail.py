"""PNG previews of page 1 of the infographic PDF (pypdfium2).

Unlike the other renderers this one reads the finished PDF, not the content
model, so a thumbnail is rebuilt only when the PDF's bytes change.
"""

from __future__ import annotations

from visitkit.render import png

TEMPLATES: tuple[str, ...] = ()
ASSETS: tuple[str, ...] = ()
# Its files (a thumbnail for pages, a large image for social posts) and their widths: visitkit/outputs.py.


def render(pdf: bytes, width: int) -> bytes:
    """Page 1 of ``pdf`` as an opaque PNG ``width`` pixels wide (deterministic bytes)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale, may_draw_forms=False).to_pil()
    finally:
        document.close()
    # Unfiltered rows (png.py): faster than Pillow's writer and smaller on a page like this one.
    # A palette would band the header's gradient (2,000–4,500 colours).
    return png.encode(image if image.mode == "RGB" else image.convert("RGB"))
