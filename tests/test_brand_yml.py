"""A profile's brand taken from a brand.yml file (``brand: {from: acme/_brand.yml}``): mapping, errors, build."""

from __future__ import annotations

import os
import re
import shutil
import textwrap
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.conftest import ROOT
from tests.pipeline_support import doit, example_orgs, ran, rendered
from visitkit import tasks
from visitkit.profile import MAX_PROFILE_BYTES, ProfileError, load_profile

LOCALES = {"en", "es"}
PROFILE = """\
vertical: healthcare
brand:
  from: acme/_brand.yml
links:
  booking: https://acme.example/book
"""
BRAND = """\
meta:
  name:
    full: Acme Family Clinic
    short: Acme
  link:
    home: https://acme.example/
    github: https://github.example/acme
color:
  palette:
    blue: "#1D4ED8"
    night: "#123"
    sky: blue
  primary: blue
  secondary: sky
  foreground: night
  background: ivory
  info: primary
  tertiary: "rgba(0, 0, 0, 0.5)"
logo:
  images:
    mark: {path: mark.png, alt: Acme mark}
    wordmark: {path: images/wordmark.png, alt: Acme Family Clinic logo}
  small: mark
  medium:
    light: wordmark
    dark: mark
typography:
  fonts:
    - family: Acme Sans
      source: file
      files:
        - path: fonts/AcmeSans-Bold.otf
          weight: bold
        - path: fonts/AcmeSans-Italic.otf
          style: italic
        - path: fonts/AcmeSans-Regular.otf
          weight: 400
    - family: Roboto Slab
      source: google
      weight: [400, 700]
  base:
    family: Acme Sans
    line-height: 1.5
  headings: Roboto Slab
"""


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "org_profiles"
    (folder / "acme/images").mkdir(parents=True)
    (folder / "acme/fonts").mkdir()
    shutil.copy(ROOT / "org_profiles/sample/logo.png", folder / "acme/mark.png")
    shutil.copy(ROOT / "org_profiles/sample/logo.png", folder / "acme/images/wordmark.png")
    # the bundled font under another family's name: the family written is the brand.yml's
    for weight in ("Regular", "Bold"):
        shutil.copy(ROOT / f"templates/fonts/Inter-{weight}.otf", folder / f"acme/fonts/AcmeSans-{weight}.otf")
    (folder / "acme/fonts/AcmeSans-Italic.otf").write_bytes(b"not read: italic files are not used")
    (folder / "acme.yaml").write_text(PROFILE)
    (folder / "acme/_brand.yml").write_text(BRAND)
    return folder


def load(profiles: Path):
    return load_profile(profiles / "acme.yaml", LOCALES, display="org_profiles/acme.yaml")


def errors(profiles: Path, brand: str | None = None, profile: str | None = None) -> list[str]:
    if brand is not None:
        (profiles / "acme/_brand.yml").write_text(textwrap.dedent(brand))
    if profile is not None:
        (profiles / "acme.yaml").write_text(textwrap.dedent(profile))
    with pytest.raises(ProfileError) as caught:
        load(profiles)
    return caught.value.lines


def line_of(text: str, marker: str) -> int:
    """The 1-based line of the only line that contains ``marker``."""
    found = [n for n, line in enumerate(textwrap.dedent(text).splitlines(), 1) if marker in line]
    assert len(found) == 1, (marker, found)
    return found[0]


# ------------------------------------------------------------ mapping


def test_brand_yml_maps_onto_the_profile(profiles: Path):
    profile = load(profiles)
    assert profile.name == "Acme Family Clinic"
    assert profile.short_name == "Acme"
    assert profile.links.homepage == "https://acme.example/"
    brand = profile.brand
    assert brand.primary == "#1D4ED8"  # a palette name
    assert brand.secondary == "#1D4ED8"  # a palette name naming another
    assert brand.text == "#112233"  # foreground, #RGB through the palette
    assert brand.background == "#FFFFF0"  # a CSS colour name
    assert brand.logo == "acme/images/wordmark.png"  # medium's light variant, relative to the brand.yml
    assert brand.logo_alt == {"en": "Acme Family Clinic logo"}
    assert brand.font is not None
    assert (brand.font.family, brand.font.regular, brand.font.bold) == (
        "Acme Sans",
        "acme/fonts/AcmeSans-Regular.otf",
        "acme/fonts/AcmeSans-Bold.otf",
    )
    assert brand.from_ is None  # used up: the validated profile is the same as if written out


