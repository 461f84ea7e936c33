"""The infographic in Arabic, Hebrew, Japanese and Chinese: embedded script fonts, no missing glyphs (WeasyPrint's
warnings fail every test, see conftest), right-to-left pages mirrored with addresses kept left to right, /Lang."""

from __future__ import annotations

import ctypes
import io
import re
import shutil
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml
from fontTools.ttLib import TTFont

from tests.conftest import ROOT, make_content, make_context
from tests.test_render_pdf import fonts, language, links
from visitkit.content import Content
from visitkit.render import font_config, pdf, qr, scripts

MODULE = "visitkit.render.pdf"
SCRIPTS = scripts.FONTS.items()
HEBREW_NAME = "מרפאת הגליל לרפואת המשפחה"
CHINESE_NAME = "江畔家庭医疗中心"
ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
HEBREW = re.compile(r"[\u0590-\u05FF]")
HAN_KANA = re.compile(r"[\u3040-\u30FF\u4E00-\u9FFF]")


def sample_in(tmp_path: Path, locale: str, name: str, short_name: str, **edits: str) -> Content:
    """The sample organisation, published in ``locale`` only, under a name in that locale's script."""
    folder = tmp_path / f"profiles-{locale}-{len(list(tmp_path.iterdir()))}"
    shutil.copytree(ROOT / "org_profiles" / "sample", folder / "sample")
    data = yaml.safe_load((ROOT / "org_profiles" / "sample.yaml").read_text(encoding="utf-8"))
    data.update(locales=[locale], name=name, short_name=short_name, **edits)
    (folder / "sample.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return make_content("sample", locale, profiles_dir=folder)


@pytest.fixture(scope="module")
def contents(tmp_path_factory) -> dict[str, Content]:
    tmp = tmp_path_factory.mktemp("scripts")
    return {
        "ar": make_content("waha-national-bank", "ar"),
        "he": sample_in(tmp, "he", HEBREW_NAME, "מרפאת הגליל"),
        "ja": make_content("sakura-dental-clinic", "ja"),
        "zh-Hans": sample_in(tmp, "zh-Hans", CHINESE_NAME, "江畔医疗"),
    }


@pytest.fixture(scope="module")
def pdfs(contents) -> dict[str, bytes]:
    # Rendered inside each test's call would let the warnings fixture see them; a module fixture renders once,
    # so the warning check is repeated explicitly in test_no_missing_glyphs.
    return {locale: pdf.render(make_context(MODULE, content)) for locale, content in contents.items()}


def chars(data: bytes) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(character, font name, box (left, bottom, right, top) in pt) of every character on page 1."""
    document = pdfium.PdfDocument(data)
    page = document[0]
    text = page.get_textpage()
    out = []
    for index in range(text.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index))
        if char.isspace() or not char.isprintable():
            continue
        size = pdfium_c.FPDFText_GetFontInfo(text.raw, index, None, 0, None)
        buffer = ctypes.create_string_buffer(size)
        pdfium_c.FPDFText_GetFontInfo(text.raw, index, buffer, size, None)
        out.append((char, buffer.value.decode(errors="replace"), text.get_charbox(index)))
    return out


def reading_order(data: bytes, rects: list[tuple[float, float, float, float]], ascii_only: bool = False) -> str:
    """The characters drawn inside ``rects`` (a link's), line by line from the top (by baseline), left to right."""
    document = pdfium.PdfDocument(data)
    text = document[0].get_textpage()
    found = []
    for index in range(text.count_chars()):
        char = chr(pdfium_c.FPDFText_GetUnicode(text.raw, index))
        if char.isspace() or not char.isprintable() or (ascii_only and not char.isascii()):
            continue
        if any(inside(text.get_charbox(index), rect) for rect in rects):
            x, y = ctypes.c_double(), ctypes.c_double()
            pdfium_c.FPDFText_GetCharOrigin(text.raw, index, ctypes.byref(x), ctypes.byref(y))
            found.append((-round(y.value), x.value, char))
    return "".join(char for _, _, char in sorted(found))


def inside(box: tuple[float, float, float, float], rect: tuple[float, float, float, float]) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return rect[0] <= x <= rect[2] and min(rect[1], rect[3]) <= y <= max(rect[1], rect[3])


def letters(text: str) -> str:
    """Text compared as letters: no spaces or combining marks, and no lam, whose ligatures with alef pdfium
    extracts in visual order (لإ as إل)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Mn" and c != "ل")


def page_letters(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return letters(document[0].get_textpage().get_text_bounded())


# -------------------------------------------------------------------- tests


@pytest.mark.parametrize("locale", ["ar", "he", "ja", "zh-Hans"])
def test_no_missing_glyphs(contents, locale, caplog):
    caplog.set_level("WARNING", logger="weasyprint")
    pdf.render(make_context(MODULE, contents[locale]))
    assert not [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")]


def test_missing_glyphs_would_fail(caplog):
    """The check above can fail: a character no font has is logged by WeasyPrint (and the conftest
    fixture turns any warning into a failure, so it is cleared here)."""
    from weasyprint import HTML

    HTML(string='<p style="font-family: nothing-at-all">\U000f0000</p>').write_pdf()
    assert any(".notdef" in r.getMessage() for r in caplog.records if r.name.startswith("weasyprint"))
    caplog.clear()


@pytest.mark.parametrize("locale", ["ar", "he", "ja", "zh-Hans"])
def test_title_and_step_headings_are_text(contents, pdfs, locale):
    info = contents[locale].infographic
    text = page_letters(pdfs[locale])
    for heading in [info.title, *(step.title for step in info.steps)]:
        assert letters(heading) in text, heading


def script_families(script: str) -> set[str]:
    """The PDF font names of a script's regular and bold files (WeasyPrint names a font by its family)."""
    return {pdf._family((ROOT / path).read_bytes()) for path in scripts.FONTS[script][1:]}


@pytest.mark.parametrize(
    ("locale", "pattern", "script", "full_name"),
    [
        ("ar", ARABIC, "Arab", "Noto Sans Arabic"),
        ("he", HEBREW, "Hebr", "Noto Sans Hebrew"),
        ("ja", HAN_KANA, "Jpan", "Noto Sans CJK JP"),
        ("zh-Hans", HAN_KANA, "Hans", "Noto Sans CJK SC"),
    ],
)
def test_script_text_is_set_in_the_embedded_script_font(pdfs, locale, pattern, script, full_name):
    """Every letter of the script comes from its own font files (Arabic joining needs whole runs in one font;
    Han characters take the locale's forms, JP or SC), and every font is embedded."""
    found = chars(pdfs[locale])
    used = {name.split("+", 1)[-1].removesuffix("-Bold") for char, name, _ in found if pattern.match(char)}
    assert used and used <= script_families(script), used
    embedded = fonts(pdfs[locale])
    assert all(is_embedded for _, is_embedded, _ in embedded)
    assert any(name.startswith(full_name) for _, _, name in embedded), embedded


@pytest.mark.parametrize("locale", ["ar", "he", "ja", "zh-Hans"])
def test_language_tag_and_char_boxes_inside_the_page(pdfs, locale):
    assert language(pdfs[locale]) == locale
    document = pdfium.PdfDocument(pdfs[locale])
    assert len(document) == 1
    width, height = document[0].get_size()
    for char, _, (left, bottom, right, top) in chars(pdfs[locale]):
        assert 0 <= left <= right <= width and 0 <= bottom <= top <= height, (char, left, bottom, right, top)


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_right_to_left_page_is_mirrored(contents, pdfs, locale):
    """The journey is on the right, each step's number right of its heading; the call-to-action panel left."""
    content = contents[locale]
    found = chars(pdfs[locale])
    page_width = pdfium.PdfDocument(pdfs[locale])[0].get_size()[0]
    for number in range(1, len(content.infographic.steps) + 1):
        # The step's number: the rightmost such digit on the page (the numbers' column is the journey's edge).
        box = max((box for char, _, box in found if char == str(number)), key=lambda box: box[2])
        assert box[0] > page_width * 0.75, (number, box)
        centre = (box[1] + box[3]) / 2
        beside = [b for char, _, b in found if b is not box and b[1] < centre < b[3] and b[0] > page_width / 2]
        assert beside, number  # the heading on the number's line
        assert all(b[2] < box[0] for b in beside), (number, box, beside)
    booking = [rect for uri, rect in links(pdfs[locale]) if uri == content.infographic.ctas[0].url]
    assert booking and all(rect[2] < page_width / 2 for rect in booking)  # the panel's button on the left


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_phone_number_and_email_read_left_to_right(contents, pdfs, locale):
    """In right-to-left text an address keeps its order on the page: "+971 4 000 0000", not "0000 000 4 971+".
    The characters inside the address's link, read line by line from the top and left to right, spell it."""
    content = contents[locale]
    annotations = links(pdfs[locale])
    for scheme, address in (("tel:", content.phone), ("mailto:", content.email)):
        rects = [rect for uri, rect in annotations if uri.startswith(scheme)]
        assert rects, scheme
        assert reading_order(pdfs[locale], rects) == "".join(address.split()), address
    # The booking link printed beside its QR code (the button's label, in the same link, is not Latin).
    booking = content.infographic.ctas[0].url
    rects = [rect for uri, rect in annotations if uri == booking]
    assert reading_order(pdfs[locale], rects, ascii_only=True) == qr.readable_url(booking)


def test_address_in_plain_right_to_left_prose_reads_left_to_right(tmp_path):
    """Not only links: a phone number written in Hebrew prose is isolated too (<bdi>, set left to right)."""
    prose = "לפרטים נוספים: +972 3 000 0000 בימי חול"
    content = sample_in(tmp_path, "he", HEBREW_NAME, "מרפאת הגליל", extra_info=prose)
    found = chars(pdf.render(make_context(MODULE, content)))
    plus = next(box for char, _, box in found if char == "+")
    centre = (plus[1] + plus[3]) / 2
    line = sorted((box[0], char) for char, _, box in found if box[1] < centre < box[3] and char in "+0123456789")
    digits = "".join(char for x, char in line if x >= plus[0] - 1 and x < plus[0] + 120)
    assert digits == "+97230000000", line


def test_other_scripts_render_on_an_english_page(tmp_path):
    """A name in any of the scripts shows on an English page too (the script fonts follow the brand font)."""
    name = "بنك Waha · さくら歯科 · 江畔医疗 · מרפאה"
    content = sample_in(tmp_path, "en", name, "Riverside")
    data = pdf.render(make_context(MODULE, content))
    found = {char for char, _, _ in chars(data)}
    assert set("さくら歯科江畔医疗") <= found
    assert {"ب", "ن", "ك"} <= found and {"מ", "ר", "פ", "א", "ה"} <= found
    assert language(data) == "en"


def test_font_lists_name_the_script_fonts_after_the_brand_font(contents):
    css = pdf._variable_css(make_context(MODULE, contents["ja"]))
    body = re.search(r"html \{ font-family: ([^;]+);", css).group(1)
    families = [family.strip().strip('"') for family in body.split(",")]
    regular = {script: pdf._family((ROOT / files[1]).read_bytes()) for script, files in SCRIPTS}
    assert families[0] == pdf._family((ROOT / contents["ja"].font.regular).read_bytes())
    assert families[1:5] == [regular["Jpan"], regular["Arab"], regular["Hebr"], regular["Hans"]]
    assert len(set(regular.values())) == 4  # unique names: a shared FontConfiguration keeps the first file of a name


def test_font_fingerprint_follows_every_byte_of_a_table():
    data = bytearray((ROOT / scripts.FONTS["Hebr"][1]).read_bytes())
    before = font_config.font_fingerprint(bytes(data))
    font = TTFont(io.BytesIO(bytes(data)))
    font["name"].setName("Changed", 1, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    assert font_config.font_fingerprint(out.getvalue()) != before
    assert font_config.font_fingerprint(bytes(data)) == before



def test_same_bytes_whatever_was_rendered_before(contents, pdfs):
    """The script fonts are registered once per process; a document's bytes do not depend on which
    documents came before it (the English page between two Japanese ones changes nothing)."""
    pdf.render(make_context(MODULE, make_content("sample", "en")))
    assert pdf.render(make_context(MODULE, contents["ja"])) == pdfs["ja"]
    assert pdf.render(make_context(MODULE, contents["ar"])) == pdfs["ar"]
