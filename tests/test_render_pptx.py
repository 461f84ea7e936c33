"""The editable PowerPoint infographic, checked by re-opening the real bytes with python-pptx.

Extra profiles are built in tmp_path from a copy of org_profiles/sample.yaml and its folder.
Text fit is re-measured here, independently of the renderer's own measuring code: every line
the slide writes (its ``<a:br/>`` breaks), wrapped greedily at whitespace if it were too wide,
shaped with HarfBuzz in the real font files, and again in DejaVu Sans and Liberation Sans (what
LibreOffice and PowerPoint set when the brand font is missing).
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree
from PIL import Image
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from tests.conftest import ROOT, make_content, make_context
from visitkit import colors, outputs
from visitkit.content import Content
from visitkit.render import RenderContext, design, qr, renderer_inputs
from visitkit.render import pptx as renderer
from visitkit.render.raster import svg_to_png

MODULE = "visitkit.render.pptx"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
NS = {"a": A[1:-1], "p": "http://schemas.openxmlformats.org/presentationml/2006/main"}
DECORATIVE = "http://schemas.microsoft.com/office/drawing/2017/decorative"
SYSTEM_FONTS = Path("/usr/share/fonts/truetype")
SUBSTITUTES = {  # font → (regular, bold) under SYSTEM_FONTS
    "dejavu": ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSans-Bold.ttf"),
    "liberation": ("liberation/LiberationSans-Regular.ttf", "liberation/LiberationSans-Bold.ttf"),
}
LONG_NAME = "Servicios Financieros Integrales del Noroeste de Andalucía S.C.A."
HOSTILE = '<script>alert("x")</script> & "quoted" \'single\''


# ------------------------------------------------------------------ helpers


def profile_copy(tmp_path: Path, org: str, edit: dict[str, Any]) -> Path:
    """org_profiles/sample.yaml and its folder copied as ``org``, with top-level/brand keys replaced."""
    folder = tmp_path / "org_profiles"
    folder.mkdir(exist_ok=True)
    data = yaml.safe_load((ROOT / "org_profiles" / "sample.yaml").read_text(encoding="utf-8"))
    shutil.copytree(ROOT / "org_profiles" / "sample", folder / org)
    data["brand"]["logo"] = f"{org}/logo.png"
    for key, value in edit.items():
        if key.startswith("brand."):
            if value is None:
                data["brand"].pop(key[6:], None)
            else:
                data["brand"][key[6:]] = value
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    (folder / f"{org}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def context_for(content: Content, profiles: Path | None = None, **options: Any) -> RenderContext:
    """The context the pipeline would give the renderer; org files come from ``profiles``."""
    if profiles is None:
        return make_context(MODULE, content, **options)
    logo = content.logo.path if content.logo else None
    assets = {}
    for name in renderer_inputs(renderer, content.vertical, logo, [content.font.regular, content.font.bold]):
        if name.startswith("org_profiles/"):
            assets[name] = (profiles / name.removeprefix("org_profiles/")).read_bytes()
        else:
            assets[name] = (ROOT / name).read_bytes()
    return RenderContext(content=content, assets=assets, options=options)


def build(tmp_path: Path, org: str, edit: dict[str, Any], locale: str | None = None) -> tuple[Content, bytes]:
    profiles = profile_copy(tmp_path, org, edit)
    content = make_content(org, locale, profiles_dir=profiles)
    return content, renderer.render(context_for(content, profiles))


def shapes(data: bytes) -> list[Any]:
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 1
    return list(prs.slides[0].shapes)


def all_text(data: bytes) -> str:
    texts = [shape.text_frame.text for shape in shapes(data) if shape.has_text_frame]
    # Line breaks (<a:br/>) read back as \v; a space before a break is kept, so a break adds none.
    return re.sub(r"\s+", " ", " ".join(texts).replace("\v", ""))


def links(data: bytes) -> set[str]:
    found = set()
    for shape in shapes(data):
        if shape.click_action.hyperlink.address:
            found.add(shape.click_action.hyperlink.address)
        if shape.has_text_frame:
            for paragraph in shape.text_frame.paragraphs:
                for run in paragraph.runs:
                    if run.hyperlink.address:
                        found.add(run.hyperlink.address)
    return found


def theme(data: bytes) -> etree._Element:
    prs = Presentation(io.BytesIO(data))
    return etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)


class Measure:
    """Greedy word wrap with HarfBuzz on real font files (an independent re-implementation)."""

    def __init__(self, regular: bytes, bold: bytes):
        import uharfbuzz as hb

        self.hb = hb
        self.fonts = {flag: hb.Font(hb.Face(data)) for flag, data in ((False, regular), (True, bold))}

    def width(self, text: str, bold: bool, size: float) -> float:
        font = self.fonts[bold]
        buffer = self.hb.Buffer()
        buffer.add_str(text)
        buffer.guess_segment_properties()
        self.hb.shape(font, buffer, {})
        return sum(p.x_advance for p in buffer.glyph_positions) * size / font.face.upem

    def lines(self, pieces: list[tuple[str, bool, float]], width: float) -> int:
        """``pieces``: (text, bold, size) runs; "\\n" is a line break. Breaks only at whitespace."""
        words: list[dict[str, Any]] = []
        new_word, forced = True, False
        for text, bold, size in pieces:
            if text == "\n":
                new_word, forced = True, True
                continue
            for token in re.findall(r"\S+|\s+", text):
                if token.isspace():
                    if words:
                        words[-1]["space"] += self.width(token, bold, size)
                    new_word = True
                    continue
                if new_word:
                    words.append({"chars": [], "space": 0.0, "forced": forced})
                    new_word, forced = False, False
                words[-1]["chars"] += [self.width(char, bold, size) for char in token]
        count, used, pending = 0, 0.0, 0.0
        for word in words:
            w = sum(word["chars"])
            if count and not word["forced"] and used + pending + w <= width:
                used += pending + w
            elif w <= width:
                count, used = count + 1, w
            else:  # an over-long word breaks between characters
                count, used = count + 1, 0.0
                for char in word["chars"]:
                    if used and used + char > width:
                        count, used = count + 1, 0.0
                    used += char
            pending = word["space"]
        return max(count, 1)


def measure_for(content: Content, assets: dict[str, bytes], font: str = "brand") -> Measure:
    if font == "brand":
        return Measure(assets[content.font.regular], assets[content.font.bold])
    regular, bold = SUBSTITUTES[font]
    if not (SYSTEM_FONTS / regular).is_file():
        pytest.skip(f"{SYSTEM_FONTS / regular} is not installed (Debian: fonts-dejavu-core, fonts-liberation)")
    return Measure((SYSTEM_FONTS / regular).read_bytes(), (SYSTEM_FONTS / bold).read_bytes())


def overflows(data: bytes, content: Content, assets: dict[str, bytes], font: str = "brand") -> list[str]:
    """Every text box whose wrapped text is taller than the box (insets excluded), set in ``font``."""
    measure = measure_for(content, assets, font)
    problems = []
    for shape in shapes(data):
        if not shape.has_text_frame or not shape.text_frame.text.strip():
            continue
        body = shape.text_frame._txBody.bodyPr
        insets = {side: Emu(int(body.get(side, "91440"))).pt for side in ("lIns", "tIns", "rIns", "bIns")}
        box_w = Emu(shape.width).pt - insets["lIns"] - insets["rIns"]
        box_h = Emu(shape.height).pt - insets["tIns"] - insets["bIns"]
        total = 0.0
        for index, p in enumerate(shape.text_frame._txBody.findall("a:p", NS)):
            pieces = []
            for child in p:
                if child.tag in (A + "r", A + "br"):
                    r_pr = child.find("a:rPr", NS)
                    size = int(r_pr.get("sz")) / 100
                    text = child.findtext("a:t", "", NS) if child.tag == A + "r" else "\n"
                    pieces.append((text, r_pr.get("b") == "1", size))
            if not pieces:
                continue
            p_pr = p.find("a:pPr", NS)
            exact = p_pr.find("a:lnSpc/a:spcPts", NS)
            # Without exact spacing a line is the font's height (about 1.21 em for Inter): count 1.25.
            line = int(exact.get("val")) / 100 if exact is not None else 1.25 * max(size for _, _, size in pieces)
            before = int(p_pr.find("a:spcBef/a:spcPts", NS).get("val")) / 100 if index else 0.0
            indent = Emu(int(p_pr.get("marL", "0"))).pt
            count = 1 if shape.text_frame.word_wrap is False else measure.lines(pieces, box_w - indent)
            total += before + count * line
        if total > box_h + 0.5:
            problems.append(f"{shape.name}: {total:.1f} pt of text in {box_h:.1f} pt")
    return problems


# ------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def sample() -> tuple[Content, bytes]:
    content = make_content("sample")
    return content, renderer.render(make_context(MODULE, content))


@pytest.fixture(scope="module")
def long_spanish(tmp_path_factory) -> tuple[Content, bytes, dict[str, bytes]]:
    tmp = tmp_path_factory.mktemp("long")
    profiles = profile_copy(
        tmp,
        "noroeste",
        {
            "name": LONG_NAME,
            "short_name": "Servicios Financieros del Noroeste",
            "vertical": "financial",
            "locales": ["es"],
            "brand.logo_alt": LONG_NAME,
            "extra_info": (
                "Tenga a mano su documento de identidad y la tarjeta de la cuenta. Si necesita un intérprete o "
                "cualquier otra ayuda para la videollamada, díganoslo al reservar y lo organizaremos con antelación."
            ),
        },
    )
    content = make_content("noroeste", "es", profiles_dir=profiles)
    context = context_for(content, profiles)
    return content, renderer.render(context), dict(context.assets)


# ------------------------------------------------------------------ tests


def test_module_contract():
    assert outputs.file_name(renderer.__name__) == "infographic.pptx"
    # The org's icon, and the Noto fonts that measure Arabic, Hebrew and CJK text (slide/scripts.py).
    assert renderer.TEMPLATES[0].startswith("templates/icons/")
    assert sorted(renderer.TEMPLATES[1:]) == sorted(f"templates/fonts/scripts/{f.name}"
                                                    for f in (ROOT / "templates/fonts/scripts").glob("*.[ot]tf"))


@pytest.mark.parametrize(("page_size", "width_mm", "height_mm"), [("a4", 210, 297), ("letter", 215.9, 279.4)])
def test_one_slide_of_the_page_size(tmp_path, page_size, width_mm, height_mm):
    _, data = build(tmp_path, "paper", {"page_size": page_size})
    prs = Presentation(io.BytesIO(data))
    assert len(prs.slides) == 1
    assert prs.slide_width.mm == pytest.approx(width_mm, abs=0.01)
    assert prs.slide_height.mm == pytest.approx(height_mm, abs=0.01)
    # Every shape lies on the slide.
    for shape in prs.slides[0].shapes:
        assert shape.left >= 0 and shape.top >= 0, shape.name
        assert shape.left + shape.width <= prs.slide_width + 1, shape.name
        assert shape.top + shape.height <= prs.slide_height + 1, shape.name


def test_texts_are_editable_text(sample):
    content, data = sample
    text = all_text(data)
    info = content.infographic
    assert info.title in text
    assert info.subtitle in text
    assert info.steps_heading in text
    assert 5 <= len(info.steps) <= 6
    for step in info.steps:
        assert step.title in text
    for cta in info.ctas:
        assert cta.label in text
    assert content.name in text
    assert "Have your insurance card" in text  # extra info
    assert content.phone in text and content.email in text
    # Real text boxes and shapes: the only pictures are the logo and the icon.
    pictures = [s.name for s in shapes(data) if s.shape_type == 13]
    assert sorted(pictures) == ["Icon", "Logo"]


def test_links(sample):
    content, data = sample
    found = links(data)
    for cta in ("booking", "billing", "homepage"):
        assert content.links[cta] in found
    assert content.links["join_help"] in found
    assert f"mailto:{content.email}" in found
    # Buttons carry the link on the shape, so their labels keep the on-primary colour.
    buttons = {s.name: s for s in shapes(data) if s.name.startswith("Button: ")}
    assert buttons["Button: booking"].click_action.hyperlink.address == content.links["booking"]
    for button in buttons.values():
        assert all(not run.hyperlink.address for p in button.text_frame.paragraphs for run in p.runs)


def test_theme_carries_the_brand(sample):
    content, data = sample
    root = theme(data)
    scheme = root.find("a:themeElements/a:clrScheme", NS)

    def slot(name: str) -> str:
        return scheme.find(f"a:{name}/a:srgbClr", NS).get("val")

    palette = content.colors
    assert slot("accent1") == palette.primary.lstrip("#")
    assert slot("accent2") == palette.secondary.lstrip("#")
    assert slot("dk1") == palette.text.lstrip("#")
    assert slot("lt1") == palette.background.lstrip("#")
    assert slot("hlink") == slot("folHlink") == palette.accent.lstrip("#")  # green reads on the tinted panel
    fonts = root.find("a:themeElements/a:fontScheme", NS)
    assert fonts.find("a:majorFont/a:latin", NS).get("typeface") == content.font.family
    assert fonts.find("a:minorFont/a:latin", NS).get("typeface") == content.font.family
    assert root.get("name") == content.short_name

    # Shapes refer to the theme: the header gradient runs accent1 → accent2 and no brand colour is hard-coded.
    slide_xml = zipfile.ZipFile(io.BytesIO(data)).read("ppt/slides/slide1.xml").decode()
    assert '<a:schemeClr val="accent1"/></a:gs>' in slide_xml
    assert '<a:schemeClr val="accent2"/></a:gs>' in slide_xml
    for colour in (palette.primary, palette.secondary, palette.button, palette.accent, palette.text):
        assert f'srgbClr val="{colour.lstrip("#")}"' not in slide_xml


def test_shapes_do_not_inherit_theme_styles(sample):
    _, data = sample
    for shape in shapes(data):
        if shape.shape_type in (1, 5):  # autoshapes and freeforms
            assert shape._element.find("p:style", NS) is None, shape.name
            assert shape._element.spPr.find("a:effectLst", NS) is not None, shape.name
        if shape.has_text_frame and shape.text_frame.text.strip():
            assert shape.text_frame.word_wrap is not None, shape.name


def test_logo_alt_and_decorative_icon(sample):
    content, data = sample
    pictures = {s.name: s for s in shapes(data) if s.shape_type == 13}
    assert pictures["Logo"]._element.nvPicPr.cNvPr.get("descr") == content.logo.alt
    icon = pictures["Icon"]._element.nvPicPr.cNvPr
    assert icon.find(f".//{{{DECORATIVE}}}decorative").get("val") == "1"
    # The icon is a transparent PNG.
    image = Image.open(io.BytesIO(pictures["Icon"].image.blob))
    assert image.mode == "RGBA" and image.getpixel((0, 0))[3] == 0


def test_long_spanish_name_fits(long_spanish):
    content, data, assets = long_spanish
    assert content.locale == "es" and content.name == LONG_NAME
    text = all_text(data)
    assert LONG_NAME in text
    assert content.infographic.title in text
    assert overflows(data, content, assets) == []


@pytest.mark.parametrize("font", ["brand", "dejavu", "liberation"])
def test_sample_fits(sample, font):
    content, data = sample
    assets = dict(make_context(MODULE, content).assets)
    assert overflows(data, content, assets, font) == []


def test_overflow_check_can_fail(long_spanish):
    """The re-measuring catches a box made too small (so the fit tests mean something)."""
    content, data, assets = long_spanish
    prs = Presentation(io.BytesIO(data))
    title = next(s for s in prs.slides[0].shapes if s.name == "Title")
    title.width = Emu(title.width // 3)
    out = io.BytesIO()
    prs.save(out)
    assert any(problem.startswith("Title") for problem in overflows(out.getvalue(), content, assets))


def test_long_title_and_subtitle_shrink_to_fit(sample):
    content, _ = sample
    info = content.infographic.model_copy(
        update={
            "title": "Únase a su videoconsulta de asesoramiento financiero personalizado "
            "Supercalifragilisticoespialidosamente",
            "subtitle": "Hable cara a cara con su asesor, desde casa o desde el trabajo, " * 4,
        }
    )
    long = content.model_copy(update={"infographic": info})
    context = make_context(MODULE, long)
    data = renderer.render(context)
    assert overflows(data, long, dict(context.assets)) == []
    title = next(s for s in shapes(data) if s.name == "Title")
    sizes = {r.font.size.pt for p in title.text_frame.paragraphs for r in p.runs}
    assert max(sizes) < design.DENSITIES[0]["t_s"]  # shrunk below the smallest title class
    assert re.sub(r"\s+", " ", title.text_frame.text.replace("\v", "")) == info.title


def test_very_long_extra_info_is_cut_to_fit(tmp_path):
    long_text = "\n\n".join(["Bring your card and a list of questions."] * 94)  # near the 4000-character limit
    profiles = profile_copy(tmp_path, "wordy", {"extra_info": long_text})
    content = make_content("wordy", profiles_dir=profiles)
    context = context_for(content, profiles)
    data = renderer.render(context)
    assert overflows(data, content, dict(context.assets)) == []
    extra = next(s for s in shapes(data) if s.name == "Extra information")
    paragraphs = extra.text_frame.text.replace("\v", "").split("\n")
    assert paragraphs[0] == "Bring your card and a list of questions."
    assert 5 < len(paragraphs) < 94
    assert paragraphs[-1].endswith(design.ELLIPSIS)


def test_lists_are_real_bullets_and_numbers(tmp_path):
    extra = "Before your visit:\n\n- have your **card** ready\n- write down *questions*\n\n1. first\n2. second"
    profiles = profile_copy(tmp_path, "lists", {"extra_info": extra})
    content = make_content("lists", profiles_dir=profiles)
    context = context_for(content, profiles)
    data = renderer.render(context)
    box = next(s for s in shapes(data) if s.name == "Extra information")
    p_prs = [p._p.find("a:pPr", NS) for p in box.text_frame.paragraphs]
    assert [p.text for p in box.text_frame.paragraphs] == [
        "Before your visit:", "have your card ready", "write down questions", "first", "second"
    ]
    assert p_prs[0].find("a:buChar", NS) is None
    assert [p.find("a:buChar", NS).get("char") for p in p_prs[1:3]] == ["•", "•"]
    assert [p.find("a:buAutoNum", NS).get("type") for p in p_prs[3:]] == ["arabicPeriod"] * 2
    bold = [r.text for r in box.text_frame.paragraphs[1].runs if r.font.bold]
    assert bold == ["card"]
    assert overflows(data, content, dict(context.assets)) == []


def test_hostile_text_stays_literal(tmp_path):
    name = HOSTILE + " " + "x" * 200  # and an endless word: it must break, not overflow
    profiles = profile_copy(
        tmp_path,
        "hostile",
        {"name": name, "short_name": '<b>&"x', "brand.logo_alt": HOSTILE, "extra_info": "Bring <script>&\"x\""},
    )
    content = make_content("hostile", profiles_dir=profiles)
    context = context_for(content, profiles)
    data = renderer.render(context)
    assert overflows(data, content, dict(context.assets)) == []
    text = all_text(data)
    assert name in text
    assert 'Bring <script>&"x"' in text
    pictures = {s.name: s for s in shapes(data) if s.shape_type == 13}
    assert pictures["Logo"]._element.nvPicPr.cNvPr.get("descr") == HOSTILE
    assert Presentation(io.BytesIO(data)).core_properties.author == name
    assert theme(data).get("name") == '<b>&"x'
    # Escaped in the XML, never markup.
    slide_xml = zipfile.ZipFile(io.BytesIO(data)).read("ppt/slides/slide1.xml")
    assert b"<script>" not in slide_xml and b"&lt;script&gt;" in slide_xml


def test_minimal_profile_without_logo_contact_or_billing(tmp_path):
    folder = tmp_path / "org_profiles"
    folder.mkdir()
    (folder / "bare.yaml").write_text(
        "name: Bare Clinic\nvertical: healthcare\nbrand:\n  primary: '#7A1FA2'\n"
        "links:\n  booking: https://bare.example/book\n",
        encoding="utf-8",
    )
    content = make_content("bare", profiles_dir=folder)
    context = context_for(content, folder)
    data = renderer.render(context)
    names = [s.name for s in shapes(data)]
    assert "Logo" not in names and "Organisation" in names
    assert [n for n in names if n.startswith("Button: ")] == ["Button: booking"]
    assert "Contact" not in names
    assert "https://bare.example/book" in links(data)
    assert "Bare Clinic" in all_text(data)
    assert overflows(data, content, dict(context.assets)) == []


def test_yellow_brand_uses_dark_header_text_and_readable_links(tmp_path):
    content, data = build(tmp_path, "sunny", {"brand.primary": "#FFD500", "brand.secondary": None})
    assert content.colors.on_primary != "#FFFFFF"
    # The adjusted accent is under 4.5:1 on the tinted panel, so links use the text colour.
    hlink = theme(data).find("a:themeElements/a:clrScheme/a:hlink/a:srgbClr", NS).get("val")
    assert colors.contrast(content.colors.accent, content.colors.tint) < 4.5
    assert hlink == content.colors.text.lstrip("#")
    assert colors.contrast("#" + hlink, content.colors.tint) >= 4.5
    title = next(s for s in shapes(data) if s.name == "Title")
    run = title.text_frame.paragraphs[0].runs[0]
    assert run.font.color.theme_color is not None  # a theme colour, resolved to on_primary
    root = theme(data)
    assert root.find("a:themeElements/a:clrScheme/a:accent5/a:srgbClr", NS).get("val") == content.colors.on_primary[1:]


def test_reproducible_bytes(sample):
    content, data = sample
    again = renderer.render(make_context(MODULE, content))
    assert again == data
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert archive.namelist()[0] == "[Content_Types].xml"
    assert "docProps/thumbnail.jpeg" not in archive.namelist()
    props = Presentation(io.BytesIO(data)).core_properties
    assert props.author == content.name
    assert props.title == content.infographic.title
    assert props.revision == 1
    assert props.created.year == 2000 and props.modified == props.created


def test_date_option_sets_document_dates(sample):
    content, _ = sample
    data = renderer.render(make_context(MODULE, content, date="2026-03-01"))
    props = Presentation(io.BytesIO(data)).core_properties
    assert (props.created.year, props.created.month, props.created.day) == (2026, 3, 1)


def test_headline_is_the_slide_title_placeholder(sample):
    """PowerPoint's accessibility checker needs a title placeholder: the headline is it, drawn as before."""
    from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

    from visitkit.render.slide import draw, layout, text

    content, data = sample
    slide = Presentation(io.BytesIO(data)).slides[0]
    title = slide.shapes.title
    assert title is not None and title.name == "Title"
    assert title.is_placeholder and title.shape_type == MSO_SHAPE_TYPE.PLACEHOLDER
    assert title.placeholder_format.type == PP_PLACEHOLDER.TITLE
    assert [s.name for s in slide.placeholders] == ["Title"]  # no empty date/footer/number placeholders
    assert re.sub(r"\s+", " ", title.text_frame.text.replace("\v", "")) == content.infographic.title
    assert slide.slide_layout.name == "Title Only"

    # Where the headline text box was: the designer's title box, widened by BOX_SLACK as every text box.
    context = make_context(MODULE, content)
    fonts = text.fonts_for(context.asset(content.font.regular), context.asset(content.font.bold))
    _, ratio = draw.logo_png(context)
    item = next(i for i in layout.Designer(content, fonts, ratio).layout() if i.name == "Title")
    box = draw._slack(item.box, item.paras[0].align, content.dir == "rtl")
    emu = layout.EMU_PER_PT
    assert (title.left, title.top, title.width, title.height) == (
        round(box.x * emu), round(box.y * emu), round(box.w * emu), round(box.h * emu)
    )
    # Drawn over the header (same z-order as the text box), styled like it: no fill, no autofit
    # inherited from the master, zero insets, wrapping, explicit font size, bold and theme colour.
    names = [s.name for s in slide.shapes]
    assert names.index("Header") < names.index("Title") < names.index("Subtitle")
    body = title.text_frame._txBody.bodyPr
    assert body.find("a:noAutofit", NS) is not None and body.find("a:normAutofit", NS) is None
    assert title.text_frame.word_wrap is True
    assert {body.get(side) for side in ("lIns", "tIns", "rIns", "bIns")} == {"0"}
    assert title._element.spPr.find("a:noFill", NS) is not None
    runs = [r for p in title.text_frame.paragraphs for r in p.runs]
    assert runs and all(r.font.size.pt == item.paras[0].size and r.font.bold for r in runs)
    assert {r.font.color.theme_color for r in runs} == {runs[0].font.color.theme_color}
    assert overflows(data, content, dict(context.assets)) == []


