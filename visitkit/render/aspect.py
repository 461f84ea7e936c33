"""The logo aspect rule: a logo's intrinsic width and height, the same in every output.

Part of the design (``design.py`` re-exports it); kept in its own module because the email's
logo.png and email.html need only this rule, not the infographic's design tokens, so editing a
token does not rebuild them. The PDF, the slide (and its rasterised logo) and the email all size
a logo from ``image_size``: an SVG without a viewBox or usable size is drawn ``SVG_ASPECT`` (4:1,
the PDF's long-standing choice: a typical wordmark) everywhere, where the slide and the email used
to draw it square.
"""

from __future__ import annotations

import io
import re

SVG_ASPECT = (4.0, 1.0)  # an SVG logo that states no size or viewBox: assume a typical wordmark
_LENGTH = re.compile(r"\s*([+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in|q)?\s*", re.I)
_PX_PER = {"": 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0,
           "q": 96 / 101.6}


def image_size(data: bytes, kind: str) -> tuple[float, float]:
    """Intrinsic width and height of a logo (PNG, JPEG or SVG): every output sizes the logo from this."""
    if kind == "svg":
        return svg_size(data)
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    return float(max(width, 1)), float(max(height, 1))


def svg_size(data: bytes) -> tuple[float, float]:
    """An SVG's intrinsic size as CSS gives it: its viewBox, else its width and height in absolute units.

    An SVG with neither (or with a percentage size) has no aspect ratio of its own: it is drawn
    ``SVG_ASPECT``, a typical wordmark, in the PDF, on the slide and in the email alike. A malformed
    viewBox counts as absent, as in a browser.
    """
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    try:
        if len(box) == 4 and float(box[2]) > 0 and float(box[3]) > 0:
            return float(box[2]), float(box[3])
    except ValueError:
        pass
    sizes = [_LENGTH.fullmatch(root.get(name) or "") for name in ("width", "height")]
    if sizes[0] and sizes[1]:
        width, height = (float(m.group(1)) * _PX_PER[(m.group(2) or "").lower()] for m in sizes)
        if width > 0 and height > 0:
            return width, height
    return SVG_ASPECT

