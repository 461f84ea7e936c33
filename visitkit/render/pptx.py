"""The infographic as an editable one-slide PowerPoint file (python-pptx).

Same design as the PDF infographic, from the same design tokens (``render/design.py``): a
diagonal brand gradient header with the logo on a white plate and the vertical's line icon, a
big title, numbered steps, call-to-action buttons, help and contact lines and a footer. Every
element is a real text box or shape, so the organisation can edit it; the headline is the slide's
title placeholder, so PowerPoint's accessibility checker and screen readers find a slide title.

Brand colours and the brand font go into the slide master's *theme*; shapes and text refer to
theme colours, so re-colouring the theme in PowerPoint keeps the design consistent. PowerPoint
never measures text for us (autofit only happens when a user edits), so every text is broken into
lines here (Unicode line breaking; URLs and e-mail addresses only at their own break points),
measured with the real font files shaped by HarfBuzz and never narrower than in DejaVu Sans (the
common substitute when the font is missing), shrunk step-wise until it fits, and written with
explicit line breaks. The booking link is also a QR code (vector), with its readable URL beside it.

This module runs the stages of ``render/slide/``: measure (``text``) → lay out (``layout``) →
draw (``draw``) → package (``package``). The output is byte-reproducible: fixed document
properties (dated from SOURCE_DATE_EPOCH via the ``date`` option, else 2000-01-01) and a
re-zipped package with fixed timestamps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visitkit.render.slide import draw, layout, package, scripts, text

if TYPE_CHECKING:
    from visitkit.render import RenderContext

# The org's chosen icon (Content.icon), and the Noto fonts that measure Arabic, Hebrew and CJK text (slide/scripts.py).
TEMPLATES = ("templates/icons/{icon}.svg", *scripts.FILES)


def render(context: RenderContext) -> bytes:
    """The slide as .pptx bytes: measure → lay out → draw → package."""
    content = context.content
    # 1. text: the real font files, to measure every text with
    fonts = text.fonts_for(context.asset(content.font.regular), context.asset(content.font.bold),
                           script_fonts(context), scripts.han_script(content.lang))
    logo_png, ratio = draw.logo_png(context)
    # 2. layout: every box of the slide, from the design tokens
    items = layout.Designer(content, fonts, ratio).layout()
    # 3. draw: the brand theme, then every item as a shape, picture or text box
    prs = package.presentation(content.page_size)
    draw.patch_theme(prs, content)
    slide = package.title_slide(prs)
    draw.Painter(content, slide).paint(items, logo_png, draw.icon_png(context))
    # 4. package: fixed properties, reproducible zip
    return package.save(prs, content, context.options.get("date"))


def script_fonts(context: RenderContext) -> dict[str, tuple[bytes, bytes]]:
    """The Noto fonts (regular, bold) of the scripts the content's text uses, by script (none for Latin text)."""
    content = context.content
    used = scripts.strong_scripts(content.model_dump_json(), scripts.han_script(content.lang))
    used.add(scripts.language_script(content.lang))
    return {s: (context.asset(regular), context.asset(bold))
            for s, (_, regular, bold) in scripts.FONTS.items() if s in used}
