"""The PDF infographic: real renders, checked by reading the PDF back with pdfium."""

from __future__ import annotations

import ctypes
import io
import logging
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml

from tests.conftest import ROOT, make_content, make_context
from visitkit import outputs
from visitkit.render import RenderContext, pdf, renderer_inputs

MODULE = "visitkit.render.pdf"
PAGE_POINTS = {"a4": (595.28, 841.89), "letter": (612.0, 792.0)}
LONG_NAME = "Servicios Financieros Integrales del Noroeste de Andalucía S.C.A."
HOSTILE = '<script>alert(1)</script> & "Co"'


# ------------------------------------------------------------------ helpers


def profiles(tmp_path: Path, edit=None, name: str = "p") -> Path:
    """A copy of the sample profile (same org id, so its logo path is unchanged), edited."""
    folder = tmp_path / name
    shutil.copytree(ROOT / "org_profiles" / "sample", folder / "sample")
    data = yaml.safe_load((ROOT / "org_profiles" / "sample.yaml").read_text(encoding="utf-8"))
    if edit:
        edit(data)
    (folder / "sample.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def render(org: str = "sample", locale: str | None = None, profiles_dir: Path | None = None) -> tuple[bytes, object]:
    content = make_content(org, locale, profiles_dir)
    return pdf.render(make_context(MODULE, content)), content


def words(text: str) -> str:
    return " ".join(text.split())


def page_text(data: bytes) -> str:
    document = pdfium.PdfDocument(data)
    return words("\n".join(page.get_textpage().get_text_bounded() for page in document))


def links(data: bytes) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(URI, rectangle (left, bottom, right, top)) of every link annotation: one per line of a link."""
    document = pdfium.PdfDocument(data)
    found = []
    for page in document:
        position, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
        while pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
            action = pdfium_c.FPDFLink_GetAction(link)
            size = pdfium_c.FPDFAction_GetURIPath(document.raw, action, None, 0)
            buffer = ctypes.create_string_buffer(size)
            pdfium_c.FPDFAction_GetURIPath(document.raw, action, buffer, size)
            rect = pdfium_c.FS_RECTF()
            pdfium_c.FPDFLink_GetAnnotRect(link, ctypes.byref(rect))
            found.append((buffer.value.decode(), (rect.left, rect.bottom, rect.right, rect.top)))
    return found


def link_uris(data: bytes) -> list[str]:
    return [uri for uri, _ in links(data)]


def fonts(data: bytes) -> set[tuple[str, bool, str]]:
    """(PDF font name, embedded?, full name inside the embedded font file) of every text object."""
    from fontTools.ttLib import TTFont

    document = pdfium.PdfDocument(data)
    page = document[0]
    found = set()
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_TEXT,)):
        font = pdfium_c.FPDFTextObj_GetFont(obj.raw)
        size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
        name = ctypes.create_string_buffer(size)
        pdfium_c.FPDFFont_GetBaseFontName(font, name, size)
        length = ctypes.c_size_t(0)
        pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(length))
        buffer = (ctypes.c_uint8 * length.value)()
        pdfium_c.FPDFFont_GetFontData(font, buffer, length.value, ctypes.byref(length))
        full_name = TTFont(io.BytesIO(bytes(buffer)))["name"].getDebugName(4) if length.value else ""
        found.add((name.value.decode(), bool(pdfium_c.FPDFFont_GetIsEmbedded(font)), full_name))
    return found


def utf16(function, *args) -> str:
    """Call a pdfium getter that fills a UTF-16LE buffer (first asking for its size)."""
    size = function(*args, None, 0)
    buffer = (ctypes.c_ushort * max(size // 2, 1))()
    function(*args, buffer, size)
    return bytes(buffer).decode("utf-16-le").rstrip("\x00")


def language(data: bytes) -> str:
    document = pdfium.PdfDocument(data)  # keep a reference while pdfium reads it
    return utf16(pdfium_c.FPDFCatalog_GetLanguage, document.raw)


def figure_alts(data: bytes) -> list[str]:
    """Alternative texts of the structure elements of the first page."""
    document = pdfium.PdfDocument(data)
    page = document[0]  # keep references while pdfium reads them
    tree = pdfium_c.FPDF_StructTree_GetForPage(page.raw)
    alts: list[str] = []

    def visit(element) -> None:
        alt = utf16(pdfium_c.FPDF_StructElement_GetAltText, element)
        if alt:
            alts.append(alt)
        for index in range(pdfium_c.FPDF_StructElement_CountChildren(element)):
            child = pdfium_c.FPDF_StructElement_GetChildAtIndex(element, index)
            if child:
                visit(child)

    try:
        for index in range(pdfium_c.FPDF_StructTree_CountChildren(tree)):
            visit(pdfium_c.FPDF_StructTree_GetChildAtIndex(tree, index))
    finally:
        pdfium_c.FPDF_StructTree_Close(tree)
    return alts


def assert_one_page(data: bytes, page_size: str) -> None:
    document = pdfium.PdfDocument(data)
    assert len(document) == 1
    width, height = document[0].get_size()
    expected = PAGE_POINTS[page_size]
    assert abs(width - expected[0]) < 0.5 and abs(height - expected[1]) < 0.5, (width, height)


# -------------------------------------------------------------------- tests


def test_module_contract():
    assert outputs.file_name(pdf.__name__) == "infographic.pdf"
    for template in pdf.TEMPLATES:
        assert (ROOT / template.format(vertical="healthcare", icon="healthcare")).is_file()


@pytest.mark.parametrize("page_size", ["a4", "letter"])
def test_one_page_of_the_profile_page_size(tmp_path, page_size):
    data, _ = render(profiles_dir=profiles(tmp_path, lambda d: d.update(page_size=page_size)))
    assert_one_page(data, page_size)


def test_text_is_extractable():
    data, content = render()
    text = page_text(data)
    info = content.infographic
    assert words(info.title) in text
    assert words(info.steps_heading) in text
    assert len(info.steps) == 6
    for step in info.steps:
        assert words(step.title) in text
    for cta in info.ctas:
        assert words(cta.label) in text
    assert content.name in text


def test_buttons_and_links_are_live():
    data, content = render()
    uris = link_uris(data)
    for key in ("booking", "billing", "homepage"):
        assert content.links[key] in uris, key
    assert "tel:+15550102000" in uris
    assert all(uri.startswith(("https:", "http:", "mailto:", "tel:")) for uri in uris)


def test_fonts_are_embedded_from_the_bundled_files():
    data, content = render()
    used = fonts(data)
    assert all(embedded for _, embedded, _ in used), used
    # Family names derive from the files' bytes: the @font-face fonts were used, not a system fallback.
    families = {re.sub(r"^[A-Z]{6}\+|-Bold$", "", name) for name, _, _ in used}
    assert families == {pdf._family((ROOT / path).read_bytes()) for path in (content.font.regular, content.font.bold)}
    assert {full for _, _, full in used} == {"Inter Regular", "Inter Bold"}


def test_tagged_with_language_title_and_logo_alt():
    data, content = render()
    document = pdfium.PdfDocument(data)
    assert document.is_tagged()
    assert language(data) == "en"
    assert document.get_metadata_dict()["Title"] == f"{content.infographic.title} · {content.name}"
    assert content.logo.alt in figure_alts(data)


def test_reproducible_bytes_without_dates(monkeypatch):
    first, _ = render()
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    second, _ = render()
    assert first == second
    metadata = pdfium.PdfDocument(first).get_metadata_dict()
    assert metadata["CreationDate"] == metadata["ModDate"] == ""


def test_hostile_strings_are_literal_text(tmp_path):
    def edit(data):
        data["name"] = HOSTILE
        data["extra_info"] = "Bring <img src=x onerror=alert(1)> & [read this](https://help.example/faq)."

    data, content = render(profiles_dir=profiles(tmp_path, edit))
    text = page_text(data)
    assert HOSTILE in text
    assert "Bring <img src=x onerror=alert(1)> & read this." in text
    assert "https://help.example/faq" in link_uris(data)
    assert pdfium.PdfDocument(data).get_metadata_dict()["Title"].endswith(HOSTILE)


def test_long_spanish_name_on_letter_fits_one_page(tmp_path):
    def edit(data):
        data.update(name=LONG_NAME, vertical="financial", locales=["es"], page_size="letter")
        data.pop("short_name")
        data["brand"]["logo_alt"] = LONG_NAME

    data, content = render(profiles_dir=profiles(tmp_path, edit))
    assert content.locale == "es"
    assert_one_page(data, "letter")
    text = page_text(data)
    assert LONG_NAME in text
    for step in content.infographic.steps:
        assert words(step.title) in text
    assert language(data) == "es"


def test_minimal_profile_five_steps_and_only_booking(tmp_path):
    def edit(data):
        data["brand"] = {"primary": "#7B2CBF"}
        data["links"] = {"booking": "https://oakwood.example/book"}
        for key in ("contact", "features", "policies", "extra_info", "short_name"):
            data.pop(key)

    data, content = render(profiles_dir=profiles(tmp_path, edit))
    assert content.logo is None and len(content.infographic.steps) == 5
    assert_one_page(data, "a4")
    uris = link_uris(data)
    assert "https://oakwood.example/book" in uris
    assert not [u for u in uris if "riverside" in u or u.startswith(("tel:", "mailto:"))]
    text = page_text(data)
    assert words(content.infographic.ctas[0].label) in text
    assert "Billing" not in text


@pytest.mark.parametrize("vertical", ["healthcare", "financial", "retail", "generic"])
@pytest.mark.parametrize("primary", ["#FFD500", "#0A1F44"])
def test_every_vertical_and_brand_fits(tmp_path, vertical, primary):
    def edit(data):
        data["vertical"] = vertical
        data["brand"] = {"primary": primary, "logo": "sample/logo.png"}

    data, content = render(profiles_dir=profiles(tmp_path, edit))
    assert_one_page(data, "a4")
    assert words(content.infographic.title) in page_text(data)


def test_spanish_sample():
    data, content = render(locale="es")
    assert_one_page(data, "a4")
    assert words(content.infographic.title) in page_text(data)


def test_very_long_extra_info_is_shortened_with_a_warning(tmp_path, caplog):
    note = "Please have your insurance card, photo ID and a list of current medicines ready. " * 45

    data, _ = render(profiles_dir=profiles(tmp_path, lambda d: d.update(extra_info=note.strip(), page_size="letter")))
    assert_one_page(data, "letter")
    assert "Please have your insurance card" in page_text(data)
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(messages) == 1 and "extra_info is too long" in messages[0]
    caplog.clear()  # the expected warning; any other would still fail the test above


def test_brand_fonts_with_one_family_name_do_not_collide(tmp_path):
    """One shared FontConfiguration: two orgs with the same family name but different files."""

    def with_font(file_name: str):
        def edit(data):
            data["brand"]["font"] = {"family": "Brand", "regular": "sample/brand.otf"}

        folder = profiles(tmp_path, edit, name=file_name)
        shutil.copy(ROOT / "templates" / "fonts" / file_name, folder / "sample" / "brand.otf")
        content = make_content("sample", None, folder)
        names = renderer_inputs(pdf, content.vertical, content.logo.path, [content.font.regular, content.font.bold])
        assets = {
            name: (
                folder / name.removeprefix("org_profiles/") if name.startswith("org_profiles/") else ROOT / name
            ).read_bytes()
            for name in names
        }
        return pdf.render(RenderContext(content=content, assets=assets))

    # Without a bold file the regular file draws bold text too, so each PDF holds one font file.
    assert {full for _, _, full in fonts(with_font("Inter-Regular.otf"))} == {"Inter Regular"}
    assert {full for _, _, full in fonts(with_font("Inter-Bold.otf"))} == {"Inter Bold"}


def test_fetcher_serves_only_the_given_assets():
    fetcher = pdf._fetcher({"templates/icons/retail.svg": b"<svg/>"})
    response = fetcher.fetch(pdf.BASE_URL + "templates/icons/retail.svg")
    assert response.read() == b"<svg/>" and response.content_type == "image/svg+xml"
    for url in (
        "file:///etc/passwd",
        "https://example.com/x.png",
        pdf.BASE_URL + "templates/icons/generic.svg",
        pdf.BASE_URL + "templates/icons/retail.svg?x=1",
        pdf.BASE_URL + "../../etc/passwd",
        "data:image/svg+xml,<svg/>",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
