"""The awkward-profile corpus (tests/profiles/valid/) built with doit, every output checked as a client sees it.

Each profile exercises one awkwardness (a very long name, 60-letter compounds, long URLs and addresses,
international domain names in Unicode and in punycode, right-to-left and mixed-direction prose, near-white,
near-black, yellow and amber brands). For each profile and locale:

- the PDF: every character box lies inside the page, and its QR code decodes to the booking URL;
- the pages and the email: no horizontal overflow at 320, 375 and 1280 px in headless Chromium (the email
  also with every ``<style>`` removed, as clients that drop them show it);
- the slide: no text box extends outside the slide, the booking URL is written out in full, and (with
  LibreOffice) the slide as rendered keeps every character on the slide.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.checkers import CORPUS, corpus_profiles, open_page, overflow, start_chromium, strip_styles
from tests.checkers import build_corpus as _build_corpus
from visitkit.profile import load_profile
from visitkit.render.qr import readable_url

PROFILES = corpus_profiles()
LOCALES = ("en", "es")
WIDTHS = (320, 375, 1280)
# A PDF point is 1/72 in: half a point of tolerance for rounding in pdfium's boxes.
EPS = 0.5
# Characters a line breaker may add inside a long URL: they are not part of what a reader types.
INVISIBLE = re.compile(r"[\s\u00ad\u200b\u2060]")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return _build_corpus(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    driver = start_chromium()
    try:
        yield driver
    finally:
        driver.quit()


def _profile(name: str):
    return load_profile(CORPUS / f"{name}.yaml", set(LOCALES))


def _output(corpus: Path, org: str, locale: str, name: str) -> Path:
    path = corpus / "build" / org / locale / name
    assert path.is_file(), f"{org}/{locale}/{name} was not built (see {corpus / 'corpus-build.log'})"
    return path


def _same_url(found: str, expected: str) -> bool:
    """The same URL, whether the host is written in Unicode or in punycode (a QR may carry either)."""

    def ascii_host(url: str) -> str:
        parts = urlsplit(url)
        host = (parts.hostname or "").encode("idna").decode("ascii")
        netloc = host + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))

    try:
        return ascii_host(found) == ascii_host(expected)
    except (UnicodeError, ValueError):
        return found == expected


# ----------------------------------------------------------------------------------------- the corpus


def test_corpus_is_ten_awkward_profiles_in_english_and_spanish():
    assert 8 <= len(PROFILES) <= 12, PROFILES
    for name in PROFILES:
        assert _profile(name).locales == list(LOCALES), name


def test_corpus_holds_the_awkward_values_it_claims():
    """The corpus exercises what its names say: a failure here means a profile lost its awkwardness."""
    profiles = {name: _profile(name) for name in PROFILES}
    assert len(profiles["long-name"].name) >= 80 and profiles["long-name"].short_name
    words = profiles["long-words"]
    prose = {f"policies.{k}": v for k, v in words.policies.model_dump().items() if isinstance(v, dict)}
    prose["extra_info"] = words.extra_info
    assert len(prose) == 6, sorted(prose)  # every prose field
    for field, texts in prose.items():
        for locale, text in texts.items():
            compounds = [len(w) for w in re.findall(r"\w+", text) if len(w) >= 30]
            assert compounds and all(45 <= n <= 60 for n in compounds), (field, locale, compounds)
    assert len(profiles["long-urls"].links.booking) > 150 and len(profiles["long-urls"].contact.email) > 80
    assert "ä" in profiles["idn-unicode"].links.booking and "xn--" in profiles["idn-punycode"].links.booking
    prose = json.dumps(profiles["rtl-mixed"].model_dump(), ensure_ascii=False)
    assert re.search("[\u0590-\u05ff]", prose) and re.search("[\u0600-\u06ff]", prose)
    colours = {name: (p.brand.primary.upper(), p.brand.secondary) for name, p in profiles.items()}
    assert colours["near-white"][0] == "#F7F7F2" and colours["near-black"][0] == "#0B0B0B"
    assert colours["yellow"][0] == "#FFD500" and colours["amber"] == ("#FFB000", "#FF8F00")


def test_corpus_builds(corpus):
    log = (corpus / "corpus-build.log").read_text()
    report = json.loads((corpus / "build" / "report.json").read_text())
    assert report["failed"] == [], log[-3000:]
    assert log.startswith("exit 0\n"), log[-3000:]
    assert sorted(report["organisations"]) == PROFILES


# ---------------------------------------------------------------------------------------------- the PDF


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("org", PROFILES)
def test_pdf_text_stays_on_the_page(corpus, org, locale):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(_output(corpus, org, locale, "infographic.pdf"))
    assert len(pdf) == 1
    page = pdf[0]
    width, height = page.get_size()
    text = page.get_textpage()
    outside = []
    for i in range(text.count_chars()):
        left, bottom, right, top = text.get_charbox(i)
        if right <= left and top <= bottom:
            continue  # characters pdfium generates (line ends) have no box
        if left < -EPS or bottom < -EPS or right > width + EPS or top > height + EPS:
            outside.append((text.get_text_range(i, 1), round(left), round(bottom), round(right), round(top)))
    assert not outside, (
        f"{len(outside)} characters outside the {width:.0f}x{height:.0f} pt page, "
        f"{''.join(c[0] for c in outside)[:60]!r}, first boxes {outside[:3]}"
    )


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("org", PROFILES)
def test_pdf_qr_code_opens_the_booking_page(corpus, org, locale):
    import pypdfium2 as pdfium
    import zxingcpp

    booking = _profile(org).links.booking
    page = pdfium.PdfDocument(_output(corpus, org, locale, "infographic.pdf"))[0]
    # 3 × 72 dpi: a printed code of ~2.5 cm gets ~4 px per module, as a phone camera would see it.
    image = page.render(scale=3).to_pil()
    found = [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
    assert found, f"no QR code on the page (booking URL {booking})"
    assert any(_same_url(text, booking) for text in found), f"QR codes {found}, booking URL {booking}"


def test_qr_decoder_reads_a_code_drawn_from_our_matrix():
    """The decoder behind the QR test reads a code drawn from ``qr.matrix`` at the scale the test renders
    (a missing code on the infographic is the infographic's fault, not the decoder's)."""
    import zxingcpp
    from PIL import Image

    from visitkit.render import qr

    for org in ("long-urls", "idn-unicode"):
        url = _profile(org).links.booking
        modules = qr.matrix(url)
        side, scale = len(modules) + 2 * qr.QUIET_ZONE, 4
        image = Image.new("L", (side, side), 255)
        for y, row in enumerate(modules):
            for x, dark in enumerate(row):
                if dark:
                    image.putpixel((x + qr.QUIET_ZONE, y + qr.QUIET_ZONE), 0)
        found = [code.text for code in zxingcpp.read_barcodes(image.resize((side * scale,) * 2, Image.NEAREST))]
        assert found == [url], (found, url)


# ----------------------------------------------------------------------------- pages and email in Chromium


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["faq.html", "resources.html", "email.html", "email.html without <style>"])
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("org", PROFILES)
def test_no_horizontal_overflow(corpus, browser, org, locale, kind, width):
    name = kind.split()[0]
    open_page(browser, _output(corpus, org, locale, name), width)
    if kind.endswith("<style>"):
        strip_styles(browser)
    found = overflow(browser)
    assert found["scroll"] <= found["inner"], (
        f"{org}/{locale}/{kind} at {width} px: {found['scroll']} px wide, sticking out: {found['wide']}"
    )


IMAGES = """
return [...document.images].map(img => [img.getAttribute('src').slice(0, 60), img.complete && img.naturalWidth > 0]);
"""


@pytest.mark.parametrize("kind", ["faq.html", "resources.html"])
@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("org", PROFILES)
def test_page_images_load(corpus, browser, org, locale, kind):
    """The logo, icons and thumbnail show: nothing broken, nothing refused by the page's own CSP."""
    open_page(browser, _output(corpus, org, locale, kind), 1280)
    images = browser.execute_script(IMAGES)
    broken = [src for src, loaded in images if not loaded]
    assert not broken, f"{org}/{locale}/{kind}: images that do not load: {broken}"


