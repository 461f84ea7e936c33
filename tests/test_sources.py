"""The copy in sources/: every locale mirrors ``en`` and only uses data the content model provides."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from tests.conftest import ROOT
from tests.pipeline_support import copy_project, doit
from visitkit import build, richtext
from visitkit import content as content_mod
from visitkit.profile import Policies, Profile, load_profile
from visitkit.sources import (
    FILES,
    STATUS,
    UNTRANSLATED,
    SourcesError,
    available_locales,
    base_of,
    key_paths,
    load_locale,
)

SOURCES = ROOT / "sources"
REFERENCE = "en"
LOCALES = sorted(available_locales(SOURCES))
OTHER_LOCALES = [code for code in LOCALES if code != REFERENCE]
VERTICALS = set(get_args(Profile.model_fields["vertical"].annotation))
TERMS = {"client", "clients", "staff", "staff_plural", "visit", "visits"}
NOUNS_CAPITALISED = {"de"}  # German capitalises every noun, mid-sentence too
# Keys whose values are structure (names of data, ids), not copy to translate
# (``infographic.verticals`` is a mapping of copy, unlike a part's ``verticals`` list).
STRUCTURAL = {"id", "needs", "unless", "verticals", "prose", "list", "channels"}
# readme.yaml's build-warning sentences: filled by README.txt from each notice's own parameters.
NOTICES = "readme.notices."
ANY_BRACES = re.compile(r"\{([^{}]*)\}")

# A profile with every field set, so that ``_values`` names every placeholder there can be.
FULL_PROFILE = Profile.model_validate(
    {
        "name": "Example Org",
        "locales": LOCALES,
        "short_name": "Example",
        "vertical": "healthcare",
        "brand": {"primary": "#0B6E4F"},
        "links": {
            "booking": "https://org.example/book",
            "cancellation_policy": "https://org.example/cancel",
            "billing": "https://org.example/billing",
            "homepage": "https://org.example/",
            "join_help": "https://org.example/join",
            "patient_portal": "https://portal.org.example/",
        },
        "contact": {"phone": "+34 91 000 0000", "email": "hi@org.example", "social": {"X": "https://x.example/o"}},
        "policies": {name: ["card"] if name == "payment_methods" else "Some text." for name in Policies.model_fields},
        "features": dict.fromkeys(Profile.model_fields["features"].annotation.model_fields, True),
        "extra_info": "Some text.",
    }
)


def _copy(locale: str) -> dict[str, Any]:
    """A locale's copy, resolved through its overlays (``status`` is provenance, tested in test_locales.py)."""
    data = load_locale(SOURCES, locale)
    del data["status"]
    return data


def _values(locale: str = REFERENCE) -> dict[str, Any]:
    terms = _copy(locale)["terms"]["healthcare"]
    return content_mod._values(FULL_PROFILE, locale, terms)


