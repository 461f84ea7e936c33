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
