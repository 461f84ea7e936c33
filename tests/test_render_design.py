"""One design, two documents: the PDF and the slide read the same design tokens (visitkit/render/design.py).

For every example organisation and locale the main regions of the PDF (read back with pypdfium2:
path objects and character boxes) and of the slide (re-opened with python-pptx: shape boxes in EMU)
must lie within TOLERANCE_MM of each other; changing a token must move both.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml
from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from tests.conftest import ROOT, make_content, make_context
from visitkit.render import RenderContext, balanced_lines, design, email_logo, pdf, pptx, qr, raster, renderer_inputs
from visitkit.render.slide import draw as slide_draw
from visitkit.render.slide import layout as slide_layout

# The slide follows the CSS within this much (measured: within 2 mm for the examples set in their own fonts).
TOLERANCE_MM = 3.0
MM = 72 / 25.4  # pt per mm
EMU_PER_MM = 36_000

Box = tuple[float, float, float, float]  # left, top, width, height in mm from the page's top-left corner


def examples() -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "org_profiles").glob("*.yaml")):
        locales = yaml.safe_load(path.read_text(encoding="utf-8")).get("locales") or ["en"]
        found += [(path.stem, locale) for locale in locales]
    return found


# ------------------------------------------------------------------ reading the boxes back


class PdfPage:
    """Boxes on the PDF's page, in mm from its top-left corner."""

    def __init__(self, data: bytes, rtl: bool = False):
        self.rtl = rtl  # right to left: the steps on the right half, the panel on the left
        self.document = pdfium.PdfDocument(data)  # kept: pdfium reads from it while the page lives
        self.page = self.document[0]
        width, self.height = self.page.get_size()
        self.width_mm, self.height_mm = width / MM, self.height / MM
        self.text = self.page.get_textpage()

    def _box(self, left: float, bottom: float, right: float, top: float) -> Box:
        return left / MM, (self.height - top) / MM, (right - left) / MM, (top - bottom) / MM

    def paths(self) -> list[Box]:
        objects = self.page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=1)
        return [self._box(*obj.get_bounds()) for obj in objects]

    def text_box(self, text: str, within: Box) -> Box:
        """The union of the character boxes of the first occurrence of ``text`` that starts in ``within``."""
        if self.rtl:
            return self._rtl_text_box(text, within)
        searcher = self.text.search(text, match_case=True)
        while found := searcher.get_next():
            start, count = found
            boxes = [self.text.get_charbox(i) for i in range(start, start + count)]
            boxes = [b for b in boxes if b[2] > b[0] and b[3] > b[1]]  # spaces have no box
            box = self._box(min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                            max(b[3] for b in boxes))
            if within[0] <= box[0] <= within[0] + within[2] and within[1] <= box[1] <= within[1] + within[3]:
                return box
        raise AssertionError(f"{text!r} is not on the PDF's page in {within}")

    def _rtl_text_box(self, text: str, within: Box) -> Box:
        """``text`` found word by word, each word as a multiset of letters: pdfium returns right-to-left text with
        its marks (harakat) moved and lam-alef ligatures' letters swapped, so neither order nor marks can be
        compared. The union of the first match of every word that lies in ``within``."""
        words: list[tuple[str, list[int]]] = [("", [])]
        for index in range(self.text.count_chars()):
            char = self.text.get_text_range(index, 1)
            if not char.strip():
                words.append(("", []))
            elif _fold(char):
                words[-1] = (words[-1][0] + _fold(char), [*words[-1][1], index])
        words = [w for w in words if w[0]]
        # A mark pdfium moves off its letter may split a word in two ("موعد ً ا"): windows of up to 3 pieces.
        pieces = [("".join(w[0] for w in words[i:i + n]), [k for w in words[i:i + n] for k in w[1]])
                  for i in range(len(words)) for n in (1, 2, 3)]
        boxes = []
        for wanted in filter(None, map(_fold, text.split())):
            for letters, indexes in pieces:
                if sorted(letters) != sorted(wanted):
                    continue
                chars = [self.text.get_charbox(i) for i in indexes]
                box = self._box(min(b[0] for b in chars), min(b[1] for b in chars), max(b[2] for b in chars),
                                max(b[3] for b in chars))
                if within[0] <= box[0] <= within[0] + within[2] and within[1] <= box[1] <= within[1] + within[3]:
                    boxes.append(box)
                    break
            else:
                raise AssertionError(f"{wanted!r} is not on the PDF's page in {within}")
        left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
        return left, top, max(b[0] + b[2] for b in boxes) - left, max(b[1] + b[3] for b in boxes) - top

    def left(self) -> Box:
        return 0.0, 0.0, self.width_mm / 2, self.height_mm

    def right(self) -> Box:
        return self.width_mm / 2, 0.0, self.width_mm / 2, self.height_mm

    def journey_half(self) -> Box:
        return self.right() if self.rtl else self.left()

    def panel_half(self) -> Box:
        return self.left() if self.rtl else self.right()

    def regions(self) -> dict[str, Any]:
        paths = self.paths()
        across = [p for p in paths if p[0] < 0.5 and p[2] > self.width_mm - 1 and p[3] < self.height_mm - 1]
        header = max((p for p in across if p[1] < 0.5), key=lambda p: p[3])  # the gradient band at the top
        footer = min((p for p in across if p[1] + p[3] > self.height_mm - 0.5), key=lambda p: p[1])
        if self.rtl:
            panel = max((p for p in paths if p[0] + p[2] < self.width_mm / 2), key=lambda p: p[2] * p[3])
        else:
            panel = max((p for p in paths if p[0] > self.width_mm / 2), key=lambda p: p[2] * p[3])
        side = design.FIXED["side"]

        def at_side(p: Box) -> bool:  # the step numbers touch the margin the text starts from
            return abs(self.width_mm - p[0] - p[2] - side) < 0.3 if self.rtl else abs(p[0] - side) < 0.3

        numbers = sorted(
            (p for p in paths if abs(p[2] - p[3]) < 0.05 and at_side(p) and p[1] > header[3]),
            key=lambda p: p[1],
        )
        return {"header": header, "footer": footer, "panel": panel, "numbers": numbers}


