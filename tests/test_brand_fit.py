"""The brand an organisation chooses reaches its toolkit: its accent colour (contrast-checked), its icon and
its headline, in the planned dependencies, the PDF (read back with pypdfium2) and the slide (reopened)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
import yaml
from lxml import etree
from PIL import Image, ImageChops
from pptx import Presentation

from tests.conftest import ROOT, make_content, planned_options
from visitkit import colors, icons, tasks
from visitkit.code import NO_RECORD
from visitkit.content import Content
from visitkit.render import RenderContext, design, faq_page, renderer_inputs, resources_page
from visitkit.render import pdf as pdf_renderer
from visitkit.render import pptx as pptx_renderer
from visitkit.render.raster import svg_to_png
from visitkit.render.slide import draw

SVG = "{http://www.w3.org/2000/svg}"


def profiles_with(tmp_path: Path, brand: dict[str, Any] | None = None, **top: Any) -> Path:
    """org_profiles/ holding the sample profile as ``acme``, with brand fields and top-level fields set."""
    folder = tmp_path / "org_profiles"
    shutil.copytree(ROOT / "org_profiles/sample", folder / "acme")
    data = yaml.safe_load((ROOT / "org_profiles/sample.yaml").read_text(encoding="utf-8"))
    data["brand"] = {**data["brand"], "logo": "acme/logo.png", **(brand or {})}
    data["brand"] = {key: value for key, value in data["brand"].items() if value is not None}  # None: left out
    data.update(top)
    (folder / "acme.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


def render(module: Any, content: Content, profiles: Path) -> bytes:
    """What the pipeline renders: the renderer's inputs for this org (its icon among them), read from disk."""
    logo = content.logo.path if content.logo else None
    assets = {}
    for name in renderer_inputs(module, content.icon, logo, [content.font.regular, content.font.bold]):
        base = profiles.parent if name.startswith("org_profiles/") else ROOT
        assets[name] = (base / name).read_bytes()
    options = planned_options(module.__name__, content)
    return module.render(RenderContext(content=content, assets=assets, options=options))


def page_image(data: bytes, width: int = 600) -> Image.Image:
    page = pdfium.PdfDocument(data)[0]
    return page.render(scale=width / page.get_width()).to_pil().convert("RGB")


def page_text(data: bytes) -> str:
    page = pdfium.PdfDocument(data)[0]
    return " ".join(page.get_textpage().get_text_range().split())


def slide(data: bytes) -> Any:
    return Presentation(io.BytesIO(data)).slides[0]


# ------------------------------------------------------------------ lines on pale brands

PALE = ("#FFD500", "#F5F5F0")  # a yellow and a near-white primary: lines mixed from them all but vanish


def _rgb_fills(shape: Any) -> tuple[str, bool]:
    """A shape's solid fill as #RRGGBB and whether it is drawn translucent."""
    colour = shape._element.spPr.find(draw.qn("a:solidFill") + "/" + draw.qn("a:srgbClr"))
    assert colour is not None, f"{shape.name}: not filled with an explicit colour"
    return "#" + colour.get("val"), colour.find(draw.qn("a:alpha")) is not None


@pytest.mark.parametrize("primary", PALE)
def test_the_slides_rules_show_on_a_pale_brand(tmp_path: Path, primary: str):
    """The step lines (on the page) and the panel's rules (on its tint) are opaque and reach colors.EDGE."""
    profiles = profiles_with(tmp_path, {"primary": primary, "secondary": None, "accent": None})
    content = make_content("acme", profiles_dir=profiles)
    c = content.colors
    shapes = slide(render(pptx_renderer, content, profiles)).shapes
    lines = [s for s in shapes if re.fullmatch(r"Step \d+ line", s.name)]
    rules = [s for s in shapes if s.name.endswith(" rule") and s.name not in ("Footer rule", "Steps heading rule")]
    assert len(lines) == len(content.infographic.steps) - 1 and rules
    for shape in lines + rules:
        colour, translucent = _rgb_fills(shape)
        assert not translucent, shape.name
        grounds = (c.background,) if shape in lines else (c.tint,)
        for ground in grounds:
            assert colors.contrast(colour, ground) >= colors.EDGE - 0.005, (shape.name, colour, ground)


