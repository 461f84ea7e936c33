"""Shipped locales: complete after their overlay chain, translated, with a status; per-locale formatting (CLDR).

``tests/test_sources.py`` checks every locale's keys, structure and placeholders against ``en``; this file
checks what issue 14 adds: the locales shipped, regional overlays and their errors, deliberate English,
each locale's provenance (``status.yaml``) as the index and README.txt show it, Babel formatting, and
that an edit to a base locale reaches its variants' content tasks.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, make_content
from tests.pipeline_support import copy_project, doit, ran
from visitkit import localize
from visitkit.content import Notice, build_content
from visitkit.profile import Profile, ProfileError, load_profile
from visitkit.profile_values import LOCALE
from visitkit.render import readme
from visitkit.sources import (
    FILES,
    REFERENCE,
    STATUS,
    STATUS_KEYS,
    SourcesError,
    available_locales,
    base_of,
    chain,
    key_paths,
    load_locale,
    load_untranslated,
)

SOURCES = ROOT / "sources"
# What issue 14 ships: complete base locales, and regional variants as overlays of their base.
BASES = ("en", "es", "fr", "de", "pt", "it", "nl", "pl", "ar", "he", "ja", "zh-Hans")
OVERLAYS = {"fr-CA": "fr", "pt-BR": "pt", "es-MX": "es", "en-GB": "en"}
SHIPPED = (*BASES, *OVERLAYS)
LOCALES = sorted(available_locales(SOURCES))
# Keys whose values are structure (ids, names of data), never copy: as in tests/test_sources.py.
STRUCTURAL = {"id", "needs", "unless", "verticals", "prose", "list", "channels"}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
# The script a notice in each language is written in (its letters' Unicode names start with one of these).
SCRIPTS = {"ar": ("ARABIC",), "he": ("HEBREW",), "ja": ("HIRAGANA", "KATAKANA"), "zh": ("CJK UNIFIED",)}


def copy_of(locale: str, sources: Path = SOURCES) -> dict[str, Any]:
    data = load_locale(sources, locale)
    del data["status"]
    return data


def strings(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every string of copy with its key path, ``key_paths``' names (``faq.sections[basics].title``)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in STRUCTURAL and not isinstance(child, dict):
                continue
            yield from strings(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            name = child.get("id", index) if isinstance(child, dict) else index
            yield from strings(child, f"{prefix}[{name}]")
    elif isinstance(value, str):
        yield prefix, value


def language(locale: str) -> str:
    return locale.split("-")[0]


# ------------------------------------------------------------------ what is shipped


def test_every_locale_of_the_issue_is_shipped():
    assert sorted(set(SHIPPED) - set(LOCALES)) == []


def test_variants_are_overlays_of_their_base():
    for variant, base in OVERLAYS.items():
        assert base_of(variant) == base and chain(variant) == [variant, base]
    # A script subtag makes a language of its own; a region makes an overlay, whatever comes before it.
    assert base_of("zh-Hans") is None and chain("zh-Hans-TW") == ["zh-Hans-TW", "zh-Hans"]
    assert chain("es-419") == ["es-419", "es"]


@pytest.mark.parametrize("locale", SHIPPED)
def test_resolves_with_every_key_and_placeholder_of_the_reference(locale):
    """After its chain, a locale has exactly the reference's keys, and the same data placeholders
    (terms, which are wording, may be phrased around)."""
    ours, reference = copy_of(locale), copy_of(REFERENCE)
    assert key_paths(ours) == key_paths(reference)
    theirs = dict(strings(reference))
    terms = {"{client}", "{clients}", "{staff}", "{staff_plural}", "{visit}", "{visits}"}
    differing = [path for path, text in strings(ours)
                 if sorted(set(PLACEHOLDER.findall(text)) - terms) != sorted(set(PLACEHOLDER.findall(theirs[path]))
                                                                         - terms)]
    assert differing == []


# ------------------------------------------------------------------ deliberate English


@pytest.mark.parametrize("locale", [code for code in SHIPPED if language(code) != REFERENCE])
def test_no_value_is_an_untranslated_copy_of_english_unless_listed(locale):
    english = dict(strings(copy_of(REFERENCE)))
    same = {path for path, text in strings(copy_of(locale)) if text == english[path]}
    listed = load_untranslated(SOURCES, locale)
    assert sorted(same - set(listed)) == [], "equal to English, but not in untranslated.yaml"
    # No stale entries: each listed key exists and really is the English text.
    assert sorted(set(listed) - same) == [], "listed in untranslated.yaml, but translated (or no such key)"


def test_untranslated_lists_need_a_reason(tmp_path: Path):
    (tmp_path / "xx").mkdir()
    (tmp_path / "xx" / "untranslated.yaml").write_text("- key: ui.pdf\n  reason: ''\n", encoding="utf-8")
    with pytest.raises(SourcesError) as raised:
        load_untranslated(tmp_path, "xx")
    assert str(raised.value) == ("xx/untranslated.yaml: item 1 must be a key path and a one-line reason "
                                 "(key: …, reason: …)".replace("xx/", f"{tmp_path.as_posix()}/xx/"))


# ------------------------------------------------------------------ overlays


def _differences(path: str, overlay: Any, base: Any) -> Iterator[str]:
    """Keys of an overlay file that its base lacks or holds the same value for (independent of the loader)."""
    for key, value in overlay.items():
        name = f"{path}.{key}"
        if not isinstance(base, dict) or key not in base:
            yield f"{name}: not in the base"
        elif isinstance(value, dict) and isinstance(base[key], dict):
            yield from _differences(name, value, base[key])
        elif value == base[key]:
            yield f"{name}: same as the base"


@pytest.mark.parametrize("variant", sorted(OVERLAYS))
def test_overlays_hold_only_what_differs_from_their_base(variant):
    base = copy_of(OVERLAYS[variant])
    folder = SOURCES / variant
    given = [name for name in FILES if (folder / name).is_file()]
    assert given, "an overlay changes something"
    problems = []
    for name in given:
        overlay = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        problems += _differences(Path(name).stem, overlay, base[Path(name).stem])
    assert problems == []
    resolved = copy_of(variant)
    assert resolved != base
    # Every file the overlay leaves out is its base's, untouched.
    assert all(resolved[Path(n).stem] == base[Path(n).stem] for n in FILES if n not in given)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    """``sources/`` with en and es only (copies), and the working directory there, so errors read sources/…"""
    for code in ("en", "es"):
        shutil.copytree(SOURCES / code, tmp_path / "sources" / code)
    monkeypatch.chdir(tmp_path)
    return Path("sources")


def overlay(tree: Path, locale: str, files: dict[str, str], status: bool = True) -> None:
    folder = tree / locale
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if status:
        shutil.copy(tree / "es" / STATUS, folder / STATUS)


def error(tree: Path, locale: str) -> str:
    with pytest.raises(SourcesError) as raised:
        load_locale(tree, locale)
    return str(raised.value)


def test_an_overlay_merges_over_its_base(tree: Path):
    es = copy_of("es", tree)
    overlay(tree, "es-MX", {"ui.yaml": "back_to_top: Regresar al inicio\n",
                            "terms.yaml": "retail:\n  visit: asesoría\n"})
    assert "es-MX" in available_locales(tree)
    mx = copy_of("es-MX", tree)
    assert mx["ui"] == {**es["ui"], "back_to_top": "Regresar al inicio"}
    assert mx["terms"]["retail"] == {**es["terms"]["retail"], "visit": "asesoría"}  # mappings merge by key
    assert mx["terms"]["healthcare"] == es["terms"]["healthcare"] and mx["faq"] == es["faq"]


def test_an_overlay_list_replaces_the_whole_list(tree: Path):
    steps = yaml.safe_load((tree / "es/infographic.yaml").read_text(encoding="utf-8"))["steps"]
    steps[0]["title"] = "Agende su cita"
    overlay(tree, "es-MX", {"infographic.yaml": yaml.safe_dump({"steps": steps}, allow_unicode=True)})
    assert copy_of("es-MX", tree)["infographic"]["steps"] == steps


def test_a_variant_without_its_base_is_one_line(tree: Path):
    overlay(tree, "ga-IE", {"ui.yaml": "back_to_top: Barr\n"})
    assert "ga-IE" not in available_locales(tree)
    line = "sources/ga-IE: its base locale 'ga' has no folder (sources/ga/): a regional variant overlays its base"
    assert error(tree, "ga-IE") == line
    from visitkit.cli import check

    assert check.source_problems() == [line]  # `visitkit check` names it, though no profile can use it


def test_an_overlay_key_the_base_lacks_is_one_line(tree: Path):
    overlay(tree, "es-MX", {"ui.yaml": "back_to_top: Regresar\nback_to_tpo: Regresar\n"})
    assert error(tree, "es-MX") == ("sources/es-MX/ui.yaml: 'back_to_tpo' is not a key of sources/es/ui.yaml "
                                    "(an overlay only changes keys its base has)")


def test_a_nested_unknown_key_is_named_by_its_path(tree: Path):
    overlay(tree, "es-MX", {"terms.yaml": "retail:\n  vist: asesoría\n"})
    assert error(tree, "es-MX") == ("sources/es-MX/terms.yaml: 'retail.vist' is not a key of sources/es/terms.yaml "
                                    "(an overlay only changes keys its base has)")


def test_an_overlay_value_equal_to_its_base_is_one_line(tree: Path):
    same = yaml.safe_load((tree / "es/ui.yaml").read_text(encoding="utf-8"))["back_to_top"]
    overlay(tree, "es-MX", {"ui.yaml": yaml.safe_dump({"back_to_top": same}, allow_unicode=True)})
    assert error(tree, "es-MX") == ("sources/es-MX/ui.yaml: 'back_to_top' is the same as in sources/es/ui.yaml "
                                    "(an overlay holds only what differs)")


def test_an_overlay_value_of_another_kind_is_one_line(tree: Path):
    overlay(tree, "es-MX", {"terms.yaml": "retail: tienda\n"})
    assert error(tree, "es-MX") == "sources/es-MX/terms.yaml: 'retail' must be a mapping, as in sources/es/terms.yaml"


def test_an_overlay_list_missing_an_item_of_the_reference_is_one_line(tree: Path):
    steps = yaml.safe_load((tree / "es/infographic.yaml").read_text(encoding="utf-8"))["steps"]
    overlay(tree, "es-MX", {"infographic.yaml": yaml.safe_dump({"steps": steps[1:]}, allow_unicode=True)})
    assert error(tree, "es-MX") == (f"sources/es-MX/infographic.yaml: missing key 'steps[{steps[0]['id']}]' "
                                    "(present in sources/en/infographic.yaml)")


def test_an_overlay_needs_its_own_status(tree: Path):
    overlay(tree, "es-MX", {"ui.yaml": "back_to_top: Regresar al inicio\n"}, status=False)
    assert error(tree, "es-MX") == ("sources/es-MX/status.yaml: file not found "
                                    "(every locale needs status.yaml, overlays too)")


def test_a_problem_in_the_base_is_named_in_the_base(tree: Path):
    overlay(tree, "es-MX", {"ui.yaml": "back_to_top: Regresar al inicio\n"})
    path = tree / "es/email.yaml"
    path.write_text(re.sub(r"(?m)^subject:.*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    assert error(tree, "es-MX") == "sources/es/email.yaml: missing key 'subject' (present in sources/en/email.yaml)"


def test_an_edit_to_the_base_checks_its_overlays_again(tree: Path):
    """A warm process remembers checked locales by their files' stamps: the base's are among an overlay's."""
    overlay(tree, "es-MX", {"ui.yaml": "back_to_top: Regresar al inicio\n"})
    load_locale(tree, "es-MX")  # checked and remembered
    path = tree / "es/ui.yaml"
    path.write_text(re.sub(r"(?m)^back_to_top:.*$", "back_to_top: Regresar al inicio", path.read_text("utf-8")),
                    encoding="utf-8")
    load_locale(tree, "es")  # the base alone is fine
    assert error(tree, "es-MX") == ("sources/es-MX/ui.yaml: 'back_to_top' is the same as in sources/es/ui.yaml "
                                    "(an overlay holds only what differs)")


