"""The copy in sources/: every locale mirrors ``en`` and only uses data the content model provides."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, get_args

import pytest

from tests.conftest import ROOT
from visitkit import content as content_mod
from visitkit import richtext
from visitkit.profile import Policies, Profile
from visitkit.sources import FILES, available_locales, key_paths, load_locale

SOURCES = ROOT / "sources"
REFERENCE = "en"
LOCALES = sorted(available_locales(SOURCES))
OTHER_LOCALES = [code for code in LOCALES if code != REFERENCE]
VERTICALS = set(get_args(Profile.model_fields["vertical"].annotation))
TERMS = {"client", "clients", "staff", "staff_plural", "visit", "visits"}
# Keys whose values are structure (names of data, ids), not copy to translate
# (``infographic.verticals`` is a mapping of copy, unlike a part's ``verticals`` list).
STRUCTURAL = {"id", "needs", "verticals", "prose", "list", "channels"}
ANY_BRACES = re.compile(r"\{([^{}]*)\}")

# A profile with every field set, so that ``_values`` names every placeholder there can be.
FULL_PROFILE = Profile.model_validate(
    {
        "name": "Example Org",
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


def _values(locale: str = REFERENCE) -> dict[str, Any]:
    terms = load_locale(SOURCES, locale)["terms"]["healthcare"]
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
    return load_locale(SOURCES, REFERENCE)


def test_reference_and_other_locales_exist():
    assert REFERENCE in LOCALES
    assert OTHER_LOCALES, "expected at least one translation of the sources"


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_has_every_file(locale):
    missing = [name for name in FILES if not (SOURCES / locale / name).is_file()]
    assert not missing
    extra = sorted(p.name for p in (SOURCES / locale).glob("*.yaml") if p.name not in FILES)
    assert not extra, f"files the loader never reads: {extra}"


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_same_key_paths_as_reference(locale, reference):
    paths = key_paths(load_locale(SOURCES, locale))
    wanted = key_paths(reference)
    assert sorted(wanted - paths) == [], "missing in " + locale
    assert sorted(paths - wanted) == [], "not in " + REFERENCE


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_same_structure_as_reference(locale, reference):
    """Ids, needs, verticals and data names are not translated: they must be identical."""
    assert dict(_structure(load_locale(SOURCES, locale))) == dict(_structure(reference))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_vertical_has_every_term(locale):
    terms = load_locale(SOURCES, locale)["terms"]
    assert set(terms) == VERTICALS
    for vertical, words in terms.items():
        assert set(words) == TERMS, vertical
        for name, word in words.items():
            assert isinstance(word, str) and word.strip() == word and word, (vertical, name)
            assert word == word.lower(), f"{vertical}.{name}: terms are mid-sentence, lower-case forms"
            assert "{" not in word and "}" not in word


@pytest.mark.parametrize("locale", LOCALES)
def test_every_vertical_has_an_infographic_title(locale):
    verticals = load_locale(SOURCES, locale)["infographic"]["verticals"]
    assert set(verticals) == VERTICALS
    for vertical, texts in verticals.items():
        assert texts["title"].strip() and texts["subtitle"].strip(), vertical


@pytest.mark.parametrize("locale", LOCALES)
def test_every_placeholder_is_provided(locale):
    data = load_locale(SOURCES, locale)
    values = _values(locale)
    # Text is filled only with string values (``_sub``); terms are always strings.
    provided = {name for name, value in values.items() if isinstance(value, str)} | TERMS
    problems = []
    for path, text in _strings({k: v for k, v in data.items() if k != "terms"}):
        for name in ANY_BRACES.findall(text):
            if not content_mod._PLACEHOLDER.fullmatch("{" + name + "}"):
                problems.append(f"{path}: {{{name}}} is not a placeholder the composer fills")
            elif name not in provided:
                problems.append(f"{path}: unknown placeholder {{{name}}}")
    assert not problems


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_placeholders_match_reference(locale, reference):
    ours = dict(_strings(load_locale(SOURCES, locale)))
    theirs = dict(_strings(reference))
    assert set(ours) == set(theirs)
    mismatched = {
        path: (sorted(ANY_BRACES.findall(text)), sorted(ANY_BRACES.findall(theirs[path])))
        for path, text in ours.items()
        if Counter(ANY_BRACES.findall(text)) != Counter(ANY_BRACES.findall(theirs[path]))
    }
    assert not mismatched


@pytest.mark.parametrize("locale", LOCALES)
def test_parts_name_real_data(locale):
    """``needs``, ``prose``, ``list`` and ``verticals`` name data the content model has."""
    data = load_locale(SOURCES, locale)
    values = _values(locale)
    prose = {n for n, v in values.items() if isinstance(v, str) and (n.startswith("policies.") or n == "extra_info")}
    lists = {name for name, value in values.items() if isinstance(value, list)}
    problems = []
    for where, part in _parts(data):
        problems += [f"{where}: needs unknown {n!r}" for n in part.get("needs", ()) if n not in values]
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
    for where, part in _parts(load_locale(SOURCES, locale)):
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
    data = load_locale(SOURCES, locale)
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
    steps = load_locale(SOURCES, locale)["infographic"]["steps"]
    ids = [step["id"] for step in steps]
    assert ids == ["book", "confirm", "forms", "join", "wait", "meet"]
    # Without optional features the journey still has at least five steps.
    assert sum(1 for step in steps if not step.get("needs") and not step.get("verticals")) >= 5