@pytest.mark.parametrize("primary", PALE)
@pytest.mark.parametrize("module", [faq_page, resources_page], ids=["faq", "resources"])
def test_the_pages_card_borders_show_on_a_pale_brand(tmp_path: Path, primary: str, module: Any):
    """Card edges of the pages (--vk-border on the page, --vk-tint-border around tinted cards) reach colors.EDGE."""
    profiles = profiles_with(tmp_path, {"primary": primary, "secondary": None, "accent": None})
    content = make_content("acme", profiles_dir=profiles)
    page = render(module, content, profiles).decode("utf-8")
    declared = dict(re.findall(r"--vk-([a-z-]+):\s*(#[0-9A-Fa-f]{6})\s*;", page))
    background, tint = declared["bg"], declared["tint"]
    assert colors.contrast(declared["border"], background) >= colors.EDGE - 0.005, declared["border"]
    for ground in (tint, background):
        edge = declared["tint-border"]
        assert colors.contrast(edge, ground) >= colors.EDGE - 0.005, (edge, ground)


# ------------------------------------------------------------------ accent


def test_the_organisations_accent_is_used_for_headings_and_links(tmp_path: Path):
    profiles = profiles_with(tmp_path, {"primary": "#FFD500", "accent": "#1B3A5C"})
    content = make_content("acme", profiles_dir=profiles)
    assert content.colors.accent == "#1B3A5C"
    assert not [w for w in content.warnings if w.text.startswith("brand.accent")]
    assert design.colour_roles(content.colors)["link"] == "#1B3A5C"  # it reads on the tint: links use it
    # The rendered PDF paints the steps heading in it: the heading's darkest pixels are the accent.
    data = render(pdf_renderer, content, profiles)
    page = pdfium.PdfDocument(data)[0]
    textpage = page.get_textpage()
    index, count = textpage.search("How it works").get_next()
    left, bottom, _, top = textpage.get_charbox(index)
    right = textpage.get_charbox(index + count - 1)[2]
    scale, height = 4, page.get_height()
    image = page.render(scale=scale).to_pil().convert("RGB")
    box = (int(left * scale), int((height - top) * scale), int(right * scale), int((height - bottom) * scale))
    darkest = min(image.crop(box).get_flattened_data(), key=sum)
    assert max(abs(a - b) for a, b in zip(darkest, colors._rgb("#1B3A5C"), strict=True)) <= 6, darkest
    # and the slide's theme carries it as the heading colour (dk2) and the hyperlink colour
    root = etree.fromstring(slide_theme(render(pptx_renderer, content, profiles)))
    ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
    assert root.find("a:themeElements/a:clrScheme/a:dk2/a:srgbClr", ns).get("val") == "1B3A5C"
    assert root.find("a:themeElements/a:clrScheme/a:hlink/a:srgbClr", ns).get("val") == "1B3A5C"


def slide_theme(data: bytes) -> bytes:
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    return Presentation(io.BytesIO(data)).slide_master.part.part_related_by(RT.THEME).blob


@pytest.mark.parametrize("accent", ["#7FB3E0", "#E0A030", "#C8C8C8"])
def test_an_accent_that_reads_poorly_is_darkened_in_its_hue_with_a_warning(tmp_path: Path, accent: str):
    content = make_content("acme", profiles_dir=profiles_with(tmp_path, {"accent": accent}))
    used, palette = content.colors.accent, content.colors
    assert used != accent
    for ground in (palette.background, palette.tint):
        assert colors.contrast(used, ground) >= colors.BODY_TEXT
    if colors.oklch(accent)[1] > 0.05:
        assert colors.hue_difference(used, accent) <= 2.0
    page, panel = (colors.contrast(accent, ground) for ground in (palette.background, palette.tint))
    expected = (f"brand.accent {accent} on {palette.background} has contrast {page:.1f}:1 and on the panel tint "
                f"{palette.tint} has contrast {panel:.1f}:1 (needs 4.5:1); using {used} for headings and links instead")
    assert expected in [w.text for w in content.warnings if w.kind == "contrast"]