# ------------------------------------------------------------------ status


@pytest.mark.parametrize("locale", SHIPPED)
def test_status_is_valid_and_its_notice_is_in_the_locale_language(locale):
    status = load_locale(SOURCES, locale)["status"]
    assert set(status) == set(STATUS_KEYS)
    assert status["produced_by"].strip() and status["reviewed"] is (status["reviewed_by"] is not None)
    english = load_locale(SOURCES, REFERENCE)["status"]["notice"]
    assert (status["notice"] == english) is (language(locale) == REFERENCE and (SOURCES / locale / STATUS).samefile(
        SOURCES / REFERENCE / STATUS)), "each locale's notice is its own, in its own language"
    scripts = SCRIPTS.get(language(locale))
    if scripts:
        names = [unicodedata.name(char, "") for char in status["notice"]]
        assert any(name.startswith(scripts) for name in names), (locale, status["notice"])
        if language(locale) == "zh":
            assert not any(name.startswith(SCRIPTS["ja"]) for name in names), "Chinese, not Japanese"


@pytest.mark.parametrize(("text", "problem"), [
    ("produced_by: x\nreviewed: 'no'\nreviewed_by: null\nnotes: null\nnotice: Ok.\n",
     "'reviewed' must be true or false"),
    ("produced_by: x\nreviewed: true\nreviewed_by: null\nnotes: null\nnotice: Ok.\n",
     "'reviewed_by' names the reviewer when 'reviewed' is true, and is null when it is false"),
    ("produced_by: x\nreviewed: false\nreviewed_by: null\nnotes: null\n", "missing key 'notice'"),
    ("produced_by: ''\nreviewed: false\nreviewed_by: null\nnotes: null\nnotice: Ok.\nreviwed: true\n",
     "unknown key 'reviwed'; 'produced_by' must be text"),
    ("produced_by: x\nreviewed: false\nreviewed_by: null\nnotes: null\nnotice: \"Two\\nlines\"\n",
     "'notice' must be one line without surrounding spaces"),
])
def test_a_broken_status_is_one_line(tree: Path, text: str, problem: str):
    (tree / "es" / STATUS).write_text(text, encoding="utf-8")
    assert error(tree, "es") == f"sources/es/status.yaml: {problem} (keys: {', '.join(STATUS_KEYS)})"