def test_core_properties_title_language_and_source_date_epoch(tmp_path, monkeypatch):
    """Through the build's render action: SOURCE_DATE_EPOCH (2026-01-01 in conftest) dates the file."""
    import datetime as dt

    from visitkit import build
    from visitkit.content import dump_content

    content = make_content("sample")
    path = tmp_path / "content.json"
    path.write_bytes(dump_content(content))
    logo = content.logo.path if content.logo else None
    inputs = renderer_inputs(renderer, content.vertical, logo, [content.font.regular, content.font.bold])
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z, as conftest sets
    target = tmp_path / "infographic.pptx"
    assert build.render(MODULE, str(path), list(inputs), str(target), {}) is None
    props = Presentation(io.BytesIO(target.read_bytes())).core_properties
    assert props.created.replace(tzinfo=None) == dt.datetime(2026, 1, 1)
    assert props.modified == props.created
    assert props.title == content.infographic.title
    assert props.language == content.lang
    # Without SOURCE_DATE_EPOCH (no ``date`` option) the date is fixed, never the clock.
    plain = Presentation(io.BytesIO(renderer.render(make_context(MODULE, content)))).core_properties
    assert plain.created.replace(tzinfo=None) == dt.datetime(2000, 1, 1)


def test_svg_to_png_is_deterministic_and_transparent():
    svg = (ROOT / "templates/icons/healthcare.svg").read_bytes()
    png = svg_to_png(svg, 128)
    from visitkit.render import raster

    raster._svg_to_png.cache_clear()
    assert svg_to_png(svg, 128) == png
    image = Image.open(io.BytesIO(png))
    assert image.size == (128, 128) and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0  # transparent background
    assert image.getchannel("A").getextrema()[1] == 255  # the strokes are drawn
    wide = Image.open(io.BytesIO(svg_to_png(b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"/>', 200)))
    assert wide.size == (200, 50)


# ------------------------------------------------------------------ awkward profiles: fit, overlap, QR code

WORD60 = "Videosprechstundenverbindungsqualitätsüberprüfungsassistenten"[:60]
NAME80 = "Northern Riverside Community Family Health and Wellbeing Cooperative Centres Ltd"
IDN_BOOKING = "https://terminbuchung.zahnärzte-münchen.example/online-termin/videosprechstunde?praxis=schwabing"
LONG_EMAIL = "virtual.appointments-team@northern-riverside-community-health-centres.example"
AWKWARD = {
    "name": NAME80,
    "short_name": None,
    "brand.logo_alt": NAME80,
    "links": {
        "booking": IDN_BOOKING,
        "billing": "https://northern-riverside-community-health-centres.example/patients/billing-and-payments/online",
        "homepage": "https://www.northern-riverside-community-health-centres.example/en/home",
    },
    "contact": {"phone": "+1 555 010 2000", "email": LONG_EMAIL},
    "policies": {key: f"Please see the {WORD60} page and the {WORD60} form." for key in (
        "service_differences", "fee_differences", "staff_availability", "cancellation_differences", "equipment")},
    "extra_info": f"Have your {WORD60} ready, and the {WORD60} too. Call us if the {WORD60} is missing.",
}


@pytest.fixture(scope="module", params=["logo-en", "wordmark-es-letter"])
def awkward(request, tmp_path_factory) -> tuple[Content, bytes, dict[str, bytes]]:
    edit = dict(AWKWARD)
    locale = "en"
    if request.param == "wordmark-es-letter":
        edit.update({"brand.logo": None, "brand.logo_alt": None, "locales": ["es"], "page_size": "letter"})
        locale = "es"
    tmp = tmp_path_factory.mktemp(request.param)
    profiles = profile_copy(tmp, "awkward", edit)
    if request.param == "wordmark-es-letter":  # profile_copy points the logo at the copied folder: take it out
        data = yaml.safe_load((profiles / "awkward.yaml").read_text(encoding="utf-8"))
        data["brand"].pop("logo", None)
        (profiles / "awkward.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    content = make_content("awkward", locale, profiles_dir=profiles)
    context = context_for(content, profiles)
    return content, renderer.render(context), dict(context.assets)


def box_of(shape: Any) -> tuple[float, float, float, float]:
    return Emu(shape.left).pt, Emu(shape.top).pt, Emu(shape.left + shape.width).pt, Emu(shape.top + shape.height).pt


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area (pt²) two boxes share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


BACKGROUNDS = re.compile(
    r"^(Header|Header shade \d|Panel|Note|Note edge|Footer band|Logo plate|QR card|QR code background)$"
)


@pytest.mark.parametrize("font", ["brand", "dejavu", "liberation"])
def test_awkward_profiles_fit_in_every_font(awkward, font):
    content, data, assets = awkward
    assert len(content.name) == 80
    assert overflows(data, content, assets, font) == []


def test_awkward_profiles_shapes_do_not_overlap(awkward):
    """Texts, buttons, numbers, rules, pictures and the QR code each have their own place on the slide."""
    content, data, _ = awkward
    prs = Presentation(io.BytesIO(data))
    page = (0.0, 0.0, Emu(prs.slide_width).pt, Emu(prs.slide_height).pt)
    placed = [s for s in prs.slides[0].shapes if not BACKGROUNDS.match(s.name)]
    assert {"Title", "QR code", "QR caption", "Button: booking", "Contact", "Footer rule"} <= {s.name for s in placed}
    for shape in prs.slides[0].shapes:
        box = box_of(shape)
        assert page[0] - 0.01 <= box[0] and box[2] <= page[2] + 0.01, shape.name
        assert page[1] - 0.01 <= box[1] and box[3] <= page[3] + 0.01, shape.name
    for index, a in enumerate(placed):
        for b in placed[index + 1:]:
            assert overlap(box_of(a), box_of(b)) < 0.5, (a.name, b.name)
    # Texts in the panel, the note or the footer stay inside it.
    by_name = {s.name: box_of(s) for s in prs.slides[0].shapes}
    for name in ("QR card", "QR code", "QR caption", "Help", "Contact", "Button: booking"):
        inner = by_name[name]
        outer = by_name["Panel"]
        assert outer[0] <= inner[0] and inner[2] <= outer[2] and outer[1] <= inner[1] and inner[3] <= outer[3], name
    # The code, its caption and (a long one under them) its URL on the white card, as in the PDF.
    card = by_name["QR card"]
    for name in ("QR code", "QR caption", "Booking URL"):
        if name in by_name:
            inner = by_name[name]
            assert card[0] <= inner[0] + 0.01 and inner[2] <= card[2] + 0.01, name
            assert card[1] <= inner[1] + 0.01 and inner[3] <= card[3] + 0.01, name
    assert ("Booking URL" in by_name) == (len(qr.readable_url(IDN_BOOKING)) > design.URL_BESIDE_QR)


def test_awkward_urls_are_printed_whole_and_break_only_at_their_points(awkward):
    from visitkit.render import qr

    content, data, _ = awkward
    text = all_text(data)
    for url in (IDN_BOOKING, AWKWARD["links"]["billing"], AWKWARD["links"]["homepage"]):
        assert qr.readable_url(url) in text  # whole: no ellipsis anywhere in a URL
    assert "terminbuchung.zahnärzte-münchen.example/online-termin" in text  # the IDN host in Unicode
    assert LONG_EMAIL in text and NAME80 in text
    # Where a printed URL or address is broken across lines, the line ends in one of its break characters.
    for shape in shapes(data):
        if not shape.has_text_frame:
            continue
        for paragraph in shape.text_frame.text.split("\n"):
            pieces = paragraph.split("\v")
            for before, after in zip(pieces, pieces[1:], strict=False):
                if before.endswith(" ") or not before:
                    continue
                tail = before.split(" ")[-1]
                if "@" in tail or "." in tail[:-1] or "/" in tail:  # inside an address
                    assert tail[-1] in "@./-?&#", (shape.name, before, after)


def modules_of(shape: Any) -> tuple[set[tuple[int, int]], int, int]:
    """The dark modules a freeform QR shape draws: its rectangles' cells, and the path's w, h."""
    path = shape._element.find(".//a:custGeom/a:pathLst/a:path", NS)
    cells: set[tuple[int, int]] = set()
    points: list[tuple[int, int]] = []
    for child in path:
        local = etree.QName(child).localname
        if local in ("moveTo", "lnTo"):
            pt = child.find("a:pt", NS)
            points.append((int(pt.get("x")), int(pt.get("y"))))
        elif local == "close":
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            assert len(points) == 4 and max(ys) - min(ys) == 1  # one horizontal run of modules
            cells |= {(min(ys), x) for x in range(min(xs), max(xs))}
            points = []
    return cells, int(path.get("w")), int(path.get("h"))


def test_qr_code_is_vector_dark_on_light_with_quiet_zone(awkward):
    from visitkit.render import qr

    content, data, _ = awkward
    by_name = {s.name: s for s in shapes(data)}
    code, square = by_name["QR code"], by_name["QR code background"]
    cells, w, h = modules_of(code)
    matrix = qr.matrix(IDN_BOOKING)
    assert w == h == len(matrix)
    assert cells == {(y, x) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark}
    # Black modules on a white square, a quiet zone of 4 modules all round, and a name for screen readers.
    assert code._element.spPr.find("a:solidFill/a:srgbClr", NS).get("val") == "000000"
    assert square._element.spPr.find("a:solidFill/a:srgbClr", NS).get("val") == "FFFFFF"
    module = code.width / len(matrix)
    for outer, inner in ((square.left, code.left), (square.top, code.top)):
        assert inner - outer == pytest.approx(qr.QUIET_ZONE * module, abs=2)
    assert square.width == pytest.approx(code.width + 2 * qr.QUIET_ZONE * module, abs=4)
    descr = code._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert descr == f"{content.infographic.scan}: {qr.readable_url(IDN_BOOKING)}"
    assert code.click_action.hyperlink.address is None or code.click_action.hyperlink.address == IDN_BOOKING
    # 22 mm or more, so a phone reads it from a printed sheet.
    assert Emu(square.width).mm >= 21.9
