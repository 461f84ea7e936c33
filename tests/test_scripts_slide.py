"""Right-to-left and CJK scripts on the slide (issue 14): fonts named and measured, direction, line breaking, language.

The examples: waha-national-bank (Arabic, and its English slide with an Arabic name), sakura-dental-clinic
(Japanese), and the same profiles in Hebrew and Simplified Chinese. Each slide is re-opened as XML (python-pptx)
and its runs measured again with the Noto fonts (uharfbuzz); LibreOffice (where installed) sets the Arabic and
Japanese slides with the fonts in a temporary ``~/.fonts`` and every glyph must lie inside its shape.
"""

from __future__ import annotations

import io
import re
import unicodedata
from functools import cache

import pytest
import uharfbuzz as hb
from lxml import etree
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.util import Emu

from tests.conftest import ROOT, make_content, make_context
from visitkit.render import pptx as renderer
from visitkit.render.slide import scripts

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS = {"a": A}
RTL = [("waha-national-bank", "ar"), ("waha-national-bank", "he"), ("sample", "he")]
CJK = [("sakura-dental-clinic", "ja"), ("sakura-dental-clinic", "zh-Hans"), ("sample", "ja")]
# No line may start with these (kinsoku): closing brackets and quotes, CJK stops and commas, small kana, long vowel.
NO_START = set("、。，．・：；？！）」』】〕〉》”’ー々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ") | set(")]}.,;:!?%")
LRM = "\u200e"


@cache
def slide(org: str, locale: str) -> tuple[object, bytes]:
    content = make_content(org, locale)
    return content, renderer.render(make_context(renderer.__name__, content))


def shapes(data: bytes) -> list:
    return list(Presentation(io.BytesIO(data)).slides[0].shapes)


def text_paragraphs(shape) -> list:
    """The paragraphs of a shape that hold text."""
    if not shape.has_text_frame:
        return []
    return [p for p in shape.text_frame._txBody.findall("a:p", NS) if "".join(p.itertext()).strip()]


# ------------------------------------------------------------------ right to left


@pytest.mark.parametrize(("org", "locale"), RTL)
def test_rtl_paragraphs_are_right_to_left_and_right_aligned(org, locale):
    _, data = slide(org, locale)
    checked = 0
    for shape in shapes(data):
        for p in text_paragraphs(shape):
            p_pr = p.find("a:pPr", NS)
            assert p_pr is not None and p_pr.get("rtl") == "1", shape.name
            # Right-aligned, except centred labels and the homepage, which mirrors the PDF's right-aligned one.
            expected = {"Homepage": "l"}.get(shape.name, "r")
            assert p_pr.get("algn") in (expected, "ctr"), (shape.name, p_pr.get("algn"))
            if p_pr.get("algn") == "ctr":
                assert shape.name.startswith(("Button", "Step")), shape.name
            checked += 1
    assert checked > 20


@pytest.mark.parametrize(("org", "locale"), RTL)
def test_rtl_layout_is_mirrored(org, locale):
    _, data = slide(org, locale)
    prs = Presentation(io.BytesIO(data))
    half = prs.slide_width / 2
    boxes = {s.name: s for s in prs.slides[0].shapes}
    numbers = [s for name, s in boxes.items() if re.fullmatch(r"Step \d+ number", name)]
    assert len(numbers) >= 5
    for number in numbers:  # the numbers on the right, right of their text
        text = boxes[number.name.removesuffix(" number")]
        assert number.left > half and number.left > text.left + text.width - Emu(1)
    heading = boxes["Steps heading"]
    assert heading.left + heading.width / 2 > half
    assert boxes["Panel"].left + boxes["Panel"].width < half
    assert boxes["Icon"].left + boxes["Icon"].width < half
    logo = boxes.get("Logo") or boxes["Organisation"]
    assert logo.left > half


def test_latin_runs_in_arabic_read_left_to_right():
    """The phone number and e-mail address sit in runs of their own, marked English and held between
    left-to-right marks (so "+971 4 000 0000" keeps its groups in order); the Latin brand name is English."""
    content, data = slide("waha-national-bank", "ar")
    runs = [(r.findtext("a:t", namespaces=NS), r.find("a:rPr", NS).get("lang"))
            for s in shapes(data) for p in text_paragraphs(s) for r in p.findall("a:r", NS)]
    phone = [(t, lang) for t, lang in runs if "971" in t]
    assert phone and all(t.startswith(LRM) and t.rstrip().endswith(LRM) and lang == "en-US" for t, lang in phone)
    mail = [(t, lang) for t, lang in runs if "@" in t]
    assert mail and all(t.startswith(LRM) and lang == "en-US" for t, lang in mail)
    assert ("Waha", "en-US") in [(t.strip(LRM + " "), lang) for t, lang in runs]
    arabic = [lang for t, lang in runs if any(scripts.char_script(c) == "Arab" for c in t)]
    assert arabic and set(arabic) == {"ar-SA"}