def _fold(text: str) -> str:
    """Letters only: compatibility forms folded, marks and format characters left out."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c)[0] not in "MCZ")


class Slide:
    """Shape boxes of the slide, in mm, by shape name."""

    def __init__(self, data: bytes):
        prs = Presentation(io.BytesIO(data))
        self.shapes = {
            shape.name: tuple(v / EMU_PER_MM for v in (shape.left, shape.top, shape.width, shape.height))
            for shape in prs.slides[0].shapes
        }

    def regions(self) -> dict[str, Any]:
        numbers = sorted((box for name, box in self.shapes.items() if re.fullmatch(r"Step \d+ number", name)),
                         key=lambda box: box[1])
        return {"header": self.shapes["Header"], "footer": self.shapes["Footer band"], "panel": self.shapes["Panel"],
                "numbers": numbers}


def render_both(org: str, locale: str) -> tuple[Any, PdfPage, Slide]:
    content = make_content(org, locale)
    pdf_bytes = pdf.render(make_context("visitkit.render.pdf", content))
    pptx_bytes = pptx.render(make_context("visitkit.render.pptx", content))
    return content, PdfPage(pdf_bytes, rtl=content.dir == "rtl"), Slide(pptx_bytes)


def assert_near(name: str, a: float, b: float, tolerance: float = TOLERANCE_MM) -> None:
    assert abs(a - b) <= tolerance, f"{name}: PDF {a:.1f} mm, slide {b:.1f} mm"


def assert_inside(name: str, glyphs: Box, box: Box, tolerance: float = TOLERANCE_MM) -> None:
    """The PDF's glyphs of a text lie in the slide's text box (grown by the tolerance on every side)."""
    left, top, width, height = box
    assert glyphs[0] >= left - tolerance and glyphs[1] >= top - tolerance, (name, glyphs, box)
    assert glyphs[0] + glyphs[2] <= left + width + tolerance, (name, glyphs, box)
    assert glyphs[1] + glyphs[3] <= top + height + tolerance, (name, glyphs, box)


# ------------------------------------------------------------------ the PDF and the slide agree


@pytest.fixture(scope="module", params=examples(), ids=lambda p: f"{p[0]}-{p[1]}")
def both(request) -> tuple[Any, PdfPage, Slide]:
    return render_both(*request.param)


def test_header_band_and_footer_match(both):
    _, page, slide = both
    a, b = page.regions(), slide.regions()
    assert_near("header band bottom", a["header"][3], b["header"][3])
    assert_near("footer band top", a["footer"][1], b["footer"][1])


def test_steps_column_matches(both):
    content, page, slide = both
    a, b = page.regions(), slide.regions()
    assert len(a["numbers"]) == len(b["numbers"]) == len(content.infographic.steps)
    for number, (mine, theirs) in enumerate(zip(a["numbers"], b["numbers"], strict=True), 1):
        assert_near(f"step {number} number, top", mine[1], theirs[1])
        assert_near(f"step {number} number, size", mine[2], theirs[2], 0.1)
    for number, step in enumerate(content.infographic.steps, 1):
        words = step.title.split()
        glyphs = page.text_box(" ".join(words[:2]), page.journey_half())
        assert_inside(f"step {number} heading", glyphs, slide.shapes[f"Step {number}"])
    heading = content.infographic.steps_heading
    assert_inside("steps heading", page.text_box(heading, page.journey_half()), slide.shapes["Steps heading"])


def test_call_to_action_panel_matches(both):
    content, page, slide = both
    a, b = page.regions(), slide.regions()
    for index, edge in enumerate(("left", "top", "width", "height")):
        assert_near(f"panel {edge}", a["panel"][index], b["panel"][index])
    for cta in content.infographic.ctas:
        label = " ".join(cta.label.split()[:2])
        assert_inside(f"button {cta.id}", page.text_box(label, page.panel_half()), slide.shapes[f"Button: {cta.id}"])


def test_qr_card_matches(both):
    """The booking link's card: the white card, the code in its corner, the caption (and URL) beside it."""
    content, page, slide = both
    paths = page.paths()
    for name in ("QR card", "QR code background"):
        box = slide.shapes[name]
        nearest = min(paths, key=lambda p: sum(abs(a - b) for a, b in zip(p, box, strict=True)))
        for index, edge in enumerate(("left", "top", "width", "height")):
            assert_near(f"{name} {edge}", nearest[index], box[index], 1.0)
    modules = qr.size(content.links["booking"])
    side = slide.shapes["QR code background"][2]
    assert any(abs(side - design.qr_side(modules, level)) < 0.05 for level in range(len(design.DENSITIES))), side
    caption = " ".join(content.infographic.scan.split()[:2])
    assert_inside("QR caption", page.text_box(caption, page.panel_half()), slide.shapes["QR caption"], 1.0)
    below = "Booking URL" in slide.shapes
    assert below == (len(qr.readable_url(content.links["booking"])) > design.URL_BESIDE_QR)