def test_the_profile_wins_key_by_key(profiles: Path):
    (profiles / "acme.yaml").write_text(
        PROFILE.replace("  from: acme/_brand.yml\n", '  from: acme/_brand.yml\n  primary: "#0B6E4F"\n'
                        "  font:\n    family: Own\n    regular: acme/fonts/AcmeSans-Bold.otf\n")
        .replace("vertical:", "name: Acme Clinic\nvertical:")
        + "  homepage: https://own.example/\n"
    )
    profile = load(profiles)
    assert profile.name == "Acme Clinic"
    assert profile.short_name == "Acme"  # not written in the profile: the brand.yml's
    assert profile.brand.primary == "#0B6E4F"
    assert profile.brand.secondary == "#1D4ED8"
    assert profile.brand.font is not None and profile.brand.font.family == "Own"
    assert profile.brand.font.bold is None  # the profile's font is taken whole, not mixed with the brand.yml's
    assert profile.links.homepage == "https://own.example/"


def test_short_forms_and_a_folder_below_the_org(profiles: Path):
    (profiles / "acme/brand").mkdir()
    shutil.copy(profiles / "acme/mark.png", profiles / "acme/brand/logo.png")
    (profiles / "acme/brand/_brand.yml").write_text(
        'meta: {name: Acme Solo, link: "https://solo.example/"}\n'
        "color: {primary: '#ABC'}\nlogo: {large: logo.png, small: missing.png}\n"
        "typography: {base: Georgia}\n"
    )
    (profiles / "acme.yaml").write_text(PROFILE.replace("acme/_brand.yml", "acme/brand/_brand.yml"))
    profile = load(profiles)
    assert (profile.name, profile.short_name, profile.links.homepage) == ("Acme Solo", None, "https://solo.example/")
    assert profile.brand.primary == "#AABBCC"
    assert profile.brand.logo == "acme/brand/logo.png"  # large before small (which is never read)
    assert profile.brand.font is None  # a family without files: the bundled font


def test_a_variable_font_without_weights_is_the_regular_and_headings_stand_in_for_base(profiles: Path):
    brand = """\
        meta: {name: Acme}
        color: {primary: "#1D4ED8"}
        typography:
          fonts:
            - family: Acme Sans
              files: [fonts/AcmeSans-Regular.otf]
          headings: Acme Sans
        """
    (profiles / "acme/_brand.yml").write_text(textwrap.dedent(brand))
    font = load(profiles).brand.font
    assert font is not None
    assert (font.family, font.regular, font.bold) == ("Acme Sans", "acme/fonts/AcmeSans-Regular.otf", None)


# ------------------------------------------------------------ problems, one exact line each

