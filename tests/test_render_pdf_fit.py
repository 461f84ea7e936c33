"""The PDF infographic with real-world text: nothing leaves its card, and the booking link can be followed on paper.

Read back from the rendered PDF with pdfium: the QR code is decoded (zxing-cpp) from page 1 rendered at a
printer-like resolution; every character box (``textpage.get_charbox``) is checked against the page and
against the card it belongs to.

Finding the cards: the header band, the footer band, the call-to-action panel, its buttons and the QR card
are filled paths, read from the page's path objects by shape (full-width bands at the top and the bottom, the
largest fill in the right half, the wide fills inside it), so the check does not depend on draw order or on
the density the renderer chose. The steps column is not filled: its edges come from the design tokens
(``side`` and ``journey_w``), as the CSS computes them. A character is assigned to a card by its centre and
must then lie inside that card entirely; a character spilling out of the steps column lands in the gutter
between the columns (9 mm) and fails there.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp

from tests.conftest import ROOT, make_content, make_context
from tests.test_render_design import examples
from tests.test_render_pdf import figure_alts, link_uris, page_text, profiles, render
from visitkit import outputs
from visitkit.render import RenderContext, design, pdf, qr, renderer_inputs

MODULE = "visitkit.render.pdf"
MM = 72 / 25.4  # pt per mm
DPI = 150  # a typical office print; the QR code must read from it
EPSILON = 0.25  # pt: glyph boxes are rounded by pdfium

# A 60-letter compound (German-style, as a real profile may hold) and 60 letters no dictionary can hyphenate.
COMPOUND = "Versicherungsleistungsabrechnungsverwaltungsvereinbarungsfrist"[:60]
LETTERS = ("Qwrtzplkjhgfdsxcvbnm" * 3)[:60]
NAME_80 = "Gemeinschaftspraxis für Allgemeinmedizin, Kinderheilkunde und Sportmedizin, Kiel"
LONG_URL = (
    "https://termine.gemeinschaftspraxis-allgemeinmedizin.example/online-terminbuchung/videosprechstunde"
    "?standort=musterstadt-nord&fachrichtung=allgemeinmedizin&sprache=de"
)
IDN_URL = "https://bücher-café.example/termine/buchen"
PUNYCODE_URL = "https://xn--bcher-caf-j4a4r.example/termine"  # the same host, written as ASCII


def test_the_words_are_as_long_as_promised():
    assert len(COMPOUND) == len(LETTERS) == 60 and COMPOUND.isalpha() and LETTERS.isalpha()
    assert len(NAME_80) == 80


# ------------------------------------------------------------------ awkward profiles


def awkward(word: str, *, booking: str = LONG_URL, logo: bool = True, locales=("en", "es"), page_size="a4"):
    """Every field the infographic shows, filled with the worst realistic text."""

    def edit(data):
        # An 80-character name; with LETTERS it starts with the 60-letter word.
        data.update(name=NAME_80 if word == COMPOUND else f"{word} {NAME_80}"[:80], locales=list(locales),
                    page_size=page_size)
        data.pop("short_name")  # the name itself is the wordmark without a logo
        if not logo:
            data["brand"].pop("logo")
            data["brand"].pop("logo_alt")
        # Valid as written: a host label has at most 63 characters, an address's local part at most 64.
        data["links"].update(booking=booking, homepage=f"https://www.gesundheitszentrum.example/{word.lower()}/")
        data["contact"]["email"] = f"{word.lower()}@gemeinschaftspraxis-musterstadt-nord.example"
        data["extra_info"] = f"Bitte halten Sie Ihre {word} bereit. Please bring your {word} and a photo ID."
        for key in ("service_differences", "fee_differences", "staff_availability", "cancellation_differences",
                    "equipment"):
            data["policies"][key] = f"{word} {word}: {data['policies'][key]}"

    return edit


AWKWARD = {
    "compound-logo": awkward(COMPOUND),
    "letters-wordmark": awkward(LETTERS, logo=False),
    "compound-wordmark-letter": awkward(COMPOUND, logo=False, page_size="letter"),
    "letters-idn": awkward(LETTERS, booking=IDN_URL),
}


def cases() -> list[tuple[str, str]]:
    return [(name, locale) for name in AWKWARD for locale in ("en", "es")]


# ------------------------------------------------------------------ reading the page


class Page:
    """Page 1 of a PDF: its size, character boxes and filled rectangles, in pt from the bottom-left corner."""

    def __init__(self, data: bytes, rtl: bool = False):
        self.rtl = rtl  # right to left: the steps column on the right, the panel on the left
        self.document = pdfium.PdfDocument(data)  # kept: pdfium reads from it while the page lives
        self.page = self.document[0]
        self.width, self.height = self.page.get_size()
        self.text = self.page.get_textpage()

    def chars(self) -> list[tuple[str, tuple[float, float, float, float]]]:
        found = []
        for index in range(self.text.count_chars()):
            box = self.text.get_charbox(index)
            if box[2] - box[0] > 0 and box[3] - box[1] > 0:  # spaces and line ends have no box
                found.append((self.text.get_text_range(index, 1), box))
        return found

    def fills(self) -> list[tuple[float, float, float, float]]:
        """Bounds (left, bottom, right, top) of every path object on the page, nested ones included."""
        return [obj.get_bounds() for obj in self.page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,))]

    def cards(self) -> dict[str, object]:
        fills = self.fills()
        # Full-width fills that are not the page's own background.
        across = [f for f in fills if f[0] < 1 and f[2] > self.width - 1 and f[3] - f[1] < self.height - 1]
        header = max((f for f in across if f[3] > self.height - 1), key=lambda f: f[3] - f[1])
        footer = max((f for f in across if f[1] < 1), key=lambda f: f[3] - f[1])
        half = (lambda f: f[2] < self.width / 2) if self.rtl else (lambda f: f[0] > self.width / 2)
        panel = max((f for f in fills if half(f)), key=lambda f: (f[2] - f[0]) * (f[3] - f[1]))
        inner = [f for f in fills if inside(f, panel) and f != panel and (f[2] - f[0]) > 0.6 * (panel[2] - panel[0])
                 and (f[3] - f[1]) > 5 * MM]
        notes = [f for f in fills if f[1] > footer[3] and f[3] < header[1] and (f[2] - f[0]) > 0.6 * self.width]
        side = design.FIXED["side"] * MM
        journey_w = (self.width - 2 * side) * design.FIXED["journey_w"] / 100
        start = self.width - side - journey_w if self.rtl else side
        journey = (start, footer[3], start + journey_w, header[1])
        return {"header": header, "footer": footer, "panel": panel, "buttons": inner, "notes": notes,
                "journey": journey}

    def image(self, dpi: int = DPI):
        return self.page.render(scale=dpi / 72).to_pil()


def inside(box, card, epsilon: float = EPSILON) -> bool:
    return (box[0] >= card[0] - epsilon and box[1] >= card[1] - epsilon and box[2] <= card[2] + epsilon
            and box[3] <= card[3] + epsilon)


def mm(box) -> str:
    return f"{tuple(round(v / MM, 1) for v in box)} mm (left, bottom, right, top)"


def contains_centre(card, box) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return card[0] <= x <= card[2] and card[1] <= y <= card[3]


def misplaced(data: bytes, rtl: bool = False) -> list[str]:
    """Every character that is off the page or not inside its card, described."""
    page = Page(data, rtl)
    cards = page.cards()
    side = design.FIXED["side"] * MM
    margins = (side, 0.0, page.width - side, page.height)  # header and footer text keep the page margins
    problems = []
    # Cards do not overlap the bands (content must never run under the pinned footer).
    for name, card in [("panel", cards["panel"])] + [("note", note) for note in cards["notes"]]:
        if card[1] < cards["footer"][3] - EPSILON or card[3] > cards["header"][1] + EPSILON:
            problems.append(f"the {name} at {mm(card)} overlaps a band")
    for char, box in page.chars():
        where = None
        if not inside(box, (0, 0, page.width, page.height)):
            where = "the page"
        elif contains_centre(cards["header"], box):
            if not (inside(box, cards["header"]) and inside(box, margins)):
                where = "the header band"
        elif contains_centre(cards["footer"], box):
            if not (inside(box, cards["footer"]) and inside(box, margins)):
                where = "the footer band"
        elif contains_centre(cards["panel"], box):
            button = next((b for b in cards["buttons"] if contains_centre(b, box)), None)
            if not inside(box, cards["panel"]) or (button and not inside(box, button)):
                where = "the panel" if not inside(box, cards["panel"]) else "its button"
        elif any(contains_centre(note, box) for note in cards["notes"]):
            if not any(inside(box, note) for note in cards["notes"]):
                where = "the note"
        elif not inside(box, cards["journey"]):
            where = "the steps column"
        if where:
            problems.append(f"{char!r} at {mm(box)} is outside {where}")
    return problems


def decoded(data: bytes) -> list[str]:
    results = zxingcpp.read_barcodes(Page(data).image())
    return [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]


def compact(text: str) -> str:
    """``text`` without white space; pdfium reports a "-" that ends a line as "\x02" (a "soft" hyphen it would
    join the lines at), which in a printed URL is the URL's own hyphen (the renderer never adds one there)."""
    return "".join(text.replace("\x02", "-").split())