def test_title_matches(both):
    content, page, slide = both
    header = page.regions()["header"]
    for line in balanced_lines(content.infographic.title):
        assert_inside("title", page.text_box(line, header), slide.shapes["Title"])


# ------------------------------------------------------------------ one token moves both


def test_changing_a_token_moves_both_documents(monkeypatch):
    content = make_content("sample")
    source = (ROOT / "templates/infographic/infographic.css").read_text(encoding="utf-8")
    assert "--side: 16mm;" in pdf.stylesheet(source)
    before_pdf, before_slide = PdfPage(pdf.render(make_context("visitkit.render.pdf", content))), Slide(
        pptx.render(make_context("visitkit.render.pptx", content))
    )

    monkeypatch.setitem(design.FIXED, "side", 22.0)
    assert "--side: 22mm;" in pdf.stylesheet(source)  # the CSS the PDF is laid out with
    after_pdf, after_slide = PdfPage(pdf.render(make_context("visitkit.render.pdf", content))), Slide(
        pptx.render(make_context("visitkit.render.pptx", content))
    )
    for name, old, new in (("PDF", before_pdf, after_pdf), ("slide", before_slide, after_slide)):
        old_numbers, new_numbers = old.regions()["numbers"], new.regions()["numbers"]
        assert [round(box[0], 1) for box in old_numbers] == [16.0] * len(old_numbers), name
        assert [round(box[0], 1) for box in new_numbers] == [22.0] * len(new_numbers), name
        old_panel, new_panel = old.regions()["panel"], new.regions()["panel"]
        assert round(old_panel[0] + old_panel[2], 1) == 194.0 and round(new_panel[0] + new_panel[2], 1) == 188.0, name


def test_changing_a_density_token_moves_both_documents(monkeypatch):
    content = make_content("sample")
    before = render_regions(content)
    for level in design.DENSITIES:
        monkeypatch.setitem(level, "head_bottom", level["head_bottom"] + 4)
    assert re.search(r"\.d0 \{[^}]*--head-bottom: 18mm;", design.css())
    after = render_regions(content)
    for name in ("PDF", "slide"):
        grown = after[name]["header"][3] - before[name]["header"][3]
        assert grown == pytest.approx(4.0, abs=0.05), name


def render_regions(content: Any) -> dict[str, dict[str, Any]]:
    return {
        "PDF": PdfPage(pdf.render(make_context("visitkit.render.pdf", content))).regions(),
        "slide": Slide(pptx.render(make_context("visitkit.render.pptx", content))).regions(),
    }


def test_every_token_is_read_by_the_css_and_the_slide():
    css = (ROOT / "templates/infographic/infographic.css").read_text(encoding="utf-8")
    code = (ROOT / "visitkit/render/pdf.py").read_text(encoding="utf-8")
    slide = "".join((ROOT / "visitkit/render/slide" / f"{m}.py").read_text(encoding="utf-8")
                    for m in ("text", "layout", "draw"))
    for name in {**design.FIXED, **design.DENSITIES[0]}:
        in_css = f"var(--{name.replace('_', '-')})" in css or f'"{name}"' in code
        assert in_css, f"the PDF does not read the token {name}"
        assert f'"{name}"' in slide or name.startswith("t_"), f"the slide does not read the token {name}"
    # The density levels live in design.py only: the CSS gets them generated.
    assert not re.search(r"\.d[0-5]\s*\{", css), "density classes are generated from design.py"