CASES = {
    "colour": (
        "color:\n  primary: bleu\n",
        "  primary: bleu",
        "color.primary: expected a colour like \"#1A2B3C\", \"#1AB\", a CSS colour name or a palette name, "
        "got 'bleu'",
    ),
    "unquoted": (
        "color:\n  palette:\n    blue: #1D4ED8\n  primary: blue\n",
        "blue: #",
        "color.palette.blue: expected a colour like \"#1A2B3C\" in quotes (unquoted, # starts a YAML comment), "
        "got nothing",
    ),
    "palette entry": (
        "color:\n  palette:\n    blue: '#12345'\n  primary: blue\n",
        "blue: '#12345'",
        "color.palette.blue: expected a colour like \"#1A2B3C\", \"#1AB\", a CSS colour name or a palette name, "
        "got '#12345'",
    ),
    "rgb() refused": (
        "color:\n  primary: '#1D4ED8'\n  foreground: rgb(0, 0, 0)\n",
        "foreground:",
        "color.foreground: expected a colour like \"#1A2B3C\", \"#1AB\", a CSS colour name or a palette name, "
        "got 'rgb(0, 0, 0)'",
    ),
    "circle": (
        "color:\n  palette:\n    a: b\n    b: a\n  primary: a\n",
        "primary: a",
        "color.primary: expected a colour, got references that go round in a circle "
        "(color.primary → color.palette.a → color.palette.b → color.palette.a)",
    ),
    "not text": (
        "color:\n  primary: '#1D4ED8'\n  danger: [1]\n",
        "danger:",
        "color.danger: expected text, got a list",
    ),
    "unknown section": (
        "colour:\n  primary: '#1D4ED8'\n",
        "colour:",
        "unknown key 'colour'; did you mean 'color'?",
    ),
    "unknown theme colour": (
        "color:\n  primary: '#1D4ED8'\n  primay: red\n",
        "primay:",
        "color: unknown key 'primay'; did you mean 'primary'?",
    ),
    "logo not an image": (
        "color: {primary: '#1D4ED8'}\nlogo:\n  medium: notes.png\n",
        "medium:",
        "logo.medium: expected a PNG, JPEG or SVG image, got content of an unknown type in 'acme/notes.png'",
    ),
    "logo missing": (
        "color: {primary: '#1D4ED8'}\nlogo:\n  images:\n    main: {path: gone.svg}\n  medium: main\n",
        "main: {path",
        "logo.images.main.path: file not found: 'acme/gone.svg'",
    ),
    "logo url": (
        "color: {primary: '#1D4ED8'}\nlogo:\n  large: https://cdn.example/logo.svg\n",
        "large:",
        "logo.large: expected a file in acme/ (visitkit downloads nothing), got 'https://cdn.example/logo.svg'",
    ),
    "logo dot-dot": (
        "color: {primary: '#1D4ED8'}\nlogo:\n  medium:\n    light: ../other/logo.png\n",
        "light:",
        "logo.medium.light: expected a path relative to the brand.yml's folder, inside acme/, "
        "got '../other/logo.png'",
    ),
    "logo absolute": (
        "color: {primary: '#1D4ED8'}\nlogo:\n  small: /etc/passwd\n",
        "small:",
        "logo.small: expected a path relative to the brand.yml's folder, inside acme/, got '/etc/passwd'",
    ),
    "font without a regular": (
        "color: {primary: '#1D4ED8'}\ntypography:\n  fonts:\n    - family: Acme Sans\n      files:\n"
        "        - {path: fonts/AcmeSans-Bold.otf, weight: 700}\n  base: Acme Sans\n",
        "files:",
        "typography.fonts[0].files: expected a normal-style file of weight 400 for 'Acme Sans', got none",
    ),
    "font not a font": (
        "color: {primary: '#1D4ED8'}\ntypography:\n  fonts:\n    - family: Acme Sans\n      source: file\n"
        "      files:\n        - path: notes.png\n  base: Acme Sans\n",
        "path: notes.png",
        "typography.fonts[0].files[0].path: expected a TTF or OTF font, got content of an unknown type in "
        "'acme/notes.png'",
    ),
    "font source": (
        "color: {primary: '#1D4ED8'}\ntypography:\n  fonts:\n    - family: Acme Sans\n      source: adobe\n",
        "source:",
        "typography.fonts[0].source: expected one of file, google, bunny, system, got 'adobe'",
    ),
    "font family": (
        "color: {primary: '#1D4ED8'}\ntypography:\n  fonts:\n    - family: 'Acme; } body {'\n"
        "      files: [fonts/AcmeSans-Regular.otf]\n  base: 'Acme; } body {'\n",
        "- family:",
        "typography.fonts[0].family: expected …",  # the profile's own font-family check, at the brand.yml's field
    ),
    "home link": (
        "meta:\n  link:\n    home: javascript:alert(1)\ncolor: {primary: '#1D4ED8'}\n",
        "home:",
        "meta.link.home: expected …",  # the profile's own URL check
    ),
    "name too long": (
        f"meta:\n  name:\n    full: Acme\n    short: {'x' * 41}\ncolor: {{primary: '#1D4ED8'}}\n",
        "short:",
        "meta.name.short: expected at most 40 characters, got 41",
    ),
    "not a mapping": ("- color\n", None, "expected a mapping of brand.yml sections (meta, color, logo, typography), "
                      "got a list"),
}


@pytest.mark.parametrize("case", CASES)
def test_each_problem_is_one_line_at_the_brand_yml_field(profiles: Path, case: str):
    text, marker, message = CASES[case]
    (profiles / "acme/notes.png").write_text("plain text, whatever its name says")
    lines = errors(profiles, text)
    assert len(lines) == 1, lines
    at = "" if marker is None else f":{line_of(text, marker)}"
    if message.endswith("…"):  # worded by the profile's own check: the place and the form are ours
        assert lines[0].startswith(f"org_profiles/acme/_brand.yml{at}: {message[:-1]}"), lines
        assert ", got " in lines[0], lines
    else:
        assert lines == [f"org_profiles/acme/_brand.yml{at}: {message}"]