def test_an_accent_that_passes_on_the_page_but_not_on_the_panel_is_darkened(tmp_path: Path):
    # #6E6E6E is 5.1:1 on white; on the tint of a dark brand (#E7EBF3 for navy) it falls under 4.5:1.
    profiles = profiles_with(tmp_path, {"primary": "#0A1F44", "secondary": None, "accent": "#6E6E6E"})
    content = make_content("acme", profiles_dir=profiles)
    tint = content.colors.tint
    assert colors.contrast("#6E6E6E", "#FFFFFF") >= 4.5 > colors.contrast("#6E6E6E", tint)
    assert colors.contrast(content.colors.accent, tint) >= 4.5
    ratio = colors.contrast("#6E6E6E", tint)
    expected = (f"brand.accent #6E6E6E on the panel tint {tint} has contrast {ratio:.1f}:1 (needs 4.5:1); "
                f"using {content.colors.accent} for headings and links instead")
    assert expected in [w.text for w in content.warnings]


def test_without_an_accent_it_comes_from_the_primary_in_its_hue(tmp_path: Path):
    content = make_content("acme", profiles_dir=profiles_with(tmp_path, {"primary": "#FFB000", "secondary": None}))
    assert colors.contrast(content.colors.accent, content.colors.background) >= colors.BODY_TEXT
    assert colors.hue_difference(content.colors.accent, "#FFB000") <= 2.0
    assert colors.hue_difference(content.colors.secondary, "#FFB000") <= 2.0


# ------------------------------------------------------------------ icon


def test_every_icon_is_a_line_drawing_in_the_house_style():
    files = sorted(p.stem for p in (ROOT / "templates/icons").glob("*.svg"))
    assert files == sorted(icons.ICONS)
    assert set(icons.BY_VERTICAL.values()) <= set(icons.ICONS)
    reference = etree.parse(str(ROOT / "templates/icons/healthcare.svg")).getroot().attrib
    drawn = {}
    for name in icons.ICONS:
        data = (ROOT / f"templates/icons/{name}.svg").read_bytes()
        root = etree.fromstring(data)
        assert dict(root.attrib) == dict(reference), name  # viewBox, size, stroke, width, caps, joins, no fill
        assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}title").text, name
        for el in root.iter():
            tag = el.tag.removeprefix(SVG)
            assert tag in {"svg", "title", "path", "line", "polyline", "circle", "ellipse", "rect"}, (name, tag)
            assert not {"fill", "stroke", "stroke-width", "style", "class"} & set(el.attrib) or el is root, name
            assert re.fullmatch(r"(rotate\([-\d. ]+\))?", el.get("transform", "")), name
        # rasterised: inside the 64-unit box with a margin, and covering most of it
        png = Image.open(io.BytesIO(svg_to_png(data, 128))).convert("RGBA")
        left, top, right, bottom = png.getchannel("A").getbbox()
        assert left >= 2 and top >= 2 and right <= 126 and bottom <= 126, (name, png.getchannel("A").getbbox())
        assert right - left >= 80 and bottom - top >= 80, name  # the same visual weight as the others
        drawn[name] = png.getchannel("A").tobytes()
    assert len(set(drawn.values())) == len(drawn)  # every icon is its own drawing