# ------------------------------------------------------------------ CJK


@cache
def _hb_font(path: str) -> tuple[hb.Font, int]:
    face = hb.Face((ROOT / path).read_bytes())
    return hb.Font(face), face.upem


def measured_pt(text: str, bold: bool, size: float, han: str) -> float:
    """``text`` shaped piece by piece: CJK in its Noto font, anything else in the bundled Inter (independently
    of the renderer's measuring; DejaVu's floor and the substitute slack left out)."""
    total = 0.0
    for start, end, script in scripts.segments(text, han):
        if script in scripts.FONTS:
            path = scripts.FONTS[script][2 if bold else 1]
        else:
            path = f"templates/fonts/Inter-{'Bold' if bold else 'Regular'}.otf"
        font, upem = _hb_font(path)
        buffer = hb.Buffer()
        buffer.add_str(text[start:end])
        buffer.guess_segment_properties()
        hb.shape(font, buffer, {})
        total += sum(p.x_advance for p in buffer.glyph_positions) / upem * size
    return total


def lines_of(p) -> list[list]:
    """A paragraph's lines: lists of its runs (``a:r``) between line breaks."""
    out: list[list] = [[]]
    for child in p:
        if child.tag == f"{{{A}}}br":
            out.append([])
        elif child.tag == f"{{{A}}}r":
            out[-1].append(child)
    return out


@pytest.mark.parametrize(("org", "locale"), CJK)
def test_cjk_lines_fit_their_boxes_measured_with_noto(org, locale):
    _, data = slide(org, locale)
    han = scripts.han_script(locale)
    checked = 0
    for shape in shapes(data):
        frame = shape.text_frame if shape.has_text_frame else None
        if frame is None or not shape.name.startswith(("Step ", "Title", "Subtitle", "Help", "Contact", "Extra")):
            continue
        body = frame._txBody.find("a:bodyPr", NS)
        room = Emu(shape.width - int(body.get("lIns", 91440)) - int(body.get("rIns", 91440))).pt
        for p in text_paragraphs(shape):
            p_pr = p.find("a:pPr", NS)
            indent = Emu(int(p_pr.get("marL", 0))).pt if p_pr is not None else 0.0
            for line in lines_of(p):
                width = 0.0
                for r in line:
                    r_pr = r.find("a:rPr", NS)
                    width += measured_pt(r.findtext("a:t", namespaces=NS).rstrip(" "), r_pr.get("b") == "1",
                                         int(r_pr.get("sz")) / 100, han)
                assert width <= room - indent + 0.01, (shape.name, "".join(r.findtext("a:t", namespaces=NS)
                                                                           for r in line))
                checked += any(scripts.char_script(c) == "Hani" for r in line for c in r.findtext("a:t",
                                                                                               namespaces=NS))
    assert checked >= 10


@pytest.mark.parametrize(("org", "locale"), CJK)
def test_cjk_lines_never_start_with_closing_punctuation(org, locale):
    _, data = slide(org, locale)
    starts = []
    for shape in shapes(data):
        for p in text_paragraphs(shape):
            for line in lines_of(p)[1:]:
                text = "".join(r.findtext("a:t", namespaces=NS) for r in line)
                if text:
                    starts.append(text[0])
                    assert text[0] not in NO_START, (shape.name, text)
    assert len(starts) >= 5  # the check saw lines that wrapped


@pytest.mark.parametrize(("org", "locale"), CJK + RTL)
def test_no_italics_or_tracking_in_scripts_without_them(org, locale):
    _, data = slide(org, locale)
    for shape in shapes(data):
        for p in text_paragraphs(shape):
            for r_pr in p.iter(f"{{{A}}}rPr"):
                assert r_pr.get("i") != "1" and r_pr.get("spc") in (None, "0"), shape.name


