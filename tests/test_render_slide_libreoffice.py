"""The slide as LibreOffice sets it: converted to PDF headless, then read back with pypdfium2.

LibreOffice has its own line breaker and, when the theme's font is not installed, silently sets
the text in a substitute (DejaVu Sans here). Each example organisation's slide and the awkward
profiles of test_render_pptx.py are converted twice: with the brand fonts installed (copied to
``~/.fonts`` of a temporary HOME) and without them. In both, the title and the booking URL's
readable form must be there in full, and every character must lie on the page and inside the
rectangle of the shape whose text it is (read from the .pptx).

Needs LibreOffice (``soffice``; Debian: ``libreoffice-impress``); CI installs it.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
import yaml
from pptx import Presentation
from pptx.util import Emu

from tests.conftest import ROOT, make_content, make_context
from tests.test_render_pptx import AWKWARD, MODULE, context_for, profile_copy
from visitkit import sources
from visitkit.content import Content
from visitkit.profile import load_profile
from visitkit.render import pptx as renderer
from visitkit.render import qr

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None, reason="LibreOffice is not installed (soffice; Debian: libreoffice-impress)"
)
TOLERANCE = 1.0  # pt: glyph boxes against shape rectangles (anti-aliasing, rounding to LibreOffice's 1/100 mm)
OVERHANG = 0.08  # × the glyph's height: how far its ink may reach past its advance, sideways
# × an Arabic glyph's height: how far its ink may reach above or below its line. Noto Sans Arabic's ascent and
# descent (1.37 + 0.74 em) far exceed the exact line pitch (~1.4 em), and LibreOffice takes the difference off
# the top of a fixed-height line, so a first line's tall letters (alef) reach up to ~0.5 of their height above the box
# (the PDF centres the same excess as CSS half-leading). Still under half a line: a wrapped extra line is caught.
ARABIC_OVERHANG = 0.6


def example_slides() -> list[tuple[str, Content, bytes, list[bytes]]]:
    """(name, content, .pptx bytes, brand font files) of every example organisation and locale."""
    available = sources.available_locales(ROOT / "sources")
    out = []
    for path in sorted((ROOT / "org_profiles").glob("*.yaml")):
        for locale in load_profile(path, available).locales:
            content = make_content(path.stem, locale)
            context = make_context(MODULE, content)
            fonts = [context.asset(content.font.regular), context.asset(content.font.bold)]
            out.append((f"{path.stem}-{locale}", content, renderer.render(context), fonts))
    return out


def awkward_slides(tmp: Path) -> list[tuple[str, Content, bytes, list[bytes]]]:
    out = []
    for variant, locale, extra in (("awkward-en", "en", {}),
                                   ("awkward-es", "es", {"locales": ["es"], "page_size": "letter"})):
        (tmp / variant).mkdir()
        profiles = profile_copy(tmp / variant, "awkward", {**AWKWARD, **extra})
        if variant == "awkward-es":  # the wordmark instead of a logo
            data = yaml.safe_load((profiles / "awkward.yaml").read_text(encoding="utf-8"))
            data["brand"].pop("logo", None)
            data["brand"].pop("logo_alt", None)
            (profiles / "awkward.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        content = make_content("awkward", locale, profiles_dir=profiles)
        context = context_for(content, profiles)
        fonts = [context.asset(content.font.regular), context.asset(content.font.bold)]
        out.append((variant, content, renderer.render(context), fonts))
    return out


def convert(slides: list[tuple[str, Content, bytes, list[bytes]]], work: Path, fonts: bool) -> dict[str, bytes]:
    """Every slide converted to PDF by one headless LibreOffice, with or without the brand fonts installed."""
    home = work / "home"
    (home / ".fonts").mkdir(parents=True)
    if fonts:
        for name, _, _, files in slides:
            for index, data in enumerate(files):
                (home / ".fonts" / f"{name}-{index}.font").with_suffix(".otf" if data[:4] == b"OTTO" else ".ttf") \
                    .write_bytes(data)
    decks = work / "decks"
    decks.mkdir()
    for name, _, data, _ in slides:
        (decks / f"{name}.pptx").write_bytes(data)
    out = work / "pdf"
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(work / "cache"),
           "XDG_CONFIG_HOME": str(work / "config"), "XDG_DATA_HOME": str(work / "data")}
    command = [SOFFICE, f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out), *sorted(str(p) for p in decks.glob("*.pptx"))]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return {name: (out / f"{name}.pdf").read_bytes() for name, _, _, _ in slides}


@pytest.fixture(scope="module", params=["brand-fonts", "substitute"])
def converted(request, tmp_path_factory) -> list[tuple[str, Content, bytes, bytes]]:
    tmp = tmp_path_factory.mktemp(request.param)
    slides = example_slides() + awkward_slides(tmp)
    pdfs = convert(slides, tmp / "lo", fonts=request.param == "brand-fonts")
    return [(name, content, data, pdfs[name]) for name, content, data, _ in slides]


def chars(pdf: bytes) -> tuple[list[tuple[str, tuple[float, float, float, float]]], float, float]:
    """Every non-space character of page 1 with its box (left, top, right, bottom; pt from the top left)."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    page = document[0]
    width, height = page.get_size()
    textpage = page.get_textpage()
    out = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char in ("\ufffe", "\x02"):  # pdfium's mark for a hyphen that ends a line: it is one
            char = "-"
        if not char.strip():
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        out.append((char, (left, height - top, right, height - bottom)))
    return out, width, height


