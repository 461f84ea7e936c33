"""WCAG 2.2 contrast, and brand palettes that stay readable whatever the brand colours."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, make_content
from visitkit import colors


@pytest.mark.parametrize(
    ("a", "b", "ratio"),
    [("#FFFFFF", "#000000", 21.0), ("#777777", "#FFFFFF", 4.48), ("#FFD500", "#FFFFFF", 1.42),
     ("#0A1F44", "#FFFFFF", 16.25)],
)
def test_contrast_follows_the_wcag_formula(a: str, b: str, ratio: float):
    assert colors.contrast(a, b) == pytest.approx(ratio, abs=0.01)
    assert colors.contrast(b, a) == colors.contrast(a, b)


def test_adjust_reaches_the_minimum_and_keeps_colours_that_pass():
    assert colors.adjust_for("#0A1F44", "#FFFFFF", 4.5) == "#0A1F44"
    darker = colors.adjust_for("#FFD500", "#FFFFFF", 4.5)
    assert colors.contrast(darker, "#FFFFFF") >= 4.5
    lighter = colors.adjust_for("#334455", "#0A1F44", 4.5)
    assert colors.contrast(lighter, "#0A1F44") >= 4.5


def _palette_for(tmp_path: Path, brand: dict) -> tuple:
    folder = tmp_path / "org_profiles"
    (folder / "sample").mkdir(parents=True)
    (folder / "sample/logo.png").write_bytes((ROOT / "org_profiles/sample/logo.png").read_bytes())
    data = yaml.safe_load((ROOT / "org_profiles/sample.yaml").read_text())
    data["brand"] = {**{k: v for k, v in data["brand"].items() if k not in ("primary", "secondary")}, **brand}
    (folder / "sample.yaml").write_text(yaml.safe_dump(data))
    content = make_content("sample", "en", profiles_dir=folder)
    return content.colors, [w.text for w in content.warnings]


@pytest.mark.parametrize(
    "brand",
    [
        {"primary": "#FFD500"},  # yellow on white
        {"primary": "#FFD500", "background": "#FFFFFF", "text": "#BBBBBB"},  # and pale text
        {"primary": "#0A1F44"},  # dark navy
        {"primary": "#0A1F44", "background": "#0A1F44", "text": "#12264F"},  # navy page, navy text
        {"primary": "#0077B6", "secondary": "#00B4D8"},  # mid blue to light cyan
    ],
)
def test_every_text_pair_passes(tmp_path: Path, brand: dict):
    palette, warnings = _palette_for(tmp_path, brand)
    body = [(palette.text, palette.background), (palette.accent, palette.background),
            (palette.muted, palette.background), (palette.on_primary, palette.button)]
    header = [(palette.on_primary, palette.primary), (palette.on_primary, palette.secondary)]
    for fg, bg in itertools.chain(body, header):
        assert colors.contrast(fg, bg) >= colors.BODY_TEXT, (fg, bg)


def test_yellow_brand_is_adjusted_with_a_warning(tmp_path: Path):
    palette, warnings = _palette_for(tmp_path, {"primary": "#FFD500"})
    assert palette.primary == "#FFD500"  # the header keeps the brand, with dark text on it
    assert palette.on_primary == colors.INK
    assert palette.accent != "#FFD500"  # headings and links on white are darkened
    assert any(w.startswith("brand.primary #FFD500 on #FFFFFF has contrast 1.4:1") for w in warnings), warnings


def test_navy_brand_needs_no_adjustment(tmp_path: Path):
    palette, warnings = _palette_for(tmp_path, {"primary": "#0A1F44"})
    assert palette.primary == palette.accent == palette.button == "#0A1F44"
    assert palette.on_primary == colors.WHITE
    assert [w for w in warnings if w.startswith("brand.")] == []


def test_example_orgs_build_readable_palettes():
    for path in sorted((ROOT / "org_profiles").glob("*.yaml")):
        palette = make_content(path.stem).colors
        assert colors.contrast(palette.on_primary, palette.secondary) >= colors.BODY_TEXT, path.stem


# ------------------------------------------------------------------ OKLCH


@pytest.mark.parametrize(
    ("colour", "lch"),
    # Reference values: CSS Color 4's oklch() of these sRGB colours (Ottosson's matrices).
    [("#FFFFFF", (1.0, 0.0, None)), ("#000000", (0.0, 0.0, None)), ("#FF0000", (0.6280, 0.2577, 29.23)),
     ("#00FF00", (0.8664, 0.2948, 142.50)), ("#0000FF", (0.4520, 0.3132, 264.05))],
)
def test_oklch_matches_the_published_definition(colour: str, lch: tuple):
    lightness, chroma, hue = colors.oklch(colour)
    assert lightness == pytest.approx(lch[0], abs=2e-4)
    assert chroma == pytest.approx(lch[1], abs=2e-4)
    if lch[2] is not None:
        assert hue == pytest.approx(lch[2], abs=0.05)


def test_oklch_round_trips_every_channel_value():
    # Every 8-bit value of each channel, with the other two at the gamut's corners and middle, and every grey.
    samples = {f"#{v:02X}{v:02X}{v:02X}" for v in range(256)}
    for v, a, b in itertools.product(range(256), (0, 128, 255), (0, 128, 255)):
        samples |= {f"#{v:02X}{a:02X}{b:02X}", f"#{a:02X}{v:02X}{b:02X}", f"#{a:02X}{b:02X}{v:02X}"}
    for colour in samples:
        assert colors.from_oklch(*colors.oklch(colour)) == colour


@pytest.mark.parametrize(("L", "C", "H"), [(0.9, 0.3, 95), (0.5, 0.4, 30), (0.3, 0.25, 265), (0.97, 0.1, 200)])
def test_out_of_gamut_colours_lose_chroma_only(L: float, C: float, H: float):  # noqa: N803
    assert not colors.in_gamut(L, C, H)
    mapped = colors.from_oklch(L, C, H)
    l2, c2, h2 = colors.oklch(mapped)
    assert l2 == pytest.approx(L, abs=0.006)  # one 8-bit step
    assert c2 < C
    assert abs(h2 - H) < 1.5
    # the most chroma that fits: a little more leaves sRGB
    limit = colors.max_chroma(L, H)
    assert colors.in_gamut(L, limit, H) and not colors.in_gamut(L, limit + 0.005, H)
    assert c2 == pytest.approx(limit, abs=0.01)


BRANDS = {"yellow": "#FFD500", "amber": "#FFB000", "blue": "#3BA3FF", "red": "#FF4D4D", "teal": "#2EC4B6"}


@pytest.mark.parametrize("name", sorted(BRANDS))
@pytest.mark.parametrize(("background", "minimum"), [("#FFFFFF", 4.5), ("#FFFFFF", 7.0), ("#FFF8E7", 4.5)])
def test_adjusting_for_contrast_keeps_the_hue(name: str, background: str, minimum: float):
    brand = BRANDS[name]
    adjusted = colors.adjust_for(brand, background, minimum)
    assert colors.contrast(adjusted, background) >= minimum
    assert colors.contrast(adjusted, background) < minimum + 0.2  # just enough: no darker than needed
    assert colors.hue_difference(adjusted, brand) <= 2.0, adjusted  # sRGB mixing moved yellow 4–13° (olive)
    # as much chroma as that lightness has: within a step of the gamut's edge or the brand's own chroma
    lightness, chroma, hue = colors.oklch(adjusted)
    assert chroma >= min(colors.oklch(brand)[1], colors.max_chroma(lightness, hue)) - 0.01


def test_adjusting_lightens_on_dark_backgrounds_and_keeps_the_hue():
    adjusted = colors.adjust_for("#1B4F8A", "#0A1F44", 4.5)
    assert colors.contrast(adjusted, "#0A1F44") >= 4.5
    assert colors.luminance(adjusted) > colors.luminance("#1B4F8A")
    assert colors.hue_difference(adjusted, "#1B4F8A") <= 2.0


@pytest.mark.parametrize("primary", [*BRANDS.values(), "#0B6E4F", "#0A1F44", "#5B2A86", "#111111"])
def test_derived_secondary_is_a_lightness_step_in_the_same_hue(primary: str):
    secondary = colors.secondary_for(primary)
    (l1, c1, _), (l2, c2, _) = colors.oklch(primary), colors.oklch(secondary)
    assert abs(l2 - l1) == pytest.approx(colors.SECONDARY_STEP, abs=0.01)
    if c1 > 0.03:  # greys have no hue to keep
        assert colors.hue_difference(secondary, primary) <= 2.0
        assert c2 >= 0.6 * c1  # not muddied towards grey


@pytest.mark.parametrize("primary", ["#FFD500", "#FFB000", "#F5F5F0", "#FFFFFF", "#111111", "#0077B6"])
@pytest.mark.parametrize("background", ["#FFFFFF", "#FAF7F0", "#0A1F44"])
def test_tints_and_rules_are_visible_in_the_brand_hue(primary: str, background: str):
    from visitkit.render import design

    tint = colors.tint_for(primary, background)
    assert colors.contrast(tint, background) >= colors.TINT
    rule = colors.edge_for(colors.mix_oklab(tint, primary, design.RULE_MIX), (tint, background))
    assert colors.contrast(rule, tint) >= colors.EDGE and colors.contrast(rule, background) >= colors.EDGE
    if colors.oklch(primary)[1] > 0.05:
        assert colors.hue_difference(tint, primary) <= 6.0  # 8-bit steps of a pale colour move its hue a little
        assert colors.hue_difference(rule, primary) <= 4.0


def test_a_brand_near_the_background_gets_buttons_that_show(tmp_path: Path):
    palette, warnings = _palette_for(tmp_path / "pale", {"primary": "#F5F5F0"})
    assert palette.primary == "#F5F5F0"  # the header keeps the brand
    assert colors.distance(palette.button, palette.background) >= colors.SHAPE
    assert colors.distance(palette.button, palette.tint) >= colors.SHAPE
    assert colors.contrast(palette.on_primary, palette.button) >= colors.BODY_TEXT
    assert f"using {palette.button} for buttons and step numbers instead" in " ".join(warnings)
    # a yellow brand is plainly seen on white although its contrast ratio is 1.4:1: it keeps its buttons
    palette, _ = _palette_for(tmp_path / "yellow", {"primary": "#FFD500"})
    assert palette.button == "#FFD500"