def test_cjk_body_lines_are_spaced_wider_than_latin():
    """CJK body text gets 1.2 × the Latin line pitch, as the PDF's CSS sets it (html:lang(ja))."""

    def pitch(locale: str) -> float:
        _, data = slide("sakura-dental-clinic", locale)
        step = next(s for s in shapes(data) if s.name == "Step 1")
        p = text_paragraphs(step)[1]  # the step's first body paragraph
        size = int(p.find("a:r/a:rPr", NS).get("sz")) / 100
        return int(p.find("a:pPr/a:lnSpc/a:spcPts", NS).get("val")) / 100 / size

    assert pitch("ja") == pytest.approx(pitch("en") * scripts.CJK_LINE, rel=0.06)


# ------------------------------------------------------------------ language and fonts


@pytest.mark.parametrize(("org", "locale"), CJK + RTL + [("waha-national-bank", "en"), ("sakura-dental-clinic", "en")])
def test_every_run_has_a_language_region_tag(org, locale):
    content, data = slide(org, locale)
    own = scripts.region_tag(locale)
    langs = []
    for shape in shapes(data):
        if not shape.has_text_frame:
            continue
        for r in shape.text_frame._txBody.iter(f"{{{A}}}r"):
            text = r.findtext("a:t", namespaces=NS)
            lang = r.find("a:rPr", NS).get("lang")
            assert lang and re.fullmatch(r"[a-z]{2,3}-[A-Z]{2}", lang), (shape.name, text, lang)
            langs.append(lang)
            found = scripts.strong_scripts(text, scripts.han_script(locale))
            if found == {"Arab"}:
                assert lang == "ar-SA", (text, lang)
            elif scripts.has_kana(text):
                assert lang == "ja-JP", (text, lang)
            elif found == {scripts.language_script(locale)}:
                assert lang == own, (text, lang)
    assert own in langs
    if (org, locale) == ("waha-national-bank", "en"):  # the Arabic name on the English slide is Arabic
        assert "ar-SA" in langs


def test_a_japanese_name_on_a_chinese_slide_is_japanese():
    _, data = slide("sakura-dental-clinic", "zh-Hans")
    name = next(s for s in shapes(data) if s.name == "Organisation name")
    r_pr = name.text_frame._txBody.find(".//a:r/a:rPr", NS)
    assert r_pr.get("lang") == "ja-JP" and r_pr.find("a:ea", NS).get("typeface") == "Noto Sans CJK JP"
    title = next(s for s in shapes(data) if s.name == "Title").text_frame._txBody.find(".//a:r/a:rPr", NS)
    assert title.get("lang") == "zh-CN" and title.find("a:ea", NS).get("typeface") == "+mj-ea"


def test_region_tags():
    assert [scripts.region_tag(t) for t in ("ar", "he", "ja", "zh-Hans", "en", "pt-BR", "fr-CA", "de")] == [
        "ar-SA", "he-IL", "ja-JP", "zh-CN", "en-US", "pt-BR", "fr-CA", "de-DE"]


def test_prose_in_the_default_locale_carries_its_language(tmp_path):
    """The sample's extra text is one string for every locale, written in its default (English): on the Hebrew
    slide of a profile in English and Hebrew, its runs are English."""
    from tests.test_render_pptx import build

    content, data = build(tmp_path, "bilingual", {"locales": ["en", "he"]}, "he")
    borrowed = [b for b in content.infographic.extra if b.lang]
    assert borrowed and borrowed[0].lang == "en"
    words = {w for b in borrowed for item in b.items for r in item for w in r.text.split()}
    langs = {r.find("a:rPr", NS).get("lang") for s in shapes(data) if s.name == "Extra information"
             for r in s.text_frame._txBody.iter(f"{{{A}}}r") if set(r.findtext("a:t", namespaces=NS).split()) & words}
    assert langs == {"en-US"}


@pytest.mark.parametrize(("org", "locale", "ea", "cs"), [
    ("waha-national-bank", "ar", "Noto Sans CJK JP", "Noto Sans Arabic"),
    ("waha-national-bank", "he", "Noto Sans CJK JP", "Noto Sans Hebrew"),
    ("sakura-dental-clinic", "ja", "Noto Sans CJK JP", "Noto Sans Arabic"),
    ("sakura-dental-clinic", "zh-Hans", "Noto Sans CJK SC", "Noto Sans Arabic"),
])
def test_theme_names_the_script_fonts(org, locale, ea, cs):
    _, data = slide(org, locale)
    prs = Presentation(io.BytesIO(data))
    theme = etree.fromstring(prs.slide_master.part.part_related_by(RT.THEME).blob)
    for which in ("majorFont", "minorFont"):
        fonts = theme.find(f".//a:fontScheme/a:{which}", NS)
        assert fonts.find("a:ea", NS).get("typeface") == ea
        assert fonts.find("a:cs", NS).get("typeface") == cs
        named = {f.get("script"): f.get("typeface") for f in fonts.findall("a:font", NS)}
        assert {k: named.get(k) for k in ("Jpan", "Hans", "Arab", "Hebr")} == {
            "Jpan": "Noto Sans CJK JP", "Hans": "Noto Sans CJK SC", "Arab": "Noto Sans Arabic",
            "Hebr": "Noto Sans Hebrew"}
    # Runs refer to the theme's East Asian and complex-script fonts.
    r_pr = next(s for s in prs.slides[0].shapes if s.name == "Title").text_frame._txBody.find(".//a:r/a:rPr", NS)
    assert r_pr.find("a:ea", NS).get("typeface") == "+mj-ea" and r_pr.find("a:cs", NS).get("typeface") == "+mj-cs"


