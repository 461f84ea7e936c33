"""The PowerPoint slide's stages, run in this order by ``visitkit/render/pptx.py``.

As WeasyPrint separates text, layout and drawing for the PDF:

1. ``text`` — the text model, measuring with the real font files, wrapping, fitting, clamping;
2. ``layout`` — the ``Designer``: every box of the slide, from the design tokens (``render/design.py``);
3. ``draw`` — the ``Painter``: shapes, pictures and text as DrawingML, and the brand theme;
4. ``package`` — the presentation around the slide, its properties and reproducible bytes.
"""
