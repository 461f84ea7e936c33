"""Slide stage 4, packaging: the presentation around the slide, its properties and reproducible bytes.

``presentation`` starts from python-pptx's default deck, scaled to the page size (python-pptx
does not rescale the master and layouts); ``title_slide`` adds the one slide with a real title
placeholder; ``save`` sets fixed core and app properties (title = the headline, author,
language = the content's lang, dates), drops the stock thumbnail and printer settings, and
re-zips the package with ``zipfiles.reproducible_zip`` so that the same content always gives
the same bytes.

Dates are never the clock: created/modified are the ``date`` option, which the build
(``build.render``) sets from SOURCE_DATE_EPOCH when that is set; without it they are the fixed
FIXED_DATE (2000-01-01), so that renders stay byte-reproducible.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from visitkit.render.slide.draw import NS, qn
from visitkit.render.slide.layout import PAGE_EMU
from visitkit.render.slide.text import clean
from visitkit.zipfiles import MS_DOS, reproducible_zip

if TYPE_CHECKING:
    from visitkit.content import Content

PAGE_FORMAT = {"a4": "A4 Paper (210x297 mm)", "letter": "Letter Paper (8.5x11 in)"}
FIXED_DATE = "2000-01-01T00:00:00"
# Parts in the order Office writes them: the content types first, then the package relationships.
_FIRST = ("[Content_Types].xml", "_rels/.rels")


def presentation(page_size: str) -> Any:
    """python-pptx's default deck at ``page_size``."""
    from pptx import Presentation

    prs = Presentation()
    _fit_masters(prs, *PAGE_EMU[page_size])
    return prs


def title_slide(prs: Any) -> Any:
    """An empty slide on the "Title Only" layout: just its title placeholder (``slide.shapes.title``).

    The painter puts the headline into that placeholder, so PowerPoint's accessibility checker
    and screen readers find a slide title; any other placeholder is removed.
    """
    from pptx.enum.shapes import PP_PLACEHOLDER

    layout = next(lay for lay in prs.slide_layouts if lay.name == "Title Only")
    slide = prs.slides.add_slide(layout)
    for shape in list(slide.placeholders):
        if shape.placeholder_format.type != PP_PLACEHOLDER.TITLE:
            shape.element.getparent().remove(shape.element)
    return slide


def save(prs: Any, content: Content, date: Any = None) -> bytes:
    """The package's bytes: fixed properties, then the same parts re-zipped with fixed dates and order.

    ``date`` (an ISO date or date-time, from SOURCE_DATE_EPOCH via the build) dates the document;
    without it the date is the fixed FIXED_DATE, never the clock (reproducible bytes).
    """
    _properties(prs, content, str(date or FIXED_DATE))
    out = io.BytesIO()
    prs.save(out)
    return rezip(out.getvalue())


def rezip(data: bytes) -> bytes:
    """Same parts, fixed timestamps and a fixed order: identical input gives identical bytes.

    Every part is deflated at zlib's default level with an MS-DOS "made by", as the package was
    written before the zip helper was shared (keeping every .pptx byte for byte what it was).
    """
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != _FIRST[0], n != _FIRST[1], n))
    return reproducible_zip(((name, source.read(name)) for name in names), level=6, system=MS_DOS)


def _fit_masters(prs: Any, width: int, height: int) -> None:
    """Scale the master's and layouts' placeholders to the new slide size (python-pptx does not)."""
    sx, sy = width / prs.slide_width, height / prs.slide_height
    parts = [prs.slide_master] + list(prs.slide_layouts)
    for part in parts:
        for xfrm in part._element.iter(qn("a:xfrm")):
            off, ext = xfrm.find("a:off", NS), xfrm.find("a:ext", NS)
            if off is not None:
                off.set("x", str(round(int(off.get("x")) * sx)))
                off.set("y", str(round(int(off.get("y")) * sy)))
            if ext is not None:
                ext.set("cx", str(round(int(ext.get("cx")) * sx)))
                ext.set("cy", str(round(int(ext.get("cy")) * sy)))
    prs.slide_width, prs.slide_height = width, height
    sld_sz = prs.part._element.find("p:sldSz", NS)
    if sld_sz is not None and "type" in sld_sz.attrib:
        del sld_sz.attrib["type"]


def _properties(prs: Any, content: Content, date: str) -> None:
    import datetime as dt

    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    props = prs.core_properties
    when = dt.datetime.fromisoformat(date)
    props.title = clean(content.infographic.title)[:255]
    props.subject = clean(content.labels.get("page_title", ""))[:255]
    props.author = clean(content.name)[:255]
    props.last_modified_by = "visitkit"
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = content.lang
    props.revision = 1
    props.created = when
    props.modified = when

    # Drop the stock template's stale thumbnail and Mac printer settings; refresh app.xml.
    package = prs.part.package
    for rid, rel in list(package._rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package._rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _app_xml(content)
    for rid, rel in list(prs.part._rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            prs.part._rels.pop(rid)


def _app_xml(content: Content) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<TotalTime>0</TotalTime><Application>visitkit</Application>"
        f"<PresentationFormat>{PAGE_FORMAT[content.page_size]}</PresentationFormat>"
        "<Slides>1</Slides><Notes>0</Notes><HiddenSlides>0</HiddenSlides><MMClips>0</MMClips>"
        "<ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode()