# ------------------------------------------------------------------ the QR code


@pytest.mark.parametrize(
    ("booking", "locale"),
    [("https://riverside.example/book", "en"), (IDN_URL, "es"), (PUNYCODE_URL, "en"), (LONG_URL, "en"),
     (LONG_URL, "es")],
)
def test_qr_code_reads_back_as_the_booking_link(tmp_path, booking, locale):
    folder = profiles(tmp_path, lambda d: (d["links"].update(booking=booking), d.update(locales=[locale])))
    data, content = render(profiles_dir=folder)
    assert content.links["booking"] == booking
    assert decoded(data) == [booking]


def test_qr_code_is_vector_sized_for_a_phone_and_named(tmp_path):
    data, content = render()
    page = Page(data)
    # Drawn, not pasted: the only image on the page is the logo.
    images = page.page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,))
    assert len(list(images)) == 1
    squares = sorted((f for f in page.fills() if abs((f[2] - f[0]) - (f[3] - f[1])) < 0.1 and f[2] - f[0] > 10 * MM),
                     key=lambda f: f[2] - f[0])
    assert len(squares) == 2, squares  # the dark modules (finder patterns in three corners) on the white square
    symbol, square = ((f[2] - f[0]) / MM for f in squares)
    assert 22 <= square <= 28, square
    modules = qr.size(content.links["booking"])
    # The quiet zone: four modules of white on every side of the symbol.
    assert square / symbol == pytest.approx((modules + 2 * qr.QUIET_ZONE) / modules, rel=1e-3)
    assert all(abs(squares[1][i] - squares[0][i]) == pytest.approx(qr.QUIET_ZONE * symbol / modules * MM, abs=0.05)
               for i in range(4))
    assert symbol / modules >= 0.5  # mm per module: generous for a short link
    title = f"{content.infographic.scan}: {qr.readable_url(content.links['booking'])}"
    assert title in figure_alts(data)


