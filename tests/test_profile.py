"""Profile loading and validation: every problem reported at once, one exact line each."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT
from visitkit import sources
from visitkit.profile import Profile, ProfileError, json_schema, load_profile

LOCALES = {"en", "es"}

MINIMAL = """\
name: Acme Clinic
vertical: healthcare
brand:
  primary: "#0B6E4F"
links:
  booking: https://acme.example/book
"""


@pytest.fixture
def profiles(tmp_path: Path) -> Path:
    folder = tmp_path / "org_profiles"
    (folder / "acme").mkdir(parents=True)
    shutil.copy(ROOT / "org_profiles/sample/logo.png", folder / "acme/logo.png")
    shutil.copy(ROOT / "templates/fonts/Inter-Regular.otf", folder / "acme/brand.otf")
    return folder


def errors(profiles: Path, text: str, name: str = "acme") -> list[str]:
    path = profiles / f"{name}.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path, LOCALES, display=f"org_profiles/{name}.yaml")
    return caught.value.lines


def test_minimal_profile_gets_defaults(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text(MINIMAL)
    profile = load_profile(path, LOCALES)
    assert profile.locales == ["en"]
    assert profile.page_size == "a4"
    assert profile.brand.primary == "#0B6E4F"
    assert profile.links.join_help.startswith("https://support.microsoft.com/")
    assert profile.features.sms_reminders is False


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  primary: \"#0B6E4F\"", "  primary: blue"),
         "org_profiles/acme.yaml:4: brand.primary: expected a colour like #1A2B3C, got 'blue'"),
        (("vertical: healthcare", "vertical: dental"),
         "org_profiles/acme.yaml:2: vertical: expected one of healthcare, financial, retail or generic, got 'dental'"),
        (("  booking: https://acme.example/book", "  booking: javascript:alert(1)"),
         "org_profiles/acme.yaml:6: links.booking: expected a https: or http: URL, got 'javascript:alert(1)'"),
        (("  booking: https://acme.example/book", "  booking: /book"),
         "org_profiles/acme.yaml:6: links.booking: expected a https: or http: URL, got '/book'"),
        (("name: Acme Clinic\n", ""), "org_profiles/acme.yaml: name: required field is missing"),
        (("vertical: healthcare", "vertical: healthcare\nlocales: [en, fr]"),
         "org_profiles/acme.yaml:3: locales: expected one of en, es, got 'fr'"),
        (("vertical: healthcare", "vertical: healthcare\nlocales: [en, en]"),
         "org_profiles/acme.yaml:3: locales: expected each locale once, got 'en' more than once"),
        (("vertical: healthcare", "vertical: healthcare\npage_size: a5"),
         "org_profiles/acme.yaml:3: page_size: expected one of a4 or letter, got 'a5'"),
        (("  primary: \"#0B6E4F\"", "  primary: \"#0B6E4F\"\n  secondry: \"#000000\""),
         "org_profiles/acme.yaml:5: brand: unknown key 'secondry'; did you mean 'secondary'?"),
        (("vertical: healthcare", "vertical: healthcare\nfeatures:\n  sms_reminder: true"),
         "org_profiles/acme.yaml:4: features: unknown key 'sms_reminder'; did you mean 'sms_reminders'?"),
        (("vertical: healthcare", "vertical: healthcare\ncontact:\n  phone: call us"),
         "org_profiles/acme.yaml:4: contact.phone: expected a phone number like +1 555 010 2000, got 'call us'"),
        (("vertical: healthcare", "vertical: healthcare\ncontact:\n  email: nobody"),
         "org_profiles/acme.yaml:4: contact.email: expected an email address like help@example.org, got 'nobody'"),
        (("vertical: healthcare", "vertical: healthcare\ncontact:\n  postal_address: \"12 Elm St\\n\\tSuite 2\""),
         "org_profiles/acme.yaml:4: contact.postal_address: expected lines of text without control characters, "
         "got U+0009 at character 11 of '12 Elm St\\n\\tSuite 2'"),
        (("vertical: healthcare", "vertical: healthcare\ncontact:\n  postal_address: " + "x" * 301),
         "org_profiles/acme.yaml:4: contact.postal_address: expected at most 300 characters, got 301"),
        (("vertical: healthcare",
          "vertical: healthcare\nlocales: [en, es]\ncontact:\n  postal_address:\n"
          "    en: 12 Elm St\n    es: \"C/ Olmo\\u0007\""),
         "org_profiles/acme.yaml:7: contact.postal_address.es: expected lines of text without control characters, "
         "got U+0007 at character 8 of 'C/ Olmo\\x07'"),
        (("vertical: healthcare", "vertical: healthcare\nfeatures:\n  sms_reminders: maybe"),
         "org_profiles/acme.yaml:4: features.sms_reminders: expected true or false, got 'maybe'"),
        (("vertical: healthcare", "vertical: healthcare\nextra_info: 5"),
         "org_profiles/acme.yaml:3: extra_info: expected text, got the number 5"),
        (("vertical: healthcare", "vertical: healthcare\nlocales: [en, es]\nextra_info: {en: Bring your card.}"),
         "org_profiles/acme.yaml:4: extra_info: expected a translation for each of the profile's locales (en, es), "
         "got none for es"),
        (("vertical: healthcare", "vertical: healthcare\nextra_info: 'See [our page](ftp://acme.example/x)'"),
         "org_profiles/acme.yaml:3: extra_info: expected a https:, http:, mailto: or tel: URL, "
         "got 'ftp://acme.example/x'"),
        (("  primary: \"#0B6E4F\"", "  primary: \"#0B6E4F\"\n  logo: ../../etc/passwd"),
         "org_profiles/acme.yaml:5: brand.logo: expected a path inside acme/, got '../../etc/passwd'"),
        (("  primary: \"#0B6E4F\"", "  primary: \"#0B6E4F\"\n  logo: acme/missing.png"),
         "org_profiles/acme.yaml:5: brand.logo: file not found: 'acme/missing.png'"),
        (("  primary: \"#0B6E4F\"",
          "  primary: \"#0B6E4F\"\n  font:\n    family: 'Bad;Font'\n    regular: acme/brand.otf"),
         "org_profiles/acme.yaml:6: brand.font.family: expected a font family name of letters, digits, spaces and '-',"
         " got 'Bad;Font'"),
    ],
)
def test_each_problem_has_one_exact_line(profiles: Path, change: tuple[str, str], expected: str):
    assert change[0] in MINIMAL
    assert errors(profiles, MINIMAL.replace(change[0], change[1])) == [expected]


def test_all_problems_reported_at_once(profiles: Path):
    lines = errors(
        profiles,
        """\
        name: Acme
        vertical: healthcare
        brand:
          primary: blue
          logo: ../x.png
        links:
          booking: javascript:alert(1)
        colour: red
        """,
    )
    assert lines == [
        "org_profiles/acme.yaml:4: brand.primary: expected a colour like #1A2B3C, got 'blue'",
        "org_profiles/acme.yaml:5: brand.logo: expected a path inside acme/, got '../x.png'",
        "org_profiles/acme.yaml:7: links.booking: expected a https: or http: URL, got 'javascript:alert(1)'",
        "org_profiles/acme.yaml:8: unknown key 'colour'",
    ]


def test_each_line_names_the_line_of_its_key(profiles: Path):
    lines = errors(
        profiles,
        """\
        name: Acme Clinic
        vertical: healthcare
        locales:
          - en
          - EN_us
        brand:
          primary: "#0B6E4F"
          font:
            family: Inter
        links:
          homepage: https://acme.example/
        policies:
          payment_methods:
            - credit card
            - 5
        features: {sms_reminders: maybe}
        colour: red
        """,
    )
    assert lines == [
        "org_profiles/acme.yaml:5: locales.1: expected a locale code like 'en' or 'es-MX', got 'EN_us'",  # list item
        "org_profiles/acme.yaml:8: brand.font.regular: required field is missing",  # the line of its parent's key
        "org_profiles/acme.yaml:10: links.booking: required field is missing",
        "org_profiles/acme.yaml:15: policies.payment_methods.1: expected text, got the number 5",  # list item
        "org_profiles/acme.yaml:16: features.sms_reminders: expected true or false, got 'maybe'",  # flow mapping
        "org_profiles/acme.yaml:17: unknown key 'colour'",  # top-level unknown key: its own line
    ]
    # a missing top-level field has no line of its own
    assert errors(profiles, MINIMAL.replace("name: Acme Clinic\n", "")) == [
        "org_profiles/acme.yaml: name: required field is missing"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("  booking:", "  homepage: https://acme.example/\n  bookng:"),
         "org_profiles/acme.yaml:7: links: unknown key 'bookng'; did you mean 'booking'?"),
        (("name:", "nmae:"), "org_profiles/acme.yaml:1: unknown key 'nmae'; did you mean 'name'?"),
        (("  primary:", "  primray:"),
         "org_profiles/acme.yaml:4: brand: unknown key 'primray'; did you mean 'primary'?"),
    ],
)
def test_a_misspelt_required_key_is_one_mistake(profiles: Path, change: tuple[str, str], expected: str):
    """The did-you-mean line stands for the missing field: no "required field is missing" as well."""
    assert change[0] in MINIMAL
    assert errors(profiles, MINIMAL.replace(change[0], change[1])) == [expected]


def test_a_misspelt_key_beside_the_real_one_is_just_unknown(profiles: Path):
    text = MINIMAL.replace("  booking:", "  bookng: https://acme.example/book\n  booking:")
    assert errors(profiles, text) == ["org_profiles/acme.yaml:6: links: unknown key 'bookng'; did you mean 'booking'?"]
    # a required field missing for another reason is still reported
    text = MINIMAL.replace("  booking:", "  homepage:").replace("name:", "nmae:")
    assert errors(profiles, text) == [
        "org_profiles/acme.yaml:5: links.booking: required field is missing",
        "org_profiles/acme.yaml:1: unknown key 'nmae'; did you mean 'name'?",
    ]


def test_an_asset_path_relative_to_the_org_folder_gets_a_suggestion(profiles: Path, tmp_path: Path):
    text = MINIMAL.replace(
        '  primary: "#0B6E4F"',
        '  primary: "#0B6E4F"\n  logo: logo.png\n  font:\n    family: Brand\n    regular: ./brand.otf',
    )
    assert errors(profiles, text) == [
        "org_profiles/acme.yaml:5: brand.logo: expected a path inside acme/, got 'logo.png'; "
        "did you mean 'acme/logo.png'?",
        "org_profiles/acme.yaml:8: brand.font.regular: expected a path inside acme/, got './brand.otf'; "
        "did you mean 'acme/brand.otf'?",
    ]
    # no suggestion for a file that is not there, nor for one that leads outside the org's folder
    outside = tmp_path / "secret.png"
    shutil.copy(profiles / "acme/logo.png", outside)
    (profiles / "acme/link.png").symlink_to(outside)
    for name in ("missing.png", "link.png", ".", "./"):
        text = MINIMAL.replace('  primary: "#0B6E4F"', f'  primary: "#0B6E4F"\n  logo: "{name}"')
        assert errors(profiles, text) == [
            f"org_profiles/acme.yaml:5: brand.logo: expected a path inside acme/, got {name!r}"
        ]


def test_read_yaml_with_lines_gives_the_line_of_each_key_and_item(tmp_path: Path):
    from visitkit.profile_file import read_yaml, read_yaml_with_lines

    path = tmp_path / "acme.yaml"
    path.write_text(
        "# comment\nname: Acme\nlocales: [en,\n  es]\nbrand:\n  logo_alt: {en: A, es: B}\n"
        "list:\n  - a: 1\n\n    b: 2\n  - x\n"
    )
    data, lines = read_yaml_with_lines(path, "org_profiles/acme.yaml")
    assert data == read_yaml(path, "org_profiles/acme.yaml")
    assert lines == {
        ("name",): 2,
        ("locales",): 3,
        ("locales", 0): 3,
        ("locales", 1): 4,
        ("brand",): 5,
        ("brand", "logo_alt"): 6,
        ("brand", "logo_alt", "en"): 6,
        ("brand", "logo_alt", "es"): 6,
        ("list",): 7,
        ("list", 0): 8,
        ("list", 0, "a"): 8,
        ("list", 0, "b"): 10,
        ("list", 1): 11,
    }
    path.write_text("")
    assert read_yaml_with_lines(path, "org_profiles/acme.yaml") == (None, {})


def test_yaml_syntax_error_names_line_and_column(profiles: Path):
    lines = errors(profiles, "name: Acme\nbrand: [unclosed\n")
    assert len(lines) == 1
    assert lines[0].startswith("org_profiles/acme.yaml:3:1: YAML error: ")


def test_duplicate_keys_and_aliases_are_rejected(profiles: Path):
    assert errors(profiles, MINIMAL + "name: Other\n") == [
        "org_profiles/acme.yaml:7:1: YAML error: duplicate key 'name'"
    ]
    lines = errors(profiles, MINIMAL.replace("name: Acme Clinic", "x: &a Acme\nname: *a"))
    assert lines == ["org_profiles/acme.yaml:2:7: YAML error: aliases (*name) are not allowed in profiles"]


def test_file_name_must_be_an_org_id(profiles: Path):
    assert errors(profiles, MINIMAL, name="Acme Clinic") == [
        "org_profiles/Acme Clinic.yaml: file name: expected <org-id>.yaml with an org id like 'acme-clinic' "
        "(a-z, 0-9 and '-', at most 63 characters), got 'Acme Clinic.yaml'"
    ]


def test_logo_type_is_checked_by_content(profiles: Path):
    (profiles / "acme/logo.svg").write_bytes((profiles / "acme/logo.png").read_bytes())
    (profiles / "acme/fake.png").write_text("not an image")
    text = MINIMAL.replace('  primary: "#0B6E4F"', '  primary: "#0B6E4F"\n  logo: acme/fake.png')
    assert errors(profiles, text) == [
        "org_profiles/acme.yaml:5: brand.logo: expected a PNG, JPEG or SVG image, got content of an unknown type in "
        "'acme/fake.png'"
    ]
    # a PNG named .svg is accepted as what it is
    path = profiles / "acme.yaml"
    path.write_text(MINIMAL.replace('  primary: "#0B6E4F"', '  primary: "#0B6E4F"\n  logo: acme/logo.svg'))
    assert load_profile(path, LOCALES).brand.logo == "acme/logo.svg"


def test_an_image_pillow_cannot_identify_gets_a_stable_line(profiles: Path):
    """Pillow names the unidentified file by its repr (``<_io.BytesIO object at 0x7f…>``): not in our line."""
    png = (profiles / "acme/logo.png").read_bytes()
    (profiles / "acme/logo.png").write_bytes(png[:29] + b"\0\0\0\0" + png[33:])  # IHDR with a wrong checksum
    text = MINIMAL.replace('  primary: "#0B6E4F"', '  primary: "#0B6E4F"\n  logo: acme/logo.png')
    assert errors(profiles, text) == [
        "org_profiles/acme.yaml:5: brand.logo: expected a readable PNG image, got a broken one in 'acme/logo.png' "
        "(cannot identify image file)"
    ]


def test_svg_logo_may_not_reach_outside(profiles: Path):
    (profiles / "acme/logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        '<image xlink:href="https://tracker.example/x.png"/></svg>'
    )
    text = MINIMAL.replace('  primary: "#0B6E4F"', '  primary: "#0B6E4F"\n  logo: acme/logo.svg')
    assert errors(profiles, text) == [
        "org_profiles/acme.yaml:5: brand.logo: expected an SVG that loads nothing from other files or URLs, "
        "got href='https://tracker.example/x.png' in 'acme/logo.svg'"
    ]


def test_symlink_escaping_the_org_folder_is_rejected(profiles: Path, tmp_path: Path):
    outside = tmp_path / "secret.png"
    shutil.copy(profiles / "acme/logo.png", outside)
    (profiles / "acme/link.png").symlink_to(outside)
    text = MINIMAL.replace('  primary: "#0B6E4F"', '  primary: "#0B6E4F"\n  logo: acme/link.png')
    assert errors(profiles, text) == [
        "org_profiles/acme.yaml:5: brand.logo: expected a path inside acme/, got 'acme/link.png', "
        "which leads outside it through a symbolic link"
    ]


def test_localized_prose_picks_up_every_locale(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text(MINIMAL + "locales: [en, es]\nextra_info: {en: Bring your card., es: Traiga su tarjeta.}\n")
    assert load_profile(path, LOCALES).extra_info == {"en": "Bring your card.", "es": "Traiga su tarjeta."}


def test_one_string_of_localizable_text_stands_for_every_locale(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text(
        MINIMAL.replace('  primary: "#0B6E4F"', '  primary: "#0B6E4F"\n  logo_alt: " Acme "')
        + "locales: [es, en]\nextra_info: Bring your card.\n"
        + "policies:\n  payment_methods: [card, {es: efectivo, en: cash}]\n"
    )
    profile = load_profile(path, LOCALES)
    assert profile.extra_info == {"es": "Bring your card.", "en": "Bring your card."}
    assert profile.brand.logo_alt == {"es": "Acme", "en": "Acme"}  # checked (and stripped) once, as text
    assert profile.policies.payment_methods == [{"es": "card", "en": "card"}, {"es": "efectivo", "en": "cash"}]
    # validated without a file, a profile's own locales are used; its JSON (the content tasks' input) reads back
    assert Profile.model_validate(profile.model_dump(exclude_none=True)) == profile
    assert Profile.model_validate_json(profile.model_dump_json(exclude_none=True)) == profile
    data = {"name": "Acme", "vertical": "retail", "brand": {"primary": "#000000"}, "links": {"booking": "https://a.example/"}}
    assert Profile.model_validate(data | {"extra_info": "Hi"}).extra_info == {"en": "Hi"}
    assert Profile.model_validate(data | {"locales": ["es"], "extra_info": "Hola"}).extra_info == {"es": "Hola"}


def test_a_postal_address_keeps_its_lines_per_locale(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text(
        MINIMAL + "locales: [en, es]\ncontact:\n  postal_address:\n"
        "    en: |\n      Acme Clinic\n        12 Elm Street  \n\n      Springfield\n"
        "    es: \"Clínica Acme\\nCalle Olmo 12\"\n",
        encoding="utf-8",
    )
    address = load_profile(path, LOCALES).contact.postal_address
    assert address == {"en": "Acme Clinic\n12 Elm Street\nSpringfield", "es": "Clínica Acme\nCalle Olmo 12"}
    path.write_text(MINIMAL + "contact:\n  postal_address: '<b>1 Elm</b> & {{ x }}'\n", encoding="utf-8")
    assert load_profile(path, LOCALES).contact.postal_address == {"en": "<b>1 Elm</b> & {{ x }}"}  # text, as typed


def test_a_translation_that_is_not_text_is_named(profiles: Path):
    # (with prose typed as a union of text and mapping, this gave a ProfileError without a line)
    text = MINIMAL + "locales: [en, es]\nextra_info:\n  en: {}\n  es: Hola\n"
    assert errors(profiles, text) == ["org_profiles/acme.yaml:9: extra_info.en: expected text, got a mapping"]


def test_the_verticals_are_listed_once_where_planning_can_read_them():
    from typing import get_args

    from visitkit.profile_file import VERTICALS

    assert get_args(Profile.model_fields["vertical"].annotation) == VERTICALS
    assert json.loads(json_schema())["properties"]["vertical"]["enum"] == list(VERTICALS)


def test_example_profiles_are_valid():
    shipped = sources.available_locales(ROOT / "sources")  # the examples use ar and ja too
    for path in sorted((ROOT / "org_profiles").glob("*.yaml")):
        load_profile(path, shipped)


def test_committed_json_schema_is_current():
    committed = ROOT / "org_profiles/profile.schema.json"
    assert committed.read_text(encoding="utf-8") == json_schema(), "run `doit schema`"
    schema = json.loads(json_schema())
    assert schema["properties"]["brand"]["$ref"]
    assert "primary" in json.dumps(schema["$defs"]["Brand"])
    # field documentation reaches the schema (editors show it)
    assert "The online booking page" in schema["$defs"]["Links"]["properties"]["booking"]["description"]


def test_readme_documents_every_field():
    from pydantic import BaseModel

    def paths(model: type[BaseModel], prefix: str = ""):
        for name, field in model.model_fields.items():
            name = field.alias or name  # brand.from is the field from_ (a Python keyword)
            nested = [t for t in getattr(field.annotation, "__args__", (field.annotation,)) if isinstance(t, type)]
            sub = next((t for t in nested if issubclass(t, BaseModel)), None)
            if sub is not None and name != "font":
                yield from paths(sub, f"{prefix}{name}.")
            elif sub is not None:
                yield from (f"{prefix}{name}.{n}" for n in sub.model_fields)
            else:
                yield prefix + name

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [p for p in paths(Profile) if f"| `{p}` |" not in readme]
    assert missing == []


@pytest.mark.parametrize("key", ["[", "str", "dict[str,str]", "a[0]", "[key]", "function-after"])
def test_an_unknown_key_that_looks_like_a_schema_label_is_named(profiles: Path, key: str):
    # pydantic's location steps ("[key]" for a mapping's key; union labels such as "str", "dict[str,…]" once):
    # a user's key of that shape is still the user's
    assert errors(profiles, MINIMAL + f"'{key}': 1\n") == [f"org_profiles/acme.yaml:7: unknown key {key!r}"]
    nested = errors(profiles, MINIMAL.replace('  primary: "#0B6E4F"\n', f'  primary: "#0B6E4F"\n  \'{key}\': 1\n'))
    assert nested == [f"org_profiles/acme.yaml:5: brand: unknown key {key!r}"]


# ------------------------------------------------------------------ brand choices: accent, icon, headline


def test_brand_choices_default_to_the_vertical_and_the_primary(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text(MINIMAL)
    profile = load_profile(path, LOCALES)
    assert (profile.brand.accent, profile.brand.icon, profile.headline) == (None, None, None)


def test_brand_choices_are_read(profiles: Path):
    path = profiles / "acme.yaml"
    path.write_text(MINIMAL.replace('  primary: "#0B6E4F"\n', '  primary: "#0B6E4F"\n  accent: "#1b3a5c"\n'
                                    "  icon: dental\n") + "locales: [en, es]\nheadline:\n  en: Smile by video\n"
                    "  es: Sonría por vídeo\n")
    profile = load_profile(path, LOCALES)
    assert profile.brand.accent == "#1B3A5C"  # colours are normalised like the others
    assert profile.brand.icon == "dental"
    assert profile.headline == {"en": "Smile by video", "es": "Sonría por vídeo"}


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        ("  icon: tooth\n", "org_profiles/acme.yaml:5: brand.icon: expected one of healthcare, dental, vision, "
         "veterinary, pharmacy, financial, bank, insurance, retail, store, legal, education, government or generic, "
         "got 'tooth'"),
        ("  icon: Dental\n", "org_profiles/acme.yaml:5: brand.icon: expected one of healthcare, dental, vision, "
         "veterinary, pharmacy, financial, bank, insurance, retail, store, legal, education, government or generic, "
         "got 'Dental'"),
        ("  accent: navy\n", "org_profiles/acme.yaml:5: brand.accent: expected a colour like #1A2B3C, got 'navy'"),
        ("  accent: '#12345'\n",
         "org_profiles/acme.yaml:5: brand.accent: expected a colour like #1A2B3C, got '#12345'"),
    ],
)
def test_a_bad_brand_choice_is_one_line(profiles: Path, addition: str, expected: str):
    text = MINIMAL.replace('  primary: "#0B6E4F"\n', '  primary: "#0B6E4F"\n' + addition)
    assert errors(profiles, text) == [expected]


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("x" * 61, "org_profiles/acme.yaml:7: headline: expected at most 60 characters, got 61"),
        ("''", "org_profiles/acme.yaml:7: headline: expected text, got an empty value"),
        ('"Smile\\nby video"', "org_profiles/acme.yaml:7: headline: expected one line of text without control "
         "characters, got U+000A at character 6 of 'Smile\\nby video'"),
    ],
)
def test_a_bad_headline_is_one_line(profiles: Path, headline: str, expected: str):
    assert errors(profiles, MINIMAL + f"headline: {headline}\n") == [expected]


def test_the_icons_are_listed_once_where_planning_can_read_them():
    from typing import get_args

    from visitkit.icons import ICONS
    from visitkit.profile import Brand

    (choices, _none) = get_args(Brand.model_fields["icon"].annotation)
    assert get_args(choices) == ICONS
    icon = json.loads(json_schema())["$defs"]["Brand"]["properties"]["icon"]
    assert icon["anyOf"][0]["enum"] == list(ICONS)
    assert all(name in icon["description"] for name in ICONS)  # the docstring names every choice
