"""Slide stage 3, drawing: the designer's items as python-pptx shapes and DrawingML, and the theme.

``Painter`` turns each ``Item`` of layout.py into a shape, picture or text box: explicit fills
and outlines (nothing inherited from the stock theme's shape styles), real bullets and numbers,
exact line spacing, alt text or the "decorative" mark. Shapes and text refer to theme colours;
``patch_theme`` writes the design's colour roles and the brand font into the slide master's
theme (python-pptx has no theme API), so re-colouring the theme in PowerPoint keeps the design
consistent; it also names the Noto fonts of Arabic, Hebrew and CJK (``<a:ea>``, ``<a:cs>``, per-script
entries). Right-to-left pages get ``rtl="1"`` paragraphs, right-aligned; every run carries its language
(``scripts.run_lang``), and Latin addresses and numbers inside them sit between left-to-right marks.
The logo and the vertical's icon are rasterised here (PowerPoint takes no SVG); the QR
code is vector, one freeform shape of its dark modules on a white square.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from visitkit.render import design, qr
from visitkit.render.slide import scripts
from visitkit.render.slide.layout import EMU_PER_PT, Box, Item
from visitkit.render.slide.text import BREAK, LINK, MM, PRIMARY, SECONDARY, Para, TRun, clean

if TYPE_CHECKING:
    from visitkit.content import Content
    from visitkit.render import RenderContext

# Text is measured at the design width (as the PDF sets it), but every text box is drawn this much
# wider, into the free space beside it: a renderer measuring a line a little wider than HarfBuzz (hinting,
# rounding) must never wrap it into an extra line, which would overflow the box.
BOX_SLACK = 0.02
MARKER_GAP = 1.4  # mm between a list marker's right edge and the text
NS = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
}
TITLE = "Title"  # the item drawn as the slide's title placeholder (the headline)
_DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"

# Theme slots ← the design's colour roles (design.colour_roles), so a user can re-colour them in PowerPoint.
# dk1 text · lt1 background · dk2 accent (headings) · lt2 tint (panels) · hlink links (design.link_colour)
# accent1 primary · accent2 secondary · accent3 button · accent4 muted · accent5 on_primary · accent6 accent
_SLOTS = {
    "dk1": "text",
    "lt1": "background",
    "dk2": "accent",
    "lt2": "tint",
    "accent1": "primary",
    "accent2": "secondary",
    "accent3": "button",
    "accent4": "muted",
    "accent5": "on_primary",
    "accent6": "accent",
    "hlink": "link",
    "folHlink": "link",
}


def _emu(pt: float) -> int:
    return round(pt * EMU_PER_PT)


class Painter:
    """Turns the designer's items into python-pptx shapes."""

    def __init__(self, content: Content, slide: Any):
        self.c = content
        self.slide = slide

    def paint(self, items: Sequence[Item], logo_png: bytes | None, icon_png: bytes) -> None:
        from pptx.enum.shapes import MSO_SHAPE

        for item in items:
            box = item.box
            if item.kind == "logo":
                if logo_png and self.c.logo:
                    self.picture(logo_png, box, item.name, clean(self.c.logo.alt) or clean(self.c.name))
                continue
            if item.kind == "icon":
                self.picture(icon_png, box, item.name, None)
                continue
            if item.kind == "text":
                box = _slack(box, item.paras[0].align if item.paras else "l", self.c.dir == "rtl")
                if item.name == TITLE and self.slide.shapes.title is not None:
                    shape = self.title(box)
                else:
                    shape = self.slide.shapes.add_textbox(_emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
                shape.name = item.name
                url = item.url
                links = {r.href for para in item.paras for r in para.runs if r.href}
                if self.c.dir == "rtl" and not url and len(links) == 1:
                    # LibreOffice misplaces a right-to-left line holding a link field under exact line spacing
                    # (it overlaps the line above): a box with one link carries it on the shape instead.
                    url = links.pop()
                    item = replace(item, paras=tuple(replace(p, runs=tuple(replace(r, href=None, link=True)
                                                                             if r.href else r for r in p.runs))
                                                     for p in item.paras))
                self.text(shape.text_frame, item.paras)
                if url:  # on the shape, so the text keeps its colour (see buttons below)
                    shape.click_action.hyperlink.address = url
                continue
            if item.kind == "qr":
                self.qr_code(item)
                continue
            if item.kind == "polygon":
                shape = self.polygon(item.points, item.name)
            else:
                kind = MSO_SHAPE.OVAL if item.kind == "circle" else (
                    MSO_SHAPE.ROUNDED_RECTANGLE if item.radius else MSO_SHAPE.RECTANGLE
                )
                shape = self.shape(kind, box, item.name, item.radius)
            self.fill(shape, item)
            if item.decorative:
                _decorative(shape)
            if item.paras:
                left, top, right, bottom = item.insets
                slack = box.w * BOX_SLACK / 2 if item.kind == "button" else 0.0  # centred label: both sides
                insets = (max(0.0, left - slack), top, max(0.0, right - slack), bottom)
                self.text(shape.text_frame, item.paras, anchor=item.anchor, wrap=item.kind != "circle", insets=insets)
            if item.url:
                # The link sits on the shape, not its text: PowerPoint repaints link text in the
                # theme's hyperlink colour, which would hide a white label on the button.
                shape.click_action.hyperlink.address = item.url

    # -- shapes ------------------------------------------------------------
    def shape(self, kind: Any, box: Box, name: str, radius: float = 0.0) -> Any:
        shape = self.slide.shapes.add_shape(kind, _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
        shape.name = name
        if radius:
            shape.adjustments[0] = min(0.5, radius / max(0.01, min(box.w, box.h)))
        _unstyle(shape)
        return shape

    def title(self, box: Box) -> Any:
        """The layout's title placeholder, made to look exactly like the text box it replaces.

        A real ``<p:ph type="title"/>`` is what PowerPoint's accessibility checker (and screen
        readers, and the outline view) take as the slide title. It gets the text box's place and
        z-order (drawn now, over the header drawn before it), a plain rectangle with no fill, and
        ``noAutofit``, since otherwise it inherits the master title's ``normAutofit``; ``text``
        sets the insets, anchor, wrapping and every run's font, size and colour explicitly.
        """
        from lxml import etree

        shape = self.slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h)
        sp = shape._element
        tree = sp.getparent()
        tree.remove(sp)
        tree.insert_element_before(sp, "p:extLst")  # on top of everything drawn so far
        sp_pr = sp.spPr
        geom = etree.SubElement(sp_pr, qn("a:prstGeom"), prst="rect")
        etree.SubElement(geom, qn("a:avLst"))
        etree.SubElement(sp_pr, qn("a:noFill"))
        return shape

    def qr_code(self, item: Item) -> None:
        """The QR code: a white square, then every dark module as one freeform shape (vector, crisp at any zoom).

        The modules are black whatever the theme: a re-coloured theme must not make the code unreadable.
        Each horizontal run of modules is one closed rectangle of the same path, so renderers fill it
        without seams between modules.
        """
        from lxml import etree
        from pptx.enum.shapes import MSO_SHAPE

        box = item.box
        # Square, as the PDF's SVG: it sits in the corner of the white card (layout.qr_code).
        square = self.shape(MSO_SHAPE.RECTANGLE, box, "QR code background")
        self.fill(square, replace(item, fill="#FFFFFF", radius=0.0))
        _decorative(square)
        size = qr.size(item.url)
        module = box.w / (size + 2 * qr.QUIET_ZONE)  # pt
        inset = qr.QUIET_ZONE * module
        # python-pptx's FreeformBuilder re-scans every point per segment (quadratic): build a one-module
        # shape with it, then write the path itself, one closed rectangle per run, in module units.
        builder = self.slide.shapes.build_freeform(0, 0, scale=1.0)
        builder.add_line_segments([(1, 0), (1, 1), (0, 1)], close=True)
        shape = builder.convert_to_shape()
        shape.left, shape.top = _emu(box.x + inset), _emu(box.y + inset)
        shape.width = shape.height = _emu(size * module)
        path = shape._element.find(".//a:custGeom/a:pathLst/a:path", NS)
        for child in list(path):
            path.remove(child)
        path.set("w", str(size))
        path.set("h", str(size))
        for y, x, n in qr.runs(item.url):
            for index, (px, py) in enumerate(((x, y), (x + n, y), (x + n, y + 1), (x, y + 1))):
                step = etree.SubElement(path, qn("a:moveTo" if index == 0 else "a:lnTo"))
                etree.SubElement(step, qn("a:pt"), x=str(px), y=str(py))
            etree.SubElement(path, qn("a:close"))
        shape.name = item.name
        _unstyle(shape)
        self.fill(shape, replace(item, fill="#000000", radius=0.0))
        # Named as the PDF names it: the caption and the URL it leads to ("Scan to book: riverside.example/book").
        descr = f"{clean(self.c.infographic.scan)}: {qr.readable_url(item.url)}"
        shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", descr)

    def polygon(self, points: Sequence[tuple[float, float]], name: str) -> Any:
        builder = self.slide.shapes.build_freeform(_emu(points[0][0]), _emu(points[0][1]), scale=1.0)
        builder.add_line_segments([(_emu(x), _emu(y)) for x, y in points[1:]], close=True)
        shape = builder.convert_to_shape()
        shape.name = name
        _unstyle(shape)
        return shape

    def fill(self, shape: Any, item: Item) -> None:
        """Explicit fill, outline and an empty effect list (no theme shadow), in schema order."""
        from lxml import etree

        sp_pr = shape._element.spPr
        for tag in ("a:noFill", "a:solidFill", "a:gradFill", "a:ln", "a:effectLst"):
            for old in sp_pr.findall(tag, NS):
                sp_pr.remove(old)
        if item.fill == "gradient":
            sp_pr.append(_gradient(item.angle))
        elif item.fill and item.fill.startswith("#"):
            sp_pr.append(_solid(rgb=item.fill.lstrip("#"), alpha=item.alpha))
        elif item.fill:
            sp_pr.append(_solid(item.fill, alpha=item.alpha))
        else:
            etree.SubElement(sp_pr, qn("a:noFill"))
        ln = etree.SubElement(sp_pr, qn("a:ln"), w=str(_emu(item.line_w if item.line else 0)))
        ln.append(_solid(item.line) if item.line else etree.Element(qn("a:noFill")))
        etree.SubElement(sp_pr, qn("a:effectLst"))

    def picture(self, png: bytes, box: Box, name: str, descr: str | None) -> Any:
        pic = self.slide.shapes.add_picture(io.BytesIO(png), _emu(box.x), _emu(box.y), _emu(box.w), _emu(box.h))
        pic.name = name
        if descr:
            pic._element.nvPicPr.cNvPr.set("descr", descr)
        else:
            _decorative(pic)
        return pic

    # -- text --------------------------------------------------------------
    def text(self, frame: Any, paras: Sequence[Para], anchor: str = "t", wrap: bool = True,
             insets: tuple[float, float, float, float] = (0, 0, 0, 0)) -> None:
        from pptx.util import Pt

        frame.word_wrap = wrap
        body_pr = frame._txBody.bodyPr
        for side, inset in zip(("lIns", "tIns", "rIns", "bIns"), insets, strict=True):
            body_pr.set(side, str(_emu(inset)))
        body_pr.set("anchor", anchor)
        for old in body_pr.findall("a:*", NS):  # no autofit: the text is sized here
            body_pr.remove(old)
        if body_pr.getparent().getparent().find("p:nvSpPr/p:nvPr/p:ph", NS) is not None:
            from lxml import etree

            etree.SubElement(body_pr, qn("a:noAutofit"))  # explicitly, or a placeholder inherits autofit
        frame.clear()
        rtl = self.c.dir == "rtl"
        for index, para in enumerate(paras):
            p = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            if para.line:  # exact spacing, as measured; 0 keeps the font's own (centres digits in circles)
                p.line_spacing = Pt(para.line_pt)
            p.space_before = Pt(round(para.before, 1) if index else 0)
            p.space_after = Pt(0)
            p_pr = p._p.get_or_add_pPr()
            align = {"l": "r", "r": "l"}.get(para.align, para.align) if rtl else para.align
            p_pr.set("algn", align)
            if rtl:
                p_pr.set("rtl", "1")
            if para.list:
                self._marker(p_pr, para)
            lang = para.lang or self.c.lang
            for trun in para.runs:
                if trun.text == BREAK:
                    self._break(p, para)
                    continue
                # One run per script, so each carries its language (a Latin name in Arabic text: en-US).
                for piece in scripts.split_runs(trun.text, lang):
                    r = p.add_run()
                    r.text = _isolated(piece, lang) if rtl else piece
                    self._run_style(r._r.get_or_add_rPr(), para, replace(trun, text=piece), lang)
                    if trun.href:
                        r.hyperlink.address = trun.href

    def _break(self, p: Any, para: Para) -> None:
        br = p._p.add_br()
        self._run_style(br.get_or_add_rPr(), para, TRun(""), para.lang or self.c.lang)

    @staticmethod
    def _marker(p_pr: Any, para: Para) -> None:
        """A real PowerPoint bullet or automatic number, hanging left of the list text."""
        from lxml import etree

        p_pr.set("marL", str(_emu(design.FIXED["list_indent"] * MM)))
        # The marker starts where its right edge is MARKER_GAP short of the text, as CSS places it.
        marker_w = (0.35 if para.list == "bullet" else 0.9) * para.size
        p_pr.set("indent", str(-_emu(marker_w + MARKER_GAP * MM)))
        if para.list == "bullet":
            etree.SubElement(p_pr, qn("a:buFont"), typeface="Arial")
            etree.SubElement(p_pr, qn("a:buChar"), char="•")
            return
        etree.SubElement(p_pr, qn("a:buFont"), typeface="+mn-lt")
        etree.SubElement(p_pr, qn("a:buAutoNum"), type="arabicPeriod")

    def _run_style(self, r_pr: Any, para: Para, trun: TRun, lang: str) -> None:
        from lxml import etree

        r_pr.set("lang", scripts.run_lang(trun.text, lang))
        r_pr.set("sz", str(round(para.size * 100)))
        r_pr.set("b", "1" if para.bold or trun.bold else "0")
        # Arabic, Hebrew and CJK have no italics (a synthetic slant breaks them): emphasis keeps its weight only.
        if trun.italic and scripts.language_script(lang) == "Latn" and not _scripted(trun.text):
            r_pr.set("i", "1")
        if para.tracking:
            r_pr.set("spc", str(round(para.tracking * para.size * 100)))
        if trun.href or trun.link:
            r_pr.set("u", "sng")
        # Children in schema order: solidFill, latin, ea, cs, then hlinkClick (added by python-pptx).
        r_pr.append(_solid(LINK if trun.href or trun.link else para.color))
        major = "mj" if para.major else "mn"
        etree.SubElement(r_pr, qn("a:latin"), typeface=f"+{major}-lt")
        # East Asian and complex-script text: the theme's fonts, unless this text's script is not the one the
        # theme names for the document (Arabic on a Hebrew slide, a Japanese name on a Chinese one).
        han = scripts.han_script(self.c.lang)
        found = scripts.strong_scripts(trun.text, han)
        ea = "Jpan" if scripts.has_kana(trun.text) else next((s for s in ("Jpan", "Hans") if s in found), None)
        cs = next((s for s in scripts.COMPLEX if s in found), None)
        etree.SubElement(r_pr, qn("a:ea"), typeface=f"+{major}-ea" if ea in (None, han) else scripts.FONTS[ea][0])
        theme_cs = theme_scripts(self.c.lang)[1]
        etree.SubElement(r_pr, qn("a:cs"), typeface=f"+{major}-cs" if cs in (None, theme_cs) else scripts.FONTS[cs][0])


def qn(tag: str) -> str:
    """``a:tag`` → ``{namespace}tag``."""
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _solid(scheme: str | None = None, rgb: str | None = None, alpha: int | None = None) -> Any:
    """``<a:solidFill>`` with a theme colour (or, for non-brand colours, an RGB value)."""
    from lxml import etree

    fill = etree.Element(qn("a:solidFill"))
    colour = etree.SubElement(fill, qn("a:srgbClr"), val=rgb) if rgb else etree.SubElement(
        fill, qn("a:schemeClr"), val=scheme
    )
    if alpha is not None:
        etree.SubElement(colour, qn("a:alpha"), val=str(alpha))
    return fill


def _gradient(angle: float = 45.0) -> Any:
    """Primary → secondary; 45° runs top-left to bottom-right (CSS ``linear-gradient(135deg, …)``)."""
    from lxml import etree

    grad = etree.Element(qn("a:gradFill"), rotWithShape="1")
    stops = etree.SubElement(grad, qn("a:gsLst"))
    for pos, scheme in (("0", PRIMARY), ("100000", SECONDARY)):
        stop = etree.SubElement(stops, qn("a:gs"), pos=pos)
        etree.SubElement(stop, qn("a:schemeClr"), val=scheme)
    etree.SubElement(grad, qn("a:lin"), ang=str(round(angle * 60000)), scaled="0")
    return grad


def _unstyle(shape: Any) -> None:
    """Cut add_shape's link to the theme's shape styles (gradient fill, shadow, white text)."""
    style = shape._element.find("p:style", NS)
    if style is not None:
        shape._element.remove(style)


def _decorative(shape: Any) -> None:
    """Mark a shape decorative so screen readers skip it (python-pptx has no API for it)."""
    from lxml import etree

    c_nv_pr = shape._element.xpath("./*[1]/p:cNvPr")[0]
    ext_lst = c_nv_pr.find("a:extLst", NS)
    if ext_lst is None:
        ext_lst = etree.SubElement(c_nv_pr, qn("a:extLst"))
    ext = etree.SubElement(ext_lst, qn("a:ext"), uri=_DECORATIVE_EXT)
    etree.SubElement(ext, f"{{{_DECORATIVE_NS}}}decorative", nsmap={"adec": _DECORATIVE_NS}, val="1")


# ------------------------------------------------------------------ theme


def patch_theme(prs: Any, content: Content) -> None:
    """Brand colours and font into the master's theme (python-pptx has no theme API)."""
    from lxml import etree
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = prs.slide_master.part.part_related_by(RT.THEME)
    root = etree.fromstring(part.blob)
    name = clean(content.short_name)[:80]
    root.set("name", name)
    scheme = root.find("a:themeElements/a:clrScheme", NS)
    scheme.set("name", name)
    palette = design.colour_roles(content.colors)
    for slot, key in _SLOTS.items():
        el = scheme.find(f"a:{slot}", NS)
        for child in list(el):
            el.remove(child)
        etree.SubElement(el, qn("a:srgbClr"), val=palette[key].lstrip("#").upper())
    fonts = root.find("a:themeElements/a:fontScheme", NS)
    fonts.set("name", name)
    ea, cs = theme_scripts(content.lang)
    for which in ("a:majorFont", "a:minorFont"):
        scheme_fonts = fonts.find(which, NS)
        scheme_fonts.find("a:latin", NS).set("typeface", content.font.family)
        # The document's East Asian and complex-script fonts, and the Noto font of each script we set.
        scheme_fonts.find("a:ea", NS).set("typeface", scripts.FONTS[ea][0])
        scheme_fonts.find("a:cs", NS).set("typeface", scripts.FONTS[cs][0])
        for script, (family, _, _) in scripts.FONTS.items():
            entry = scheme_fonts.find(f"a:font[@script='{script}']", NS)
            if entry is None:
                entry = etree.SubElement(scheme_fonts, qn("a:font"), script=script)
            entry.set("typeface", family)
    fmt = root.find("a:themeElements/a:fmtScheme", NS)
    # Flat styles for shapes a user adds later: no gradients or shadows from the stock theme.
    for style in fmt.findall("a:effectStyleLst/a:effectStyle", NS):
        for child in list(style):
            style.remove(child)
        etree.SubElement(style, qn("a:effectLst"))
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def theme_scripts(lang: str) -> tuple[str, str]:
    """The scripts whose fonts the theme names as its East Asian and complex-script fonts, for a document in
    ``lang``: its own script where it is one of them, else Japanese and Arabic (what a user types first)."""
    own = scripts.language_script(lang)
    return scripts.han_script(lang), own if own in scripts.COMPLEX else "Arab"


_LRM = "\u200e"


def _scripted(text: str) -> bool:
    """Does ``text`` hold letters of Arabic, Hebrew or CJK?"""
    return any(scripts.char_script(c) in ("Arab", "Hebr", "Hani") for c in text)


def _isolated(piece: str, lang: str) -> str:
    """A piece of a right-to-left paragraph without its script's letters but with Latin letters or digits (a URL,
    a phone number, a Latin name) between left-to-right marks: the bidi algorithm then keeps it in reading order
    ("+971 4 000 0000" would otherwise show its groups reversed, a URL's final "/" on the wrong side)."""
    own = scripts.language_script(lang)
    if own in scripts.strong_scripts(piece, "Jpan") or not any(c.isalnum() for c in piece):
        return piece
    ink = piece.rstrip(" ")
    return _LRM + ink + _LRM + piece[len(ink):]


def _slack(box: Box, align: str, rtl: bool) -> Box:
    """``box`` widened by BOX_SLACK on the side(s) its text runs towards."""
    extra = box.w * BOX_SLACK
    if align == "ctr":
        return replace(box, x=box.x - extra / 2, w=box.w + extra)
    if (align == "r") != rtl:  # text set against the right edge grows to the left
        return replace(box, x=box.x - extra, w=box.w + extra)
    return replace(box, w=box.w + extra)


# ------------------------------------------------------------------ pictures


def logo_png(context: RenderContext) -> tuple[bytes | None, float | None]:
    """The logo as PNG/JPEG bytes (SVG rasterised) and its aspect ratio (design.image_size)."""
    logo = context.content.logo
    if logo is None:
        return None, None
    data = context.asset(logo.path)
    w, h = design.image_size(data, logo.kind)
    if logo.kind == "svg":
        from visitkit.render.raster import svg_to_png

        return svg_to_png(data, 800 if w >= h else max(1, round(800 * w / h))), w / h
    return data, w / h


def icon_png(context: RenderContext) -> bytes:
    """The org's line icon (``Content.icon``), stroked in the on-primary colour, as a transparent PNG."""
    from lxml import etree

    from visitkit.render.raster import svg_to_png

    svg = context.asset(f"templates/icons/{context.content.icon}.svg")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(svg, parser)
    colour = context.content.colors.on_primary
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("stroke") not in (None, "none"):
            el.set("stroke", colour)
    return svg_to_png(etree.tostring(root), 320)