def _strings(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every translatable string with its key path (named like ``key_paths``)."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key in STRUCTURAL and not isinstance(child, dict):
                continue
            yield from _strings(child, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            name = child.get("id", index) if isinstance(child, dict) else index
            yield from _strings(child, f"{prefix}[{name}]")
    elif isinstance(value, str):
        yield prefix, value


def _structure(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every structural value (ids, needs, verticals, data names) with its key path."""
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if key in STRUCTURAL and not isinstance(child, dict):
                yield path, child
            else:
                yield from _structure(child, path)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            name = child.get("id", index) if isinstance(child, dict) else index
            yield from _structure(child, f"{prefix}[{name}]")


def _parts(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every part (and every step, which may carry needs/verticals) in faq and infographic."""
    for section in data["faq"]["sections"]:
        for question in section["questions"]:
            for index, part in enumerate(question["answer"]):
                yield f"faq {question['id']}[{index}]", part
    for index, part in enumerate(data["faq"]["intro"]):
        yield f"faq intro[{index}]", part
    info = data["infographic"]
    for step in info["steps"]:
        yield f"step {step['id']}", step
        for index, part in enumerate(step["body"]):
            yield f"step {step['id']}[{index}]", part
    for key in ("help", "contact"):
        for index, part in enumerate(info[key]):
            yield f"infographic {key}[{index}]", part


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return _copy(REFERENCE)


def test_reference_and_other_locales_exist():
    assert REFERENCE in LOCALES
    assert OTHER_LOCALES, "expected at least one translation of the sources"


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_has_every_file(locale):
    """A base locale has every file; an overlay (``fr-CA``) only those it changes. Both have a status."""
    wanted = (*FILES, STATUS) if base_of(locale) is None else (STATUS,)
    missing = [name for name in wanted if not (SOURCES / locale / name).is_file()]
    assert not missing
    extra = sorted(p.name for p in (SOURCES / locale).glob("*.yaml") if p.name not in (*FILES, STATUS, UNTRANSLATED))
    assert not extra, f"files the loader never reads: {extra}"


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_same_key_paths_as_reference(locale, reference):
    paths = key_paths(_copy(locale))
    wanted = key_paths(reference)
    assert sorted(wanted - paths) == [], "missing in " + locale
    assert sorted(paths - wanted) == [], "not in " + REFERENCE


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_same_structure_as_reference(locale, reference):
    """Ids, needs, verticals and data names are not translated: they must be identical."""
    assert dict(_structure(_copy(locale))) == dict(_structure(reference))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_vertical_has_every_term(locale):
    terms = _copy(locale)["terms"]
    assert set(terms) == VERTICALS
    for vertical, words in terms.items():
        assert set(words) == TERMS, vertical
        for name, word in words.items():
            assert isinstance(word, str) and word.strip() == word and word, (vertical, name)
            if locale.split("-")[0] in NOUNS_CAPITALISED:
                assert word[0].isupper(), f"{vertical}.{name}: a noun, capitalised wherever it stands"
            else:
                assert word == word.lower(), f"{vertical}.{name}: terms are mid-sentence, lower-case forms"
            assert "{" not in word and "}" not in word


@pytest.mark.parametrize("locale", LOCALES)
def test_every_vertical_has_an_infographic_title(locale):
    verticals = _copy(locale)["infographic"]["verticals"]
    assert set(verticals) == VERTICALS
    for vertical, texts in verticals.items():
        assert texts["title"].strip() and texts["subtitle"].strip(), vertical


@pytest.mark.parametrize("locale", LOCALES)
def test_every_placeholder_is_provided(locale):
    data = _copy(locale)
    values = _values(locale)
    # Text is filled only with string values (``_sub``); terms are always strings.
    provided = {name for name, value in values.items() if isinstance(value, str)} | TERMS
    problems = []
    for path, text in _strings({k: v for k, v in data.items() if k != "terms"}):
        if path.startswith(NOTICES):
            continue  # test_notice_sentences
        for name in ANY_BRACES.findall(text):
            if not content_mod._PLACEHOLDER.fullmatch("{" + name + "}"):
                problems.append(f"{path}: {{{name}}} is not a placeholder the composer fills")
            elif name not in provided:
                problems.append(f"{path}: unknown placeholder {{{name}}}")
    assert not problems


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_placeholders_match_reference(locale, reference):
    """Data (names, links, numbers) is never lost in translation. Terms are wording: a translation may
    phrase a sentence around one ("se conecta y le atiende" needs no {visit})."""
    ours = dict(_strings(_copy(locale)))
    theirs = dict(_strings(reference))
    assert set(ours) == set(theirs)

    def data(text: str) -> Counter[str]:
        return Counter(name for name in ANY_BRACES.findall(text) if name not in TERMS)

    mismatched = {
        path: (sorted(data(text)), sorted(data(theirs[path])))
        for path, text in ours.items()
        if data(text) != data(theirs[path])
    }
    assert not mismatched


@pytest.mark.parametrize("locale", LOCALES)
def test_notice_sentences(locale):
    """Every kind of build warning has a sentence in every locale's readme.yaml, naming only the kind's
    parameters, and every use of an adjusted colour has a phrase, so README.txt is all in its language."""
    notices = _copy(locale)["readme"]["notices"]
    problems = []
    for kind, params in content_mod.NOTICE_KINDS.items():
        sentence = notices.get(kind)
        if not isinstance(sentence, str) or not sentence.strip():
            problems.append(f"notices.{kind}: missing")
            continue
        problems += [f"notices.{kind}: {{{name}}} is not a parameter of {kind}"
                     for name in ANY_BRACES.findall(sentence) if name not in params]
    problems += [f"notices.uses.{use}: missing" for use in content_mod.CONTRAST_USES if use not in notices["uses"]]
    assert not problems


@pytest.mark.parametrize("locale", LOCALES)
def test_parts_name_real_data(locale):
    """``needs``, ``prose``, ``list`` and ``verticals`` name data the content model has."""
    data = _copy(locale)
    values = _values(locale)
    prose = {n for n, v in values.items() if isinstance(v, str) and (n.startswith("policies.") or n == "extra_info")}
    lists = {name for name, value in values.items() if isinstance(value, list)}
    problems = []
    for where, part in _parts(data):
        problems += [f"{where}: needs unknown {n!r}" for n in part.get("needs", ()) if n not in values]
        problems += [f"{where}: unless names unknown {n!r}" for n in part.get("unless", ()) if n not in values]
        problems += [f"{where}: unknown vertical {v!r}" for v in part.get("verticals", ()) if v not in VERTICALS]
        if "prose" in part and part["prose"] not in prose:
            problems.append(f"{where}: prose names {part['prose']!r}, which is not organisation prose")
        if "list" in part and part["list"] not in lists:
            problems.append(f"{where}: list names {part['list']!r}, which is not a list")
        if "channels" in part and part["channels"] is not True:
            problems.append(f"{where}: channels must be true")
    assert not problems


@pytest.mark.parametrize("locale", LOCALES)
def test_links_point_at_placeholders(locale):
    """Link targets come from the profile, so every organisation gets its own."""
    problems = []
    for where, part in _parts(_copy(locale)):
        if "text" in part:
            for href in richtext.links(richtext.parse(part["text"])):
                if not re.fullmatch(r"\{[a-z_.]+\}", href):
                    problems.append(f"{where}: hard-coded link {href!r}")
    assert not problems


# Words that must agree in gender or sound with the noun they precede; terms differ per vertical.
ARTICLES = {
    "en": r"a|an|the",
    "es": r"el|la|los|las|un|una|unos|unas|del|al|este|esta|estos|estas|ese|esa|esos|esas",
}
TERM_ALTERNATION = "|".join(sorted(TERMS, key=len, reverse=True))


@pytest.mark.parametrize("locale", LOCALES)
def test_no_article_or_capital_needed_before_terms(locale):
    """Terms change with the vertical ("associate", "care provider"; "asesor", "paciente"): copy
    must never need an article or a capital letter that depends on which term fills the gap."""
    data = _copy(locale)
    articles = ARTICLES.get(locale.split("-")[0])
    problems = []
    for path, text in _strings({k: v for k, v in data.items() if k != "terms"}):
        if articles and re.search(rf"(?i)\b(?:{articles})\s+\{{(?:{TERM_ALTERNATION})\}}", text):
            problems.append(f"{path}: article before a term: {text!r}")
        if re.search(rf"(?:^|[.!?¿¡]\s*)\{{(?:{TERM_ALTERNATION})\}}", text):
            problems.append(f"{path}: a term starts a sentence (terms are lower-case): {text!r}")
    assert not problems


@pytest.mark.parametrize("locale", LOCALES)
def test_steps_are_the_client_journey(locale):
    steps = _copy(locale)["infographic"]["steps"]
    ids = [step["id"] for step in steps]
    assert ids == ["book", "confirm", "forms", "join", "wait", "meet"]
    # Without optional features the journey still has at least five steps.
    assert sum(1 for step in steps if not step.get("needs") and not step.get("verticals")) >= 5


# ------------------------------------------------------------------ broken sources
#
# A locale's files are shared by every organisation that uses it: a problem in one fails the
# content task with one line that names the file, the same line for every organisation.

BROKEN_ORGS = ("sunvale-health", "brightside-hardware")


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A copy of sources/ with a new locale ``ga`` (Irish, not shipped; a copy of ``es``), as the working directory."""
    shutil.copytree(SOURCES, tmp_path / "sources")
    shutil.copytree(SOURCES / "es", tmp_path / "sources" / "ga")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def content_task(project: Path, org: str, locale: str = "ga") -> str | None:
    """Run the content task's action for ``org`` in ``locale``: its failure message, or None."""
    profile = load_profile(ROOT / "org_profiles" / f"{org}.yaml", available_locales(ROOT / "sources"))
    validated = project / "work" / org / "profile.json"
    validated.parent.mkdir(parents=True, exist_ok=True)
    validated.write_text(profile.model_dump_json(exclude_none=True))
    target = project / "work" / org / locale / "content.json"
    failed = build.content(str(validated), org, locale, "sources", str(ROOT / "org_profiles"), str(target))
    assert (failed is None) == target.is_file()
    return None if failed is None else failed.message


def task_messages(project: Path, locale: str = "ga") -> set[str | None]:
    return {content_task(project, org, locale) for org in BROKEN_ORGS}


def drop_top_level_keys(path: Path, *keys: str) -> list[str]:
    """Remove one-line top-level ``keys`` from a YAML file; returns them in the file's order."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    found = [line.split(":", 1)[0] for line in lines if line.split(":", 1)[0] in keys]
    assert sorted(found) == sorted(keys)
    path.write_text("".join(line for line in lines if line.split(":", 1)[0] not in keys), encoding="utf-8")
    return found


def test_new_locale_copy_builds(project: Path):
    assert task_messages(project) == {None}


def test_missing_key_is_one_line_naming_both_files(project: Path):
    drop_top_level_keys(project / "sources/ga/ui.yaml", "back_to_top")
    expected = "sources/ga/ui.yaml: missing key 'back_to_top' (present in sources/en/ui.yaml)"
    assert task_messages(project) == {expected}  # the same line for every organisation
    with pytest.raises(SourcesError) as raised:
        load_locale(Path("sources"), "ga")
    assert str(raised.value) == expected


def test_several_missing_keys_are_one_short_line(project: Path):
    reference_order = list(yaml.safe_load((project / "sources/en/ui.yaml").read_text(encoding="utf-8")))
    dropped = drop_top_level_keys(project / "sources/ga/ui.yaml", *reference_order[1:6])
    named = ", ".join(repr(key) for key in dropped[:3])
    assert task_messages(project) == {
        f"sources/ga/ui.yaml: missing keys {named} +2 more (present in sources/en/ui.yaml)"
    }


def test_missing_item_is_named_without_everything_below_it(project: Path):
    first = yaml.safe_load((project / "sources/en/faq.yaml").read_text(encoding="utf-8"))["sections"][0]["id"]
    path = project / "sources/ga/faq.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"id: {first}\n", f"id: {first}-renamed\n", 1), encoding="utf-8")
    assert task_messages(project) == {
        f"sources/ga/faq.yaml: missing key 'sections[{first}]' (present in sources/en/faq.yaml)"
    }


def test_a_key_missing_from_several_files_gives_a_line_per_file(project: Path):
    drop_top_level_keys(project / "sources/ga/ui.yaml", "back_to_top")
    drop_top_level_keys(project / "sources/ga/email.yaml", "subject")
    assert task_messages(project) == {
        "sources/ga/ui.yaml: missing key 'back_to_top' (present in sources/en/ui.yaml)\n"
        "sources/ga/email.yaml: missing key 'subject' (present in sources/en/email.yaml)"
    }


def test_extra_keys_are_fine(project: Path):
    with (project / "sources/ga/ui.yaml").open("a", encoding="utf-8") as handle:
        handle.write("only_in_irish: Dia duit\n")
    assert task_messages(project) == {None}


def test_yaml_syntax_error_names_file_line_and_column(project: Path):
    path = project / "sources/ga/faq.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines[:2], "    key: value: more\n", *lines[2:]]), encoding="utf-8")
    # libyaml (CSafeLoader, used when installed) and PyYAML word this problem differently
    assert task_messages(project) < {
        "sources/ga/faq.yaml:3:15: YAML error: mapping values are not allowed in this context",
        "sources/ga/faq.yaml:3:15: YAML error: mapping values are not allowed here",
    }


def test_text_that_is_not_utf8(project: Path):
    path = project / "sources/ga/ui.yaml"
    line = len(path.read_bytes().splitlines()) + 1
    path.write_bytes(path.read_bytes() + "only_in_irish: \"fáilte\"\n".encode("latin-1"))
    assert task_messages(project) == {f"sources/ga/ui.yaml:{line}: expected UTF-8 text, found byte 0xE1"}


def test_empty_file(project: Path):
    (project / "sources/ga/email.yaml").write_text("# to be translated\n", encoding="utf-8")
    assert task_messages(project) == {"sources/ga/email.yaml: expected a mapping of keys at the top, found nothing"}


def test_missing_file(project: Path):
    (project / "sources/ga/readme.yaml").unlink()
    with pytest.raises(SourcesError) as raised:
        load_locale(Path("sources"), "ga")
    assert str(raised.value) == f"sources/ga/readme.yaml: file not found (every locale needs {', '.join(FILES)})"


def test_broken_reference_is_named_when_loading_another_locale(project: Path):
    path = project / "sources/en/ui.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "broken: [\n", encoding="utf-8")
    (message,) = task_messages(project)
    assert message.startswith("sources/en/ui.yaml:") and ": YAML error: " in message


def test_an_edit_after_a_successful_load_is_checked_again(project: Path):
    load_locale(Path("sources"), "ga")  # complete: remembered as checked
    drop_top_level_keys(project / "sources/ga/ui.yaml", "back_to_top")
    with pytest.raises(SourcesError, match="missing key 'back_to_top'"):
        load_locale(Path("sources"), "ga")
    load_locale(Path("sources"), "en")  # the reference has nothing to be compared with


def test_build_shows_shared_problems_as_lines_naming_the_shared_file(tmp_path: Path):
    """End to end: a broken locale and a broken template, used by two organisations."""
    project = copy_project(tmp_path / "project")
    profile = project / "org_profiles/brightside-hardware.yaml"
    text = profile.read_text(encoding="utf-8")
    profile.write_text(re.sub(r"(?m)^locales: \[en\]$", "locales: [en, es]", text), encoding="utf-8")
    assert profile.read_text(encoding="utf-8") != text  # both organisations now use sources/es/
    drop_top_level_keys(project / "sources/es/ui.yaml", "back_to_top")
    page = project / "templates/faq/page.html.j2"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    page.write_text("".join([*lines[:13], "{{ broken } }}\n", *lines[13:]]), encoding="utf-8")

    result = doit(project, "org=sunvale-health,brightside-hardware")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "sources/es/ui.yaml: missing key 'back_to_top' (present in sources/en/ui.yaml)" in result.stdout
    assert "templates/faq/page.html.j2:14: unexpected '}'" in result.stdout
    assert "Traceback" not in output and "KeyError" not in output
    # The lines about shared files name no organisation, so they can be shown once for all of them.
    errors = [line for line in output.splitlines() if line.startswith("ERROR ")]
    shared = [line for line in errors if "sources/" in line or "templates/" in line]
    assert shared and not [line for line in shared if any(org in line for org in BROKEN_ORGS)]


# Tight places where the short name stands alone from the first mention (an inbox line is read before the body).
SHORT_NAME_PLACES = {"email.subject"}


@pytest.mark.parametrize("locale", LOCALES)
def test_running_text_names_the_organisation_with_org(locale):
    """Copy writes {org} and the composer picks the full or the short name; {short} only where space is tight."""
    misplaced = [path for path, text in _strings(_copy(locale))
                 if "{short}" in text and path not in SHORT_NAME_PLACES]
    assert not misplaced
