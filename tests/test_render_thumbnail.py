"""visitkit/render/thumbnail.py: the PNG previews of the infographic."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from PIL import Image

from tests.test_render_pdf import render
from visitkit.render import thumbnail


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    return render()[0]


@pytest.mark.parametrize("width", [360, 1200])
def test_a_preview_is_page_one_at_its_width_pixel_for_pixel(sample_pdf, width):
    preview = Image.open(io.BytesIO(thumbnail.render(sample_pdf, width)))
    page = pdfium.PdfDocument(sample_pdf)[0]
    expected = page.render(scale=width / page.get_width(), may_draw_forms=False).to_pil().convert("RGB")
    assert (preview.mode, preview.width) == ("RGB", width)  # opaque: no alpha for pages that show it on a card
    assert preview.tobytes() == expected.tobytes()


def test_same_pdf_same_bytes_and_smaller_than_pillows_writer(sample_pdf):
    first, second = thumbnail.render(sample_pdf, 1200), thumbnail.render(sample_pdf, 1200)
    assert first == second
    pillow = io.BytesIO()
    Image.open(io.BytesIO(first)).save(pillow, format="PNG", compress_level=3)  # what the previews used to be
    assert len(first) < 0.9 * len(pillow.getvalue())