def test_the_noto_fonts_are_inputs_of_the_slide():
    for path in scripts.FILES:
        assert path in renderer.TEMPLATES and (ROOT / path).is_file()


# ------------------------------------------------------------------ as LibreOffice sets them


def _plain(text: str) -> str:
    """Text for a direction-insensitive comparison: compatibility forms folded (pdfium may return Arabic
    presentation forms), marks and format characters (LRM, harakat) and spaces dropped."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] not in "MZC")


@pytest.fixture(scope="module")
def lo_pdfs(tmp_path_factory) -> dict[str, tuple[object, bytes, bytes]]:
    from tests.test_render_slide_libreoffice import SOFFICE, convert

    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (soffice; Debian: libreoffice-impress)")
    fonts = sorted((ROOT / "templates/fonts").glob("*.otf")) + [ROOT / p for p in scripts.FILES]
    slides = []
    for org, locale in (("waha-national-bank", "ar"), ("sakura-dental-clinic", "ja")):
        content, data = slide(org, locale)
        slides.append((f"{org}-{locale}", content, data, []))
    slides[0] = (*slides[0][:3], [f.read_bytes() for f in fonts])  # one copy of every font in ~/.fonts
    pdfs = convert(slides, tmp_path_factory.mktemp("scripts-lo"), fonts=True)
    return {name: (content, data, pdfs[name]) for name, content, data, _ in slides}


def test_libreoffice_finds_the_title(lo_pdfs):
    from tests.test_render_slide_libreoffice import chars

    for name, (content, _, pdf) in lo_pdfs.items():
        found, _, _ = chars(pdf)
        text = _plain("".join(c for c, _ in found))
        for word in content.infographic.title.split():  # pdfium gives Arabic in visual order: either way round
            assert _plain(word) in text or _plain(word)[::-1] in text, (name, word)


def test_libreoffice_sets_every_character_inside_its_shape(lo_pdfs):
    """Every glyph LibreOffice sets lies inside a shape whose text holds it (order-free: pdfium returns Arabic in
    visual order), with the vertical allowance for Arabic ink of test_render_slide_libreoffice."""
    from tests.test_render_slide_libreoffice import ARABIC_OVERHANG, OVERHANG, TOLERANCE, chars, text_shapes

    problems = []
    for name, (_, data, pdf) in lo_pdfs.items():
        found, page_w, page_h = chars(pdf)
        shapes_ = text_shapes(data)
        assert found and shapes_, name
        for char, (left, top, right, bottom) in found:
            folded = _plain(char)
            if not folded:
                continue
            side = TOLERANCE + OVERHANG * (bottom - top)

            def up(text: str, height: float = bottom - top) -> float:  # any glyph of an Arabic line
                arabic = any(unicodedata.bidirectional(c) == "AL" for c in text)
                return TOLERANCE + (ARABIC_OVERHANG * height if arabic else 0.0)

            # A glyph pdfium names with a character no shape holds (a ligature) must still lie in some text shape.
            homes = [(t, r) for _, t, r in shapes_ if folded in _plain(t)] or [(t, r) for _, t, r in shapes_]
            inside = any(r[0] - side <= left and right <= r[2] + side and r[1] - up(t) <= top and bottom <= r[3] + up(t)
                         for t, r in homes)
            if not inside:
                problems.append(f"{name}: {char!r} at {(left, top, right, bottom)}")
    assert problems == []


def test_render_is_reproducible():
    content = make_content("waha-national-bank", "ar")
    first = renderer.render(make_context(renderer.__name__, content))
    assert renderer.render(make_context(renderer.__name__, content)) == first