# --------------------------------------------------------------------------------------------- the slide


def _shapes(shapes):
    """Every shape, the members of groups included (their offsets are already in slide coordinates)."""
    for shape in shapes:
        if shape.shape_type == 6:  # MSO_SHAPE_TYPE.GROUP
            yield from _shapes(shape.shapes)
        else:
            yield shape


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("org", PROFILES)
def test_slide_text_boxes_stay_on_the_slide_and_show_the_booking_url(corpus, org, locale):
    from pptx import Presentation

    deck = Presentation(_output(corpus, org, locale, "infographic.pptx"))
    assert len(deck.slides) == 1
    width, height = deck.slide_width, deck.slide_height
    outside, texts = [], []
    for shape in _shapes(deck.slides[0].shapes):
        if not shape.has_text_frame or not shape.text_frame.text.strip():
            continue
        texts.append(shape.text_frame.text)
        left, top = shape.left or 0, shape.top or 0
        right, bottom = left + (shape.width or 0), top + (shape.height or 0)
        if left < 0 or top < 0 or right > width or bottom > height:
            emu = 12700  # per point
            box = [round(v / emu) for v in (left, top, right, bottom)]
            outside.append(f"{shape.name} {box} pt {shape.text_frame.text[:40]!r}")
    assert not outside, f"slide {width // 12700}x{height // 12700} pt; outside: {outside}"
    booking = _profile(org).links.booking
    written = INVISIBLE.sub("", "".join(texts))
    shown = [INVISIBLE.sub("", form) for form in (readable_url(booking), booking)]
    assert any(form in written for form in shown), f"the booking URL {readable_url(booking)!r} is not on the slide"


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture(scope="module")
def slides_as_pdf(corpus, tmp_path_factory) -> Path:
    """Every slide of the corpus rendered by LibreOffice (one run for all: it starts slowly)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (CI installs it): apt-get install libreoffice-impress")
    out = tmp_path_factory.mktemp("slides")
    decks = []
    for org in PROFILES:
        for locale in LOCALES:
            deck = corpus / "build" / org / locale / "infographic.pptx"
            if deck.is_file():
                copy = out / f"{org}--{locale}.pptx"
                shutil.copyfile(deck, copy)
                decks.append(copy.name)
    if not decks:
        return out  # nothing was built (test_corpus_builds says why); without files soffice would wait forever
    profile = tmp_path_factory.mktemp("soffice-profile")
    # Its own session: on a timeout the whole process group goes, soffice.bin included, not just the wrapper.
    process = subprocess.Popen(
        [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf", *decks],
        cwd=out,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"LibreOffice took more than 300 s to convert {len(decks)} slides")
    assert process.returncode == 0, output.decode(errors="replace")[-2000:]
    return out


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("org", PROFILES)
def test_slide_rendered_by_libreoffice_keeps_its_text_on_the_slide(slides_as_pdf, org, locale):
    import pypdfium2 as pdfium

    path = slides_as_pdf / f"{org}--{locale}.pdf"
    assert path.is_file(), f"LibreOffice did not render {org}/{locale}/infographic.pptx"
    page = pdfium.PdfDocument(path)[0]
    width, height = page.get_size()
    text = page.get_textpage()
    outside = []
    for i in range(text.count_chars()):
        left, bottom, right, top = text.get_charbox(i)
        if right > left and (left < -EPS or bottom < -EPS or right > width + EPS or top > height + EPS):
            outside.append((text.get_text_range(i, 1), round(left), round(bottom), round(right), round(top)))
    assert not outside, (
        f"{len(outside)} characters off the {width:.0f}x{height:.0f} pt slide, "
        f"{''.join(c[0] for c in outside)[:60]!r}, first boxes {outside[:3]}"
    )