def test_a_dense_code_grows_so_that_modules_stay_readable():
    small, dense = qr.size("https://a.example/b"), qr.size(LONG_URL)
    assert dense > small
    for level in range(pdf.DENSITIES):
        assert design.qr_side(small, level) == design.DENSITIES[level]["qr"]
        side = design.qr_side(dense, level)
        assert side / (dense + 2 * qr.QUIET_ZONE) >= min(design.QR_MODULE_MIN, design.QR_MAX / (dense + 8)) - 1e-9
        assert 22 <= side <= design.QR_MAX


# ------------------------------------------------------------------ URLs printed in full


@pytest.mark.parametrize("booking", [IDN_URL, PUNYCODE_URL, LONG_URL])
def test_booking_url_is_printed_in_full_and_readable(tmp_path, booking):
    data, content = render(profiles_dir=profiles(tmp_path, lambda d: d["links"].update(booking=booking)))
    text = compact(page_text(data))
    readable = qr.readable_url(booking)
    assert compact(readable) in text
    assert "…" not in text and "xn--" not in text
    # The printed URL is a live link to the real target: an international host in its ASCII form (a URI).
    host = urlsplit(booking).hostname
    target = booking.replace(host, host.encode("idna").decode("ascii"))
    assert target in link_uris(data)
    assert link_uris(data).count(target) >= 2  # the booking button and the URL beside the QR code


def test_homepage_and_other_buttons_print_their_url_in_full(tmp_path):
    home = "https://www.riverside-family-health-centre-and-community-clinic.example/en/patients/"

    data, _ = render(profiles_dir=profiles(tmp_path, lambda d: d["links"].update(homepage=home)))
    text = compact(page_text(data))
    assert compact(qr.readable_url(home)) in text
    assert compact(qr.readable_url("https://riverside.example/billing")) in text
    assert "…" not in text
    assert home in link_uris(data)


def test_printed_url_breaks_only_after_its_separators():
    html = str(pdf._printed_url(LONG_URL))
    pieces = html.split("<wbr>")
    assert "".join(pieces).replace("&amp;", "&") == qr.readable_url(LONG_URL)
    assert all(piece[-1] in design.URL_BREAKS or piece.endswith("&amp;") for piece in pieces[:-1])
    assert "<wbr>" not in str(pdf._safe_url(LONG_URL))


# ------------------------------------------------------------------ nothing leaves its card


@pytest.mark.parametrize(("name", "locale"), cases(), ids=[f"{n}-{loc}" for n, loc in cases()])
def test_nothing_leaves_its_card(tmp_path, name, locale):
    data, content = render(locale=locale, profiles_dir=profiles(tmp_path, AWKWARD[name]))
    assert len(pdfium.PdfDocument(data)) == 1
    assert misplaced(data) == []
    text = page_text(data)
    assert "…" not in text  # no URL shortened; extra_info was short enough not to be clamped
    assert decoded(data) == [content.links["booking"]]