def test_brand_yml_and_profile_problems_are_reported_together(profiles: Path):
    brand = "color:\n  primary: bleu\nlogo:\n  medium: gone.png\n"
    lines = errors(profiles, brand, PROFILE.replace("vertical: healthcare", "vertical: dental"))
    # the brand.yml's own lines first; the profile's "brand.primary"/"name" are not also "missing"
    assert lines[:2] == [
        "org_profiles/acme/_brand.yml:2: color.primary: expected a colour like \"#1A2B3C\", \"#1AB\", a CSS colour "
        "name or a palette name, got 'bleu'",
        "org_profiles/acme/_brand.yml:4: logo.medium: file not found: 'acme/gone.png'",
    ]
    assert len(lines) == 3 and lines[2].startswith("org_profiles/acme.yaml:1: vertical: expected one of "), lines


def test_an_unreadable_brand_yml_hides_no_profile_problem(profiles: Path):
    profile = PROFILE.replace("acme/_brand.yml", "acme/gone.yml").replace("healthcare", "dental")
    lines = errors(profiles, profile=profile)
    assert lines[0] == "org_profiles/acme.yaml:3: brand.from: expected a brand.yml file, got nothing at " \
        "org_profiles/acme/gone.yml"
    assert len(lines) == 2 and lines[1].startswith("org_profiles/acme.yaml:1: vertical: expected one of "), lines


def test_a_brand_yml_without_what_the_profile_needs_says_what_is_missing(profiles: Path):
    lines = errors(profiles, "meta: {name: Acme}\n")
    assert lines == ["org_profiles/acme.yaml:2: brand.primary: required field is missing"]


def test_yaml_errors_and_guards_name_the_brand_yml(profiles: Path):
    assert errors(profiles, "color:\n  primary: [\n") == [
        "org_profiles/acme/_brand.yml:3:1: YAML error: while parsing a flow node, did not find expected node content"
    ]
    assert errors(profiles, "color: &c {primary: '#123456'}\nlogo: *c\n")[0].startswith(
        "org_profiles/acme/_brand.yml:2:7: YAML error: aliases (*name) are not allowed"
    )
    (profiles / "acme/_brand.yml").write_text("#" * (MAX_PROFILE_BYTES + 1))
    assert errors(profiles) == [
        f"org_profiles/acme/_brand.yml: expected a profile of at most {MAX_PROFILE_BYTES} bytes, "
        f"got {MAX_PROFILE_BYTES + 1} bytes"
    ]


# ------------------------------------------------------------ where the brand.yml may be


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("../other/_brand.yml", "expected a path inside acme/, got '../other/_brand.yml'"),
        ("acme/../other/_brand.yml", "expected a path inside acme/, got 'acme/../other/_brand.yml'"),
        ("/etc/_brand.yml", "expected a path inside acme/, got '/etc/_brand.yml'"),
        ("other/_brand.yml", "expected a path inside acme/, got 'other/_brand.yml'"),
        ("acme/none.yml", "expected a brand.yml file, got nothing at org_profiles/acme/none.yml"),
        ("acme", "expected a brand.yml file, got a folder at org_profiles/acme"),
        ("[1]", "expected the path of a brand.yml file like 'acme/_brand.yml', got a list"),
    ],
)
def test_the_brand_yml_must_be_a_file_in_the_orgs_folder(profiles: Path, value: str, problem: str):
    (profiles / "other").mkdir()
    (profiles / "other/_brand.yml").write_text(BRAND)
    assert errors(profiles, profile=PROFILE.replace("acme/_brand.yml", value)) == [
        f"org_profiles/acme.yaml:3: brand.from: {problem}"
    ]


def test_symbolic_links_out_of_the_org_folder_are_refused(profiles: Path, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "_brand.yml").write_text(BRAND)
    (profiles / "acme/_brand.yml").unlink()
    (profiles / "acme/_brand.yml").symlink_to(outside / "_brand.yml")
    assert errors(profiles) == [
        "org_profiles/acme.yaml:3: brand.from: expected a path inside acme/, got 'acme/_brand.yml', "
        "which leads outside it through a symbolic link"
    ]
    # a path inside the brand.yml that leads out through a link
    (profiles / "acme/_brand.yml").unlink()
    shutil.copy(ROOT / "org_profiles/sample/logo.png", outside / "logo.png")
    os.symlink(outside / "logo.png", profiles / "acme/linked.png")
    text = "color: {primary: '#1D4ED8'}\nlogo: {medium: linked.png}\n"
    assert errors(profiles, text) == [
        "org_profiles/acme/_brand.yml:2: logo.medium: expected a path inside acme/, got 'acme/linked.png', "
        "which leads outside it through a symbolic link"
    ]