def test_generated_css_holds_every_token_with_its_unit():
    css = design.css()
    assert css.startswith(":root {") and "--side: 16mm;" in css and "--line: 1.38;" in css
    assert "--title-tracking: -0.012em;" in css and "--journey-w: 57%;" in css
    for level, values in enumerate(design.DENSITIES):
        rule = re.search(rf"\.d{level} \{{([^}}]*)\}}", css).group(1)
        assert rule.count("--") == len(values)
        assert f"--t-xl: {values['t_xl']:g}pt;" in rule and f"--head-top: {values['head_top']:g}mm;" in rule


# ------------------------------------------------------------------ shared decisions


def test_both_renderers_use_the_one_display_url_link_colour_and_cut_off():
    assert pdf.design is design and slide_layout.design is design
    assert design.display_url("https://www.Example.org/book/") == "Example.org/book"
    long = "https://example.org/" + "x" * 80
    assert design.display_url(long) == ("example.org/" + "x" * 80)[:41] + "…"
    assert len(design.display_url(long, design.URL_LIMIT_FOOTER)) == design.URL_LIMIT_FOOTER
    content = make_content("sample")
    roles = design.colour_roles(content.colors)
    assert roles["link"] == design.link_colour(content.colors)
    prs = Presentation(io.BytesIO(pptx.render(make_context("visitkit.render.pptx", content))))
    theme = prs.slide_master.part.part_related_by(RT.THEME).blob.decode()
    assert f'<a:hlink><a:srgbClr val="{roles["link"].lstrip("#")}"/></a:hlink>' in theme
    css = pdf._variable_css(make_context("visitkit.render.pdf", content))
    assert f"--link: {roles['link']};" in css and f"--rule: {roles['rule']};" in css


@pytest.mark.parametrize(
    ("svg", "size"),
    [
        ('viewBox="0 0 300 60" width="10" height="10"', (300.0, 60.0)),  # the viewBox wins
        ('viewBox="0,0,200,100"', (200.0, 100.0)),
        ('width="300px" height="60"', (300.0, 60.0)),
        ('width="80mm" height="20mm"', (80 * 96 / 25.4, 20 * 96 / 25.4)),  # any absolute unit
        ('width="2in" height="48pt"', (192.0, 64.0)),
        ('viewBox="0 0 wide tall" width="90" height="30"', (90.0, 30.0)),  # a malformed viewBox counts as none
        ("", design.SVG_ASPECT),  # no size at all: a typical wordmark
        ('width="100%" height="100%"', design.SVG_ASPECT),  # relative: no size of its own
    ],
)
def test_svg_size_rule(svg, size):
    data = f'<svg xmlns="http://www.w3.org/2000/svg" {svg}><rect width="30" height="10"/></svg>'.encode()
    assert design.svg_size(data) == pytest.approx(size)
    assert raster.svg_size is design.svg_size


def test_svg_logo_without_viewbox_has_one_aspect_everywhere(tmp_path: Path):
    """The PDF, the slide and the email's logo.png draw an SVG without size or viewBox alike (4:1)."""
    import shutil

    folder = tmp_path / "org_profiles"
    shutil.copytree(ROOT / "org_profiles/sample", folder / "sample")
    (folder / "sample/logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="120" height="30" '
                                           'fill="#0B6E4F"/></svg>')
    data = yaml.safe_load((ROOT / "org_profiles/sample.yaml").read_text(encoding="utf-8"))
    data["brand"]["logo"] = "sample/logo.svg"
    (folder / "sample.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    content = make_content("sample", profiles_dir=folder)
    svg = (folder / "sample/logo.svg").read_bytes()
    names = renderer_inputs(pptx, content.icon, content.logo.path, [content.font.regular, content.font.bold])
    assets = {name: svg if name == content.logo.path else (ROOT / name).read_bytes() for name in names}
    context = RenderContext(content=content, assets=assets)
    expected = design.SVG_ASPECT[0] / design.SVG_ASPECT[1]

    logo = pdf._logo(context)
    assert logo["width"] / logo["height"] == pytest.approx(expected, rel=0.01)
    slide = Slide(pptx.render(context)).shapes["Logo"]
    assert slide[2] / slide[3] == pytest.approx(expected, rel=0.01)
    png, ratio = slide_draw.logo_png(context)
    assert ratio == pytest.approx(expected)
    width, height = email_logo.logo_size(svg, "svg")
    assert width / height == pytest.approx(expected, rel=0.02)