def text_shapes(data: bytes) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """(name, text, rectangle in pt) of every shape with text, in drawing order."""
    prs = Presentation(io.BytesIO(data))
    out = []
    for shape in prs.slides[0].shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            rect = (Emu(shape.left).pt, Emu(shape.top).pt, Emu(shape.left + shape.width).pt,
                    Emu(shape.top + shape.height).pt)
            out.append((shape.name, shape.text_frame.text, rect))
    return out


def test_title_and_booking_url_are_there_in_full(converted):
    for name, content, _, pdf in converted:
        found, _, _ = chars(pdf)
        text = "".join(char for char, _ in found)
        booking = next(cta.url for cta in content.infographic.ctas if cta.id == "booking")
        shown = qr.readable_url(booking)
        for word in re.split(r"(?<=[/.?&#@-])", shown):  # every piece a line may hold
            assert word in text, (name, word)
        assert re.sub(r"\s", "", shown) in text, name
        assert re.sub(r"\s", "", content.infographic.title) in text, name


def fold(text: str) -> str:
    """Text as compared with what pdfium reads back: compatibility forms folded (Arabic presentation forms),
    marks (harakat), format characters (the slide's left-to-right marks) and spaces left out."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if unicodedata.category(c)[0] not in "MCZ")


def _rtl(text: str) -> bool:
    return any(unicodedata.bidirectional(c) in ("R", "AL") for c in text)


def misplaced(name: str, data: bytes, pdf: bytes) -> list[str]:
    """Characters off the page or outside their shape's rectangle.

    Characters are matched to shapes in drawing order (LibreOffice writes each shape's text in turn). On a
    slide with right-to-left text pdfium returns those lines in visual order (and a mixed line's runs, and
    some shapes, out of drawing order), so there every character must be found as a multiset and each glyph
    must lie inside one of the shapes whose text holds it.
    """
    problems: list[str] = []
    found, page_w, page_h = chars(pdf)
    found = [(fold(char), box) for char, box in found]
    found = [(char, box) for char, box in found if char]
    position = 0

    def check(shape: str, char: str, box: tuple[float, float, float, float], rect: tuple[float, ...],
              arabic: bool = False) -> None:
        left, top, right, bottom = box
        if not (left >= 0 and right <= page_w and top >= 0 and bottom <= page_h):
            problems.append(f"{name}: {shape}: {char!r} off the page")
            return
        # A glyph's ink may reach past its advance by a side bearing (DejaVu Sans Bold's "J": 0.06 em).
        side = TOLERANCE + OVERHANG * (bottom - top)
        inside = rect[0] - side <= left and right <= rect[2] + side
        up = TOLERANCE + (ARABIC_OVERHANG * (bottom - top) if arabic else 0.0)  # any glyph of an Arabic line
        inside = inside and rect[1] - up <= top and bottom <= rect[3] + up
        if not inside:
            problems.append(f"{name}: {shape}: {char!r} at {box} outside {rect}")

    shapes = text_shapes(data)
    if any(_rtl(text) for _, text, _ in shapes):
        # pdfium returns right-to-left lines in visual order and LibreOffice's shapes not always in drawing order:
        # every character of the slide must be found (as a multiset), and each glyph inside a shape holding it.
        missing = Counter(fold("".join(text for _, text, _ in shapes))) - Counter(char for char, _ in found)
        assert not missing, (name, +missing)
        for char, box in found:
            homes = [(shape, text, rect) for shape, text, rect in shapes if char in fold(text)] or shapes
            inner: list[str] = []
            for shape, text, rect in homes:
                arabic = any(unicodedata.bidirectional(c) == "AL" for c in text)
                before = len(problems)
                check(shape, char, box, rect, arabic)
                inner += problems[before:]
                del problems[before:]
            if len(inner) == len(homes):  # inside none of them
                problems.append(inner[0])
        return problems
    for shape, text, rect in shapes:
        expected = fold(text)
        for wanted_char in expected:
            skipped = 0
            while position < len(found) and found[position][0] != wanted_char and skipped < 3:
                position, skipped = position + 1, skipped + 1  # a bullet or number LibreOffice draws
            assert position < len(found) and found[position][0] == wanted_char, (name, shape, wanted_char)
            check(shape, wanted_char, found[position][1], rect)
            position += 1
    return problems


def test_every_character_is_inside_its_shape(converted):
    problems = [line for name, _, data, pdf in converted for line in misplaced(name, data, pdf)]
    assert problems == []


def test_qr_code_reads_back_as_the_booking_link(converted):
    """The code as LibreOffice draws it, rendered at 150 dpi, decodes to the exact booking URL."""
    import pypdfium2 as pdfium
    import zxingcpp

    for name, content, _, pdf in converted:
        booking = next(cta.url for cta in content.infographic.ctas if cta.id == "booking")
        image = pdfium.PdfDocument(pdf)[0].render(scale=150 / 72).to_pil()
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [booking], name


def test_the_shape_check_can_fail(converted):
    """A title box narrower than its text, as LibreOffice set it, is caught (so the check above means something)."""
    name, _, data, pdf = converted[0]
    prs = Presentation(io.BytesIO(data))
    title = prs.slides[0].shapes.title
    title.width = Emu(title.width // 3)
    out = io.BytesIO()
    prs.save(out)
    assert any(": Title: " in line for line in misplaced(name, out.getvalue(), pdf))