# ------------------------------------------------------------ planning and the build


def test_planning_reads_the_brand_yml_files(profiles: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(profiles.parent)
    org = tasks.scan_org(Path("org_profiles/acme.yaml"), LOCALES)
    assert org.brand_file == "org_profiles/acme/_brand.yml"
    assert org.logo == "org_profiles/acme/images/wordmark.png"
    assert org.fonts == ("org_profiles/acme/fonts/AcmeSans-Regular.otf", "org_profiles/acme/fonts/AcmeSans-Bold.otf")
    assert set(org.assets) == {org.brand_file, org.logo, *org.fonts}
    assert "brand.logo" in org.flags and org.locales == ("en",)
    # broken: planned with no outputs, so only its validate task runs (and reports the lines above)
    (profiles / "acme/_brand.yml").write_text("logo: {medium: ../x.png}\n")
    assert tasks.scan_org(Path("org_profiles/acme.yaml"), LOCALES).locales == ()


NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}


def _accent1(pptx: Path) -> str:
    with zipfile.ZipFile(pptx) as archive:
        theme = etree.fromstring(archive.read("ppt/theme/theme1.xml"))
    return theme.find("a:themeElements/a:clrScheme/a:accent1/a:srgbClr", NS).get("val")


def test_editing_the_brand_yml_rebuilds_that_org_only_with_its_colour(project: Path):
    org = "brightside-hardware"
    profile = project / f"org_profiles/{org}.yaml"
    brand = project / f"org_profiles/{org}/_brand.yml"
    assert "from: brightside-hardware/_brand.yml" in profile.read_text()
    pptx = project / f"build/{org}/en/infographic.pptx"
    before = pptx.read_bytes()
    # a comment: validated again, nothing downstream
    with brand.open("a") as handle:
        handle.write("# a comment\n")
    assert ran(doit(project)) == {f"validate:{org}"}
    # the palette's primary: every output of that org, no other org
    profile.write_text(re.sub(r'(?m)^  primary: "#FFD500"\n', "", profile.read_text()))
    brand.write_text(brand.read_text().replace('sunshine: "#FFD500"', 'sunshine: "#1D4ED8"'))
    locales = example_orgs()[org]
    result = doit(project)
    assert result.returncode == 0, result.stdout + result.stderr
    expected = {f"validate:{org}"} | {f"content:{org}/{locale}" for locale in locales} | rendered(org, locales)
    assert ran(result) == expected
    assert pptx.read_bytes() != before
    assert _accent1(pptx) == "1D4ED8"
    # the logo a brand.yml names is a file dependency too
    logo = project / f"org_profiles/{org}/logo.svg"
    logo.write_text(logo.read_text().replace("</svg>", "<!-- edited --></svg>"))
    assert f"validate:{org}" in ran(doit(project))


KEYS = ["meta", "name", "full", "short", "link", "home", "color", "palette", "primary", "secondary", "foreground",
        "background", "info", "blue", "logo", "images", "small", "medium", "large", "light", "dark", "path", "alt",
        "typography", "fonts", "family", "source", "files", "weight", "style", "base", "headings", "x"]
LEAVES = st.one_of(
    st.none(), st.booleans(), st.integers(-1, 1000), st.sampled_from(KEYS),
    st.sampled_from(["#1D4ED8", "#abc", "red", "file", "google", "mark.png", "fonts/AcmeSans-Regular.otf", "../x",
                     "/etc/passwd", "https://x.example/", "normal", "bold", "auto", "Acme Sans", 400, 700]),
    st.text(max_size=8),
)  # fmt: skip
TREES = st.recursive(
    LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KEYS), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=TREES)
def test_any_brand_yml_gives_a_profile_or_error_lines(profiles: Path, data):
    (profiles / "acme/_brand.yml").write_text(yaml.safe_dump(data))
    try:
        load(profiles)
    except ProfileError as exc:
        assert exc.lines and all(line.startswith("org_profiles/acme") for line in exc.lines), exc.lines