def test_the_chosen_icon_is_planned_as_a_dependency(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    profiles_with(tmp_path, {"icon": "dental"})
    org = tasks.scan_org(Path("org_profiles/acme.yaml"), {"en", "es"})
    assert (org.vertical, org.icon) == ("healthcare", "dental")
    plan = tasks._Plan(NO_RECORD)
    jobs = {job.group: job for job in tasks.org_jobs(plan, org, "en")}
    for group in ("pdf", "pptx"):
        inputs = jobs[group].args[2]
        assert "templates/icons/dental.svg" in inputs and "templates/icons/healthcare.svg" not in inputs
        recipe = next(dep for dep in jobs[group].file_dep if dep.endswith(".sha256"))
        name = Path(recipe).stem
        assert "templates/icons/dental.svg" in plan.reads(name)  # editing the SVG rebuilds this org's files
    # without a choice, the vertical's icon
    profiles_with(tmp_path / "other")
    org = tasks.scan_org(Path("other/org_profiles/acme.yaml"), {"en", "es"})
    assert org.icon == "healthcare"


@pytest.mark.parametrize("icon", ["tooth", 3, ["dental"]])
def test_an_unknown_icon_plans_no_outputs(tmp_path: Path, monkeypatch, icon: Any):
    monkeypatch.chdir(tmp_path)
    profiles_with(tmp_path, {"icon": icon})
    assert tasks.scan_org(Path("org_profiles/acme.yaml"), {"en", "es"}).locales == ()


def test_the_chosen_icon_is_drawn_in_the_pdf_header_and_on_the_slide(tmp_path: Path):
    rendered = {}
    for icon in ("healthcare", "dental", "legal"):
        profiles = profiles_with(tmp_path / icon, {"icon": icon})
        content = make_content("acme", profiles_dir=profiles)
        assert content.icon == icon
        rendered[icon] = (content, profiles, render(pdf_renderer, content, profiles))
    # The default (the vertical's) is the same PDF as choosing it; other icons change only the icon's corner.
    default = make_content("sample")
    assert default.icon == "healthcare"
    images = {icon: page_image(data) for icon, (_, _, data) in rendered.items()}
    for icon in ("dental", "legal"):
        assert rendered[icon][2] != rendered["healthcare"][2]
        left, top, right, bottom = ImageChops.difference(images[icon], images["healthcare"]).getbbox()
        width, height = images[icon].size
        assert left > width * 0.6 and bottom < height * 0.2, (icon, (left, top, right, bottom))
    # The slide's icon picture is that icon, rasterised in the header text colour.
    for icon, (content, profiles, _) in rendered.items():
        data = render(pptx_renderer, content, profiles)
        picture = next(shape for shape in slide(data).shapes if shape.name == "Icon")
        svg = (ROOT / f"templates/icons/{icon}.svg").read_bytes()
        context = RenderContext(content=content, assets={f"templates/icons/{icon}.svg": svg})
        assert picture.image.blob == draw.icon_png(context)
    pictures = {icon: next(s for s in slide(render(pptx_renderer, c, p)).shapes if s.name == "Icon").image.blob
                for icon, (c, p, _) in rendered.items()}
    assert len(set(pictures.values())) == 3


# ------------------------------------------------------------------ headline


def test_the_headline_replaces_the_infographic_and_slide_title_per_locale(tmp_path: Path):
    headline = {"en": "Your dental check-up by video", "es": "Su revisión dental por vídeo"}
    profiles = profiles_with(tmp_path, {"icon": "dental"}, locales=["en", "es"], headline=headline)
    for locale in ("en", "es"):
        content = make_content("acme", locale, profiles_dir=profiles)
        assert content.infographic.title == headline[locale]
        text = page_text(render(pdf_renderer, content, profiles))
        assert headline[locale] in text
        assert "Join a virtual health visit" not in text and "Únase a una visita" not in text
        title = slide(render(pptx_renderer, content, profiles)).shapes.title
        assert title is not None and title.is_placeholder
        assert " ".join(title.text_frame.text.split()) == headline[locale]
        # the email and the pages keep their own headings
        assert content.campaign.heading != headline[locale] and content.faq.title != headline[locale]


def test_one_headline_string_stands_for_every_locale_and_is_shown_as_text(tmp_path: Path):
    headline = "<b>Smile</b> & see us by video"
    profiles = profiles_with(tmp_path, locales=["en", "es"], headline=headline)
    content = make_content("acme", "es", profiles_dir=profiles)
    assert content.infographic.title == headline
    assert headline in page_text(render(pdf_renderer, content, profiles))  # escaped: markup shows as typed


def test_without_a_headline_the_verticals_title_stays(tmp_path: Path):
    content = make_content("acme", profiles_dir=profiles_with(tmp_path))
    assert content.infographic.title == "Join a virtual health visit"


@pytest.mark.parametrize("page_size", ["a4", "letter"])
def test_a_headline_of_the_longest_allowed_length_fits_the_header_in_two_lines(tmp_path: Path, page_size: str):
    from visitkit.profile import HEADLINE_CHARS

    headline = "Your dental check-up by video, from home, on any weekday now"
    assert len(headline) == HEADLINE_CHARS
    profiles = profiles_with(tmp_path, headline=headline, page_size=page_size)
    content = make_content("acme", profiles_dir=profiles)
    page = pdfium.PdfDocument(render(pdf_renderer, content, profiles))[0]
    textpage = page.get_textpage()
    assert " ".join(textpage.get_text_range().split()).count(headline) == 1
    first = textpage.search("Your dental").get_next()[0]
    last = sum(textpage.search("weekday now").get_next()) - 1
    boxes = [textpage.get_charbox(i) for i in range(first, last + 1) if textpage.get_text_range(i, 1).strip()]
    assert len(boxes) == len(headline.replace(" ", ""))
    middles = sorted((box[1] + box[3]) / 2 for box in boxes)
    lines = 1 + sum(1 for a, b in zip(middles, middles[1:], strict=False) if b - a > 12)  # 12 pt: under a line
    assert lines <= 2, middles
    subtitle = textpage.search(content.infographic.subtitle.split()[0]).get_next()[0]
    assert min(box[1] for box in boxes) > textpage.get_charbox(subtitle)[3]  # wholly above the subtitle
    assert max(box[2] for box in boxes) < page.get_width()  # and inside the page


# ------------------------------------------------------------------ the build


def test_choosing_an_icon_rebuilds_that_org_and_editing_it_rebuilds_only_its_users(project: Path):
    from tests.pipeline_support import doit, example_orgs, ran, rendered

    org = "sunvale-health"
    locales = example_orgs()[org]
    path = project / f"org_profiles/{org}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^brand:\n", "brand:\n  icon: dental\n", text, count=1), encoding="utf-8")
    before = (project / f"build/{org}/{locales[0]}/infographic.pdf").read_bytes()
    first = doit(project)
    assert first.returncode == 0, first.stdout + first.stderr
    assert {name.split(":")[1].split("/")[0] for name in ran(first) if ":" in name and "/" in name} == {org}
    assert (project / f"build/{org}/{locales[0]}/infographic.pdf").read_bytes() != before
    # The SVG is a dependency of exactly the PDF and slide tasks of the organisations that show it.
    icon = project / "templates/icons/dental.svg"
    drawing = icon.read_text(encoding="utf-8")
    assert '<path d="M17 19 ' in drawing
    icon.write_text(drawing.replace('<path d="M17 19 ', '<path d="M18 20 '), encoding="utf-8")  # the shine moves
    second = doit(project)
    assert second.returncode == 0, second.stdout + second.stderr
    users = [name for name, langs in example_orgs().items()  # sunvale now, and any example that chose it already
             if make_content(name, langs[0], profiles_dir=project / "org_profiles").icon == "dental"]
    assert org in users
    expected = set().union(*(rendered(name, example_orgs()[name], ("pdf", "pptx")) for name in users))
    assert ran(second) == expected | {"recipe:pdf-dental", "recipe:pptx-dental"}
