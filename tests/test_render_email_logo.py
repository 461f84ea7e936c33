"""logo.png: the logo fitted for the email at twice its display size; deterministic bytes."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.conftest import make_content, make_context
from visitkit import outputs
from visitkit.render import email_logo

MODULE = "visitkit.render.email_logo"


@pytest.mark.parametrize("org", ["sample", "sunvale-health"])  # a PNG and an SVG logo
def test_size_and_determinism(org):
    content = make_content(org)
    context = make_context(MODULE, content)
    data = email_logo.render(context)
    assert data == email_logo.render(context)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG" and image.mode == "RGBA"
        shown = email_logo.logo_size(context.asset(content.logo.path), content.logo.kind)
        assert image.size == (shown[0] * email_logo.LOGO_SCALE, shown[1] * email_logo.LOGO_SCALE)
        assert shown[0] <= email_logo.LOGO_BOX[0] and shown[1] <= email_logo.LOGO_BOX[1]
        assert max(shown[0] / email_logo.LOGO_BOX[0], shown[1] / email_logo.LOGO_BOX[1]) > 0.99  # fills the box one way
        assert image.getextrema()[3][1] == 255  # something opaque was drawn


def test_only_for_profiles_with_a_logo():
    assert outputs.BY_RENDERER["visitkit.render.email_logo"].when == "brand.logo"
    content = make_content("sample").model_copy(update={"logo": None})
    with pytest.raises(ValueError):
        email_logo.render(make_context(MODULE, content))