@pytest.mark.parametrize(("org", "locale"), examples(), ids=[f"{o}-{loc}" for o, loc in examples()])
def test_examples_keep_to_their_cards_and_scan(org, locale):
    content = make_content(org, locale)
    data, _ = render(org, locale)
    assert misplaced(data, content.dir == "rtl") == []
    assert decoded(data) == [content.links["booking"]]


def test_the_check_finds_text_that_leaves_its_card(tmp_path):
    """Without the wrapping rules a 60-letter word runs out of its card: the check must say so."""
    css = "templates/infographic/infographic.css"
    source = (ROOT / css).read_text(encoding="utf-8")
    loose = source.replace("overflow-wrap: anywhere;", "overflow-wrap: normal;").replace("hyphens: auto;", "")
    assert loose != source
    content = make_content("sample", None, profiles(tmp_path, AWKWARD["letters-wordmark"]))
    context = make_context(MODULE, content)
    data = pdf.render(RenderContext(content=content, assets={**context.assets, css: loose.encode()}))
    problems = {p.split(" is outside ")[1] for p in misplaced(data)}
    assert {"the header band", "the footer band"} <= problems, problems  # the wordmark and the name


def test_long_words_are_hyphenated_in_the_pages_language(tmp_path):
    """A long dictionary word breaks where the locale's hyphenation patterns allow, with a hyphen."""
    import pyphen

    word = "Electroencefalografistas"  # hyphenated by pyphen's Spanish patterns
    note = " ".join([word] * 12)

    def edit(data):
        data.update(locales=["es"], extra_info=note)

    data, _ = render(locale="es", profiles_dir=profiles(tmp_path, edit))
    document = pdfium.PdfDocument(data)
    text = document[0].get_textpage().get_text_bounded()
    allowed = {word[:i] for i in pyphen.Pyphen(lang="es").positions(word)}
    split = [line.rstrip("\u2010-") for line in text.splitlines() if line.rstrip().endswith(("\u2010", "-"))]
    heads = [line.split()[-1] for line in split if line.split() and word.startswith(line.split()[-1])]
    assert heads, text
    assert set(heads) <= allowed, (heads, allowed)


def test_awkward_profile_bytes_are_reproducible(tmp_path):
    folder = profiles(tmp_path, AWKWARD["letters-idn"])
    first, _ = render(profiles_dir=folder)
    second, _ = render(profiles_dir=folder)
    assert first == second



def test_large_preview_scans_too(tmp_path):
    """infographic-large.png (for social posts) is seen on screens: its QR code must read from the image itself."""
    import io

    from PIL import Image

    from visitkit.render import thumbnail

    folder = profiles(tmp_path, lambda d: d["links"].update(booking=LONG_URL))
    data, content = render(profiles_dir=folder)
    width = next(f.options["width"] for o in outputs.OUTPUTS for f in o.files if f.name == "infographic-large.png")
    image = Image.open(io.BytesIO(thumbnail.render(data, width)))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [content.links["booking"]]



# ------------------------------------------------------------------ spreading short content


@pytest.mark.parametrize(("org", "locale"), [("org-00003", "en"), ("org-00005", "es"), ("org-00001", "ja")])
def test_spreading_in_place_gives_the_bytes_of_a_second_layout(tmp_path, monkeypatch, org, locale):
    """Short content is spread by moving the laid-out boxes, not by laying the page out again: the PDF
    must be exactly the one a layout with --spread gives (positions, links, tags, backgrounds). The
    benchmark's synthetic organisations are short enough to be spread (the sample is not)."""
    from bench.synth import add_orgs

    add_orgs(tmp_path / "org_profiles", 6, ["en", "es", "ja"])
    content = make_content(org, locale, tmp_path / "org_profiles")
    logo = content.logo.path if content.logo else None
    names = renderer_inputs(pdf, content.icon, logo, [content.font.regular, content.font.bold])
    # the shared templates and fonts from the project, the organisation's logo and fonts from where it was made
    context = RenderContext(content=content, options={}, assets={
        name: (ROOT / name if (ROOT / name).exists() else tmp_path / name).read_bytes() for name in names})
    moved = []
    spread_in_place = pdf._spread_in_place
    monkeypatch.setattr(pdf, "_spread_in_place", lambda *a: moved.append(spread_in_place(*a)) or moved[-1])
    fast = pdf.render(context)
    monkeypatch.setattr(pdf, "SPREAD_IN_PLACE", False)
    assert fast == pdf.render(context)
    assert moved == [True]  # the page was spread, and in place