def test_a_key_given_twice_is_one_line(tree: Path):
    """YAML keeps the last of two equal keys silently: a sentence appended twice would hide the first."""
    path = tree / "es" / STATUS
    path.write_text(path.read_text(encoding="utf-8") + 'notice: "Otra vez."\n', encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    assert error(tree, "es") == (f"sources/es/status.yaml:{line}:1: YAML error: "
                                 "found the key 'notice' twice in one mapping")


class _Provenance(HTMLParser):
    """build/index.html: per organisation (article id), per locale (h3), the text of its provenance line."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[tuple[str, str], str] = {}
        self.org = self.locale = ""
        self.where: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "article":
            self.org = attributes.get("id") or ""
        elif tag == "h3":
            self.where, self.locale = "h3", ""
        elif tag == "p" and "provenance" in (attributes.get("class") or "").split():
            self.where = "p"
            self.found[(self.org, self.locale)] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h3", "p"):
            self.where = None

    def handle_data(self, data: str) -> None:
        if self.where == "h3":
            self.locale += data.strip()
        elif self.where == "p":
            self.found[(self.org, self.locale)] += data


def _squeezed(text: str) -> str:
    return "".join(text.split())


def test_status_is_shown_in_the_index_and_in_each_readme(built: Path):
    parser = _Provenance()
    parser.feed((built / "build/index.html").read_text(encoding="utf-8"))
    manifests = sorted((built / "build").glob("*/manifest.json"))
    seen = set()
    for path in manifests:
        org = path.parent.name
        profile = yaml.safe_load((built / "org_profiles" / f"{org}.yaml").read_text(encoding="utf-8"))
        for locale in profile.get("locales", ["en"]):
            status = load_locale(built / "sources", locale)["status"]
            line = " ".join(parser.found[(org, locale)].split())
            assert status["produced_by"] in line
            assert ("not reviewed" in line) is (not status["reviewed"]), line
            if status["reviewed"]:
                assert f"reviewed by {status['reviewed_by']}" in line
            text = (path.parent / locale / "README.txt").read_text(encoding="utf-8")
            assert _squeezed(status["notice"]) in _squeezed(text), (org, locale)
            seen.add(locale)
    # The examples build right-to-left and CJK locales too (the two example organisations of issue 14).
    assert {"en", "es", "ar", "ja"} <= seen


@pytest.mark.parametrize(("org", "locale"), [("sakura-dental-clinic", "ja"), ("waha-national-bank", "ar"),
                                           ("sakura-dental-clinic", "en")])
def test_readme_txt_opens_with_the_status_and_fits_its_columns(org, locale):
    """README.txt says who produced its copy, in its language, and wraps CJK text (no spaces) at 72 columns."""
    from tests.conftest import make_context
    from visitkit.render.text import WIDTH, columns

    content = make_content(org, locale)
    body = readme.render(make_context("visitkit.render.readme", content)).decode()
    opening = body.split("\n\n\n")[0]  # before the first section
    paragraph = next(p for p in opening.split("\n\n") if _squeezed(p) == _squeezed(content.status.notice))
    lines = paragraph.splitlines()
    assert columns(content.status.notice) > WIDTH  # long enough to need wrapping
    assert len(lines) > 1 and all(columns(line) <= WIDTH for line in lines)
    title, rule = body.splitlines()[:2]
    assert set(rule) == {"="} and len(rule) == columns(title)


def test_readme_lists_every_shipped_locale_with_its_status():
    rows = {}
    for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"`[a-zA-Z-]+`", cells[0]):
            rows[cells[0].strip("`")] = cells
    assert sorted(rows) == LOCALES
    for code, (_, _, copy, produced_by, reviewed) in rows.items():
        status = load_locale(SOURCES, code)["status"]
        assert copy == (f"overlay of `{base_of(code)}`" if base_of(code) else "complete")
        assert produced_by == status["produced_by"]
        assert reviewed == (f"yes, by {status['reviewed_by']}" if status["reviewed"] else "**no**")


def test_an_old_manifest_without_status_shows_unknown_provenance():
    from visitkit.outcome import INDEX_TEMPLATE
    from visitkit.render import index

    manifest = {"id": "old", "name": "Old Org", "vertical": "retail", "locales": ["en"], "warnings": [],
                "files": {"en/faq.html": {"locale": "en", "format": "faq_page", "size": 1, "sha256": "0",
                                          "inputs": "0"}}}
    parser = _Provenance()
    parser.feed(index.render([manifest], INDEX_TEMPLATE.read_text(encoding="utf-8")).decode())
    assert "unknown provenance" in parser.found[("old", "en")]


# ------------------------------------------------------------------ CLDR formatting and tags


@pytest.mark.parametrize(("locale", "number"), [("en", "2.5"), ("en-GB", "2.5"), ("es", "2,5"), ("es-MX", "2.5"),
                                                ("fr", "2,5"), ("fr-CA", "2,5"), ("de", "2,5"), ("pt-BR", "2,5"),
                                                ("ja", "2.5"), ("zh-Hans", "2.5")])
def test_numbers_follow_the_locale(locale, number):
    assert localize.decimal("2.5", locale) == number
    assert localize.decimal(1234.5, locale).endswith(number[-2:])


def test_lists_and_dates_follow_the_locale():
    import datetime

    assert localize.listing(["a", "b", "c"], "ja") == "a、b、c"
    assert localize.listing(["a", "b", "c"], "en") == "a, b, and c"
    assert localize.listing(["a", "b", "c"], "en-GB") == "a, b and c"
    assert localize.listing(["a", "b", "c"], "es") == "a, b y c"
    day = datetime.date(2026, 12, 2)
    assert localize.date(day, "fr-CA") == "2 décembre 2026"
    assert localize.date(day, "de") == "2. Dezember 2026"
    assert localize.date(day, "ja") == "2026年12月2日"


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locale_maps_to_a_cldr_locale_through_its_chain(locale):
    from babel import Locale

    cldr = Locale.parse(localize.babel_locale(locale))
    assert cldr.language == language(locale)
    assert str(cldr) == localize.babel_locale(locale) == locale.replace("-", "_") or base_of(locale)


def test_a_variant_cldr_lacks_falls_back_to_its_base():
    assert localize.babel_locale("fr-XK") in ("fr", "fr_XK")  # depends on the CLDR version
    assert localize.babel_locale("zh-Hans") == "zh_Hans"
    assert localize.babel_locale("xx-YY") == "en"


@pytest.mark.parametrize(("locale", "mark"), [("es", "2,5:1"), ("fr", "2,5:1"), ("de", "2,5:1"), ("en", "2.5:1"),
                                              ("ja", "2.5:1")])
def test_readme_notices_write_ratios_as_the_locale_does(locale, mark):
    content = make_content("sample")
    sentences = {f"notices.{k}": v for k, v in load_locale(SOURCES, locale)["readme"]["notices"].items()
                 if isinstance(v, str)}
    notice = Notice(kind="contrast", text="x", params={"field": "brand.primary", "colour": "#777777",
                                                       "against": "#FFFFFF", "ratio": "2.5", "minimum": "4.5",
                                                       "used": "#595959", "use": "body_text"})
    local = content.model_copy(update={"locale": locale, "readme": {**content.readme, **sentences}})
    line = readme.notice_line(local, notice)
    assert mark in line and mark.replace("2", "4") in line


@pytest.mark.parametrize("locale", LOCALES)
def test_content_lang_is_the_bcp47_tag(locale):
    profile = Profile.model_validate({"name": "Example", "vertical": "generic", "locales": [locale],
                                      "brand": {"primary": "#0B6E4F"}, "links": {"booking": "https://o.example/b"}},
                                     context={"locales": set(LOCALES)})
    content = build_content(profile, "example", locale, load_locale(SOURCES, locale), ROOT / "org_profiles")
    assert content.lang == locale and LOCALE.fullmatch(content.lang)
    # WeasyPrint hyphenates with the pyphen dictionary for ``lang``, falling back along the tag as the
    # chain does (fr-CA → fr): every language with a dictionary gets one.
    import pyphen

    if any(name.split("_")[0] == language(locale) for name in pyphen.LANGUAGES):
        assert pyphen.language_fallback(content.lang), locale
    assert content.status.produced_by == load_locale(SOURCES, locale)["status"]["produced_by"]


@pytest.mark.parametrize("code", ["zh-Hans", "pt-BR", "es-419", "sr-Latn-RS", "en"])
def test_profile_locale_codes_are_bcp47(code):
    assert LOCALE.fullmatch(code)


@pytest.mark.parametrize("code", ["zh-hans", "pt_BR", "PT-br", "fr-ca", "en-", "english"])
def test_profile_locale_codes_in_another_case_or_form_are_refused(code, tmp_path: Path):
    assert not LOCALE.fullmatch(code)
    path = tmp_path / "o.yaml"
    path.write_text(f"name: O\nvertical: generic\nlocales: [{code}]\nbrand: {{primary: '#0B6E4F'}}\n"
                    "links: {booking: 'https://o.example/b'}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="locales"):
        load_profile(path, set(LOCALES) | {code})


# ------------------------------------------------------------------ doit: a base edit reaches its variants


def test_an_edit_to_a_base_reruns_its_variants_content_tasks(tmp_path: Path):
    project = copy_project(tmp_path / "project")
    for path in (project / "org_profiles").glob("*.yaml"):
        path.unlink()
    (project / "org_profiles/quebec.yaml").write_text(
        "name: Clinique Exemple\nvertical: healthcare\nlocales: [fr-CA, fr]\nbrand: {primary: '#0B6E4F'}\n"
        "links: {booking: 'https://clinique.example/rdv'}\n", encoding="utf-8")
    first = doit(project, "content")
    assert first.returncode == 0, first.stdout + first.stderr
    assert {"content:quebec/fr", "content:quebec/fr-CA"} <= ran(first)

    path = project / "sources/fr/faq.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# une modification du français de base\n", encoding="utf-8")
    second = doit(project, "content")
    assert {"content:quebec/fr", "content:quebec/fr-CA"} <= ran(second)

    variant = next(p for p in sorted((project / "sources/fr-CA").glob("*.yaml")) if p.name != STATUS)
    variant.write_text(variant.read_text(encoding="utf-8") + "\n# une modification québécoise\n", encoding="utf-8")
    third = doit(project, "content")
    assert "content:quebec/fr-CA" in ran(third) and "content:quebec/fr" not in ran(third)
    assert ran(doit(project, "content")) == set()
