"""The content model built from real sources: what each profile leaves in and leaves out."""

from __future__ import annotations

import copy
import itertools
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, make_content
from visitkit import richtext
from visitkit.content import Content
from visitkit.profile import load_profile
from visitkit.richtext import Block
from visitkit.sources import available_locales, load_locale

SOURCES = ROOT / "sources"
LOCALES = sorted(available_locales(SOURCES))
VERTICALS = ("healthcare", "financial", "retail", "generic")
EXAMPLES = sorted(p.stem for p in (ROOT / "org_profiles").glob("*.yaml"))
# Answers written entirely by us: they need nothing but the required fields.
READY_QUESTIONS = ["what-is-a-virtual-appointment", "how-does-it-work", "how-do-i-book", "who-can-i-book-with",
                   "what-equipment-do-i-need", "how-do-i-join"]
CORE_STEPS = ["book", "confirm", "join", "wait", "meet"]
# Step bodies go on a one-page infographic; translations may run ~25% longer.
STEP_WORDS = {"en": 22}
STEP_WORDS_OTHER = 28

MINIMAL: dict[str, Any] = {
    "name": "Acme",
    "vertical": "healthcare",
    "brand": {"primary": "#0B6E4F"},
    "links": {"booking": "https://acme.example/book"},
}


def _localized(text: str) -> dict[str, str]:
    """Per-locale prose with a marker that shows which locale it came from."""
    return {code: f"[{code}] {text}" for code in LOCALES}


FULL: dict[str, Any] = {
    "name": "Acme Services",
    "short_name": "Acme",
    "vertical": "healthcare",
    "locales": LOCALES,
    # build() points the logo at the org's own folder.
    "brand": {"primary": "#0B6E4F", "logo": "logo.png", "logo_alt": _localized("Acme logo")},
    "links": {
        "booking": "https://acme.example/book",
        "cancellation_policy": "https://acme.example/cancel",
        "billing": "https://acme.example/billing",
        "homepage": "https://acme.example/",
        "join_help": "https://acme.example/join",
        "patient_portal": "https://portal.acme.example/",
    },
    "contact": {"phone": "+34 91 000 0000", "email": "hello@acme.example"},
    "policies": {
        "service_differences": _localized("Service differences."),
        "fee_differences": _localized("Fee differences."),
        "payment_methods": [_localized("card"), _localized("cash")],
        "staff_availability": _localized("Staff availability."),
        "cancellation_differences": _localized("Cancellation differences."),
        "equipment": _localized("Equipment."),
    },
    "features": {"sms_reminders": True, "branded_waiting_room": True, "pre_visit_forms": True,
                 "patient_portal_join": True},
    "extra_info": _localized("Extra information."),
}


def build(tmp_path: Path, data: dict[str, Any], locale: str | None = None, org: str = "acme") -> Content:
    """Write ``data`` as org_profiles/<org>.yaml under tmp_path and build its content."""
    folder = tmp_path / "org_profiles"
    (folder / org).mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "org_profiles/sample/logo.png", folder / org / "logo.png")
    if data.get("brand", {}).get("logo"):
        data = with_(data, brand__logo=f"{org}/logo.png")
    data = _translations_for(data, data.get("locales", LOCALES))
    (folder / f"{org}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return make_content(org, locale, profiles_dir=folder)


def _translations_for(value: Any, locales: list[str]) -> Any:
    """``value`` with each per-locale mapping (``_localized``) cut down to the profile's ``locales``."""
    if isinstance(value, dict) and set(value) == set(LOCALES):
        return {code: value[code] for code in locales}
    if isinstance(value, dict):
        return {key: _translations_for(item, locales) for key, item in value.items()}
    if isinstance(value, list):
        return [_translations_for(item, locales) for item in value]
    return value


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of ``base``; ``group__key=value`` sets a nested field, ``value=None`` removes it."""
    data = copy.deepcopy(base)
    for name, value in changes.items():
        *parents, key = name.split("__")
        target = data
        for parent in parents:
            target = target.setdefault(parent, {})
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return data


def all_blocks(content: Content) -> Iterator[tuple[str, Block]]:
    for block in content.faq.intro:
        yield "faq.intro", block
    for section in content.faq.sections:
        for question in section.questions:
            for block in question.answer:
                yield f"faq {question.id}", block
    info = content.infographic
    for step in info.steps:
        for block in step.body:
            yield f"step {step.id}", block
    for name in ("help", "extra", "contact"):
        for block in getattr(info, name):
            yield f"infographic.{name}", block


def all_lines(content: Content) -> Iterator[tuple[str, str]]:
    """Every one-line string the renderers show."""
    yield "faq.title", content.faq.title
    for section in content.faq.sections:
        yield f"section {section.id}", section.title
        for question in section.questions:
            yield f"question {question.id}", question.question
    info = content.infographic
    yield "infographic.title", info.title
    yield "infographic.subtitle", info.subtitle
    yield "infographic.steps_heading", info.steps_heading
    for step in info.steps:
        yield f"step {step.id} title", step.title
    for cta in info.ctas:
        yield f"cta {cta.id}", cta.label
    for key, label in content.labels.items():
        yield f"label {key}", label


def text_of(content: Content) -> str:
    return "\n".join(richtext.plain([b]) for _, b in all_blocks(content)) + "\n" + "\n".join(
        t for _, t in all_lines(content)
    )


def hrefs_of(content: Content) -> list[str]:
    return richtext.links([b for _, b in all_blocks(content)]) + [c.url for c in content.infographic.ctas]


def assert_clean(content: Content) -> None:
    """No leftovers of missing data: no None, no unfilled placeholder, no empty block or line."""
    problems = []
    for where, block in all_blocks(content):
        if not block.items:
            problems.append(f"{where}: empty {block.kind}")
        for item in block.items:
            text = "".join(run.text for run in item)
            if not text.strip():
                problems.append(f"{where}: empty item in {block.kind}")
            if re.search(r"\bNone\b|[{}]", text):
                problems.append(f"{where}: leftover in {text!r}")
            for run in item:
                if run.href is not None and (not run.href or re.search(r"None|[{}\s]", run.href)):
                    problems.append(f"{where}: bad link {run.href!r}")
                if run.href and not run.text.strip():
                    problems.append(f"{where}: link without text")
    for where, line in all_lines(content):
        if not line.strip() or re.search(r"\bNone\b|[{}]", line) or "  " in line:
            problems.append(f"{where}: bad line {line!r}")
    # A lead-in sentence ("We accept:") must be followed by its list.
    for section in content.faq.sections:
        for question in section.questions:
            for block, following in zip(question.answer, question.answer[1:] + (None,), strict=True):
                text = richtext.plain([block]).rstrip()
                if block.kind == "p" and text.endswith(":") and (following is None or following.kind == "p"):
                    problems.append(f"faq {question.id}: {text!r} is not followed by a list")
    assert not problems


def question_ids(content: Content) -> list[str]:
    return [q.id for s in content.faq.sections for q in s.questions]


def step(content: Content, step_id: str) -> str:
    return next(s.text for s in content.infographic.steps if s.id == step_id)


def source_part(locale: str, step_id: str, need: str) -> str:
    """The source sentence of ``step_id`` that needs ``need`` (as the reader sees it, no markup)."""
    steps = load_locale(SOURCES, locale)["infographic"]["steps"]
    parts = next(s for s in steps if s["id"] == step_id)["body"]
    return richtext.plain(richtext.parse(next(p["text"] for p in parts if need in p.get("needs", ()))))


# ------------------------------------------------------------------ example organisations


def _example_cases() -> list[tuple[str, str]]:
    available = set(LOCALES)
    cases = []
    for org in EXAMPLES:
        profile = load_profile(ROOT / "org_profiles" / f"{org}.yaml", available)
        cases += [(org, locale) for locale in profile.locales]
    return cases


@pytest.mark.parametrize(("org", "locale"), _example_cases())
def test_example_orgs_build_clean_content(org, locale):
    content = make_content(org, locale)
    assert content.locale == locale
    assert_clean(content)
    assert 1 <= len(content.faq.sections) <= 3
    assert 5 <= len(content.infographic.steps) <= 6
    assert content.infographic.ctas[0].id == "booking"
    assert set(READY_QUESTIONS) <= set(question_ids(content))


def test_examples_cover_every_vertical_and_kind_of_locale():
    """Every vertical; English and Spanish (the first locales), a right-to-left one and a CJK one."""
    profiles = [load_profile(ROOT / "org_profiles" / f"{org}.yaml", set(LOCALES)) for org in EXAMPLES]
    assert {p.vertical for p in profiles} >= set(VERTICALS)
    shown = {code for p in profiles for code in p.locales}
    assert {"en", "es"} <= shown and shown & {"ar", "he"} and shown & {"ja", "zh-Hans"}
    assert any(len(p.locales) > 1 for p in profiles), "a bilingual example"


# ------------------------------------------------------------------ what a profile supplies


@pytest.mark.parametrize("locale", LOCALES)
def test_full_profile_has_every_question(tmp_path, locale):
    content = build(tmp_path, FULL, locale)
    faq = load_locale(SOURCES, locale)["faq"]
    assert [s.id for s in content.faq.sections] == [s["id"] for s in faq["sections"]]
    assert len(content.faq.sections) == 3
    assert question_ids(content) == [q["id"] for s in faq["sections"] for q in s["questions"]]
    assert len(question_ids(content)) == 9
    assert_clean(content)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("vertical", VERTICALS)
def test_minimal_profile_leaves_out_what_is_missing(tmp_path, locale, vertical):
    content = build(tmp_path, with_(MINIMAL, vertical=vertical, locales=[locale]), locale)
    assert_clean(content)
    assert question_ids(content) == READY_QUESTIONS
    assert [s.id for s in content.faq.sections] == ["basics", "booking", "technology"]
    # Only the booking page: no "you can also book" lead-in, no channel list.
    how_to_book = next(q for s in content.faq.sections for q in s.questions if q.id == "how-do-i-book")
    assert [b.kind for b in how_to_book.answer] == ["p"]
    assert richtext.links(list(how_to_book.answer)) == ["https://acme.example/book"]
    info = content.infographic
    assert [s.id for s in info.steps] == CORE_STEPS
    assert [(c.id, c.url) for c in info.ctas] == [("booking", "https://acme.example/book")]
    assert info.contact == () and info.extra == ()
    assert info.help, "the default join-help article is always linked"
    assert content.phone is None and content.email is None
    assert content.logo is None and content.font.default


@pytest.mark.parametrize("locale", LOCALES)
def test_every_step_is_short_enough(tmp_path, locale):
    limit = STEP_WORDS.get(locale, STEP_WORDS_OTHER)
    for vertical in VERTICALS:
        content = build(tmp_path, with_(FULL, vertical=vertical), locale, org=f"acme-{vertical}")
        for s in content.infographic.steps:
            words = len(s.text.split())
            assert words <= limit, f"{vertical} step {s.id}: {words} words: {s.text!r}"


@pytest.mark.parametrize("locale", LOCALES)
def test_pre_visit_forms_adds_the_forms_step(tmp_path, locale):
    base = with_(FULL)
    on = build(tmp_path, with_(base, features__pre_visit_forms=True), locale, org="on")
    off = build(tmp_path, with_(base, features__pre_visit_forms=False), locale, org="off")
    assert [s.id for s in on.infographic.steps] == ["book", "confirm", "forms", "join", "wait", "meet"]
    assert [s.id for s in off.infographic.steps] == CORE_STEPS


@pytest.mark.parametrize("locale", LOCALES)
def test_sms_reminders_add_the_reminder_sentence(tmp_path, locale):
    base = with_(MINIMAL, locales=[locale])
    on = build(tmp_path, with_(base, features={"sms_reminders": True}), locale, org="on")
    off = build(tmp_path, base, locale, org="off")
    sentence = source_part(locale, "confirm", "features.sms_reminders")
    assert sentence in step(on, "confirm")
    assert sentence not in step(off, "confirm")
    assert step(on, "confirm").startswith(step(off, "confirm"))


@pytest.mark.parametrize("locale", LOCALES)
def test_branded_waiting_room_is_mentioned_only_when_set(tmp_path, locale):
    base = with_(MINIMAL, locales=[locale])
    on = build(tmp_path, with_(base, features={"branded_waiting_room": True}), locale, org="on")
    off = build(tmp_path, base, locale, org="off")
    sentence = source_part(locale, "wait", "features.branded_waiting_room")
    assert sentence in step(on, "wait") and sentence not in step(off, "wait")
    assert len(text_of(on)) > len(text_of(off)) + len(sentence)  # the FAQ says it too


@pytest.mark.parametrize("locale", LOCALES)
def test_healthcare_only_sentences_stay_out_of_other_verticals(tmp_path, locale):
    portal = FULL["links"]["patient_portal"]
    health = build(tmp_path, with_(FULL), locale, org="health")
    assert portal in hrefs_of(health)
    join_sentence = source_part(locale, "join", "features.patient_portal_join")
    assert join_sentence in step(health, "join")
    for vertical in ("financial", "retail", "generic"):
        other = build(tmp_path, with_(FULL, vertical=vertical), locale, org=vertical)
        assert portal not in hrefs_of(other), vertical
        assert join_sentence not in step(other, "join"), vertical
        assert_clean(other)


@pytest.mark.parametrize("locale", LOCALES)
def test_portal_sentence_needs_the_portal_link(tmp_path, locale):
    data = with_(FULL, links__patient_portal=None)
    content = build(tmp_path, data, locale)
    assert source_part(locale, "join", "features.patient_portal_join") not in step(content, "join")
    assert_clean(content)


@pytest.mark.parametrize("locale", LOCALES)
def test_ctas_put_booking_first(tmp_path, locale):
    content = build(tmp_path, with_(FULL), locale)
    assert [(c.id, c.url) for c in content.infographic.ctas] == [
        ("booking", FULL["links"]["booking"]),
        ("billing", FULL["links"]["billing"]),
        ("homepage", FULL["links"]["homepage"]),
    ]
    cta_labels = load_locale(SOURCES, locale)["infographic"]["cta"]
    assert [c.label for c in content.infographic.ctas] == [cta_labels[k] for k in ("booking", "billing", "homepage")]
    only_home = build(tmp_path, with_(MINIMAL, links__homepage="https://acme.example/"), None, org="home")
    assert [c.id for c in only_home.infographic.ctas] == ["booking", "homepage"]


def test_localized_prose_picks_the_locale(tmp_path):
    if len(LOCALES) < 2:
        pytest.skip("needs two locales")
    for locale in LOCALES:
        content = build(tmp_path, FULL, locale)
        text = text_of(content)
        others = [code for code in LOCALES if code != locale]
        for marker in ("Service differences.", "Fee differences.", "Staff availability.", "Cancellation differences.",
                       "Equipment.", "Extra information.", "card", "cash"):
            assert f"[{locale}] {marker}" in text, (locale, marker)
            assert not any(f"[{code}] {marker}" in text for code in others), (locale, marker)
        assert content.logo is not None and content.logo.alt == f"[{locale}] Acme logo"
        # Our own copy comes from the same locale's sources.
        sources = load_locale(SOURCES, locale)
        assert content.faq.title == sources["faq"]["title"]
        assert content.infographic.steps_heading == sources["infographic"]["steps_heading"]
        assert content.terms == sources["terms"]["healthcare"]


@pytest.mark.parametrize("locale", LOCALES)
def test_contact_lines_follow_what_is_supplied(tmp_path, locale):
    phone_only = build(tmp_path, with_(FULL, contact={"phone": "+34 91 000 0000"}), locale, org="p")
    both = build(tmp_path, with_(FULL), locale, org="b")
    assert richtext.links(list(phone_only.infographic.contact)) == ["tel:+34910000000"]
    assert richtext.links(list(both.infographic.contact)) == ["tel:+34910000000", "mailto:hello@acme.example"]
    book = next(q for s in phone_only.faq.sections for q in s.questions if q.id == "how-do-i-book")
    assert [b.kind for b in book.answer] == ["p", "p", "ul"]
    assert len(book.answer[-1].items) == 1
    assert_clean(phone_only)


def test_social_accounts_are_listed_as_booking_channels(tmp_path):
    data = with_(MINIMAL, contact={"social": {"Instagram": "https://instagram.example/acme"}})
    content = build(tmp_path, data)
    assert "https://instagram.example/acme" in hrefs_of(content)
    assert_clean(content)


@pytest.mark.parametrize("locale", LOCALES)
def test_profile_values_never_become_markup(tmp_path, locale):
    name = "Acme *Care* [x](https://evil.example) <b>&amp; {links.booking}"
    content = build(tmp_path, with_(MINIMAL, name=name, locales=[locale]), locale)
    intro = richtext.plain(list(content.faq.intro))
    assert name in intro
    assert "https://evil.example" not in hrefs_of(content)
    assert all(not run.strong and not run.em for b in content.faq.intro for item in b.items for run in item)


def question(content: Content, question_id: str):
    return next((q for s in content.faq.sections for q in s.questions if q.id == question_id), None)


# ------------------------------------------------------------------ every answer answers its question

# Where to say it and how: each optional field a question's answer may use (org prose is marked so that it can be
# told from our own sentences).
OPTIONAL = {
    "how-is-it-different": {"policies__service_differences": "ORG service.", "policies__fee_differences": "ORG fee."},
    "how-does-payment-work": {"policies__payment_methods": ["ORG card"], "links__billing": "https://acme.example/pay"},
    "cancel-or-reschedule": {"links__cancellation_policy": "https://acme.example/cancel",
                             "policies__cancellation_differences": "ORG cancel."},
    "who-can-i-book-with": {"policies__staff_availability": "ORG staff."},
    "what-equipment-do-i-need": {"policies__equipment": "ORG equipment."},
    "how-do-i-join": {"extra_info": "ORG extra."},
}
# Answers that are the organisation's own text only: nothing of ours to add.
ORG_ONLY = {"how-is-it-different"}


def _combinations() -> list[tuple[str, tuple[str, ...]]]:
    cases = []
    for qid, fields in OPTIONAL.items():
        names = sorted(fields)
        for size in range(len(names) + 1):
            cases += [(qid, combo) for combo in itertools.combinations(names, size)]
    return cases


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize(("qid", "given"), _combinations())
def test_every_answer_answers_its_question_with_any_optional_data(tmp_path, locale, qid, given):
    data = with_(MINIMAL, locales=[locale], **{name: OPTIONAL[qid][name] for name in given})
    content = build(tmp_path, data, locale)
    assert_clean(content)
    found = question(content, qid)
    if not given and qid not in READY_QUESTIONS:
        assert found is None, "nothing to say: the question is left out"
        return
    assert found is not None
    text = richtext.plain(list(found.answer))
    for name in given:
        value = OPTIONAL[qid][name]
        if isinstance(value, list):
            assert all(item in text for item in value)
        elif value.startswith("https:"):
            assert value in richtext.links(list(found.answer))
        else:
            assert value in text
    if qid not in ORG_ONLY:
        ours = [b for b in found.answer if "ORG" not in richtext.plain([b])]
        assert ours, f"{qid} {given}: only the organisation's words, nothing of ours says how"
        # Our own sentences end a sentence or lead into a list; none is cut short.
        assert all(richtext.plain([b]).rstrip()[-1] in ".:?!。：？！" for b in ours if b.kind == "p")


# How each locale's first sentence says "who meets online" (overlays say it like their base unless listed).
ONLINE = {
    "ar": "المواعيد الافتراضية", "de": "Videotermine", "en": "virtual appointments", "es": "por videollamada",
    "fr": "en visio", "fr-CA": "rendez-vous virtuels", "he": "פגישות וידאו", "it": "in videochiamata",
    "ja": "オンライン相談", "nl": "videoafspraken", "pl": "wizyty online", "pt": "atendimento virtual",
    "zh-Hans": "视频咨询",
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("vertical", VERTICALS)
@pytest.mark.parametrize("availability", [None, "Our children's team sees families in person only."])
def test_who_can_i_book_with_says_who_meets_online(tmp_path, locale, vertical, availability):
    """The profile's text often names only the exceptions: our first sentence says who meets online."""
    data = with_(MINIMAL, vertical=vertical, locales=[locale], policies={"staff_availability": availability})
    if availability is None:
        data = with_(data, policies=None)
    content = build(tmp_path, data, locale)
    answer = question(content, "who-can-i-book-with").answer
    first = richtext.plain([answer[0]])
    online = ONLINE.get(locale) or ONLINE[locale.split("-")[0]]
    assert content.terms["staff_plural"] in first and online in first
    assert richtext.links([answer[0]]) == [MINIMAL["links"]["booking"]], "where to see them"
    assert [richtext.plain([b]) for b in answer[1:]] == ([availability] if availability else [])


# ------------------------------------------------------------------ the organisation's name

LONG = "Cooperativa de Crédito y Ahorro del Valle Alto de los Ríos, Sociedad Cooperativa"
SHORT = "Valle Alto"


def mentions(text: str, full: str = LONG, short: str = SHORT) -> list[str]:
    """Each mention of the organisation in ``text``, in order: "full" or "short"."""
    pattern = f"({re.escape(full)})|({re.escape(short)})"  # the full name first: it may contain the short one
    return ["full" if m.group(1) else "short" for m in re.finditer(pattern, text)]


def running_text(blocks: tuple[Block, ...] | list[Block]) -> str:
    return richtext.plain(list(blocks))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("waiting_room", [False, True])
def test_full_name_first_then_short_name_in_each_document(tmp_path, locale, waiting_room):
    data = with_(MINIMAL, name=LONG, short_name=SHORT, locales=[locale],
                 features={"branded_waiting_room": waiting_room})
    content = build(tmp_path, data, locale)
    faq = running_text(content.faq.intro) + "\n" + "\n".join(
        running_text(q.answer) for s in content.faq.sections for q in s.questions
    )
    email = running_text(content.campaign.intro) + "\n" + "\n".join(
        running_text(q.answer) for q in content.campaign.questions
    ) + "\n" + "\n".join(content.campaign.labels.values())
    for document in (faq, email):
        found = mentions(document)
        assert found[0] == "full" and len(found) >= 2, found
        assert set(found[1:]) == {"short"}, found
    # Each document starts again: the email's first mention is the full name, although the FAQ named it already.
    assert mentions(running_text(content.campaign.intro))[0] == "full"
    # Labels several outputs share (titles, footers) keep the full name; {short} is the short one everywhere.
    assert LONG in content.labels["page_title"] and SHORT in content.campaign.subject


def test_without_a_short_name_every_mention_is_the_name(tmp_path):
    content = build(tmp_path, with_(MINIMAL, name=LONG), "en")
    text = running_text(content.faq.intro) + " ".join(running_text(q.answer) for q in content.campaign.questions)
    assert mentions(text) and set(mentions(text)) == {"full"}


def test_a_dropped_part_does_not_count_as_a_mention(tmp_path):
    composer_data = with_(MINIMAL, name=LONG, short_name=SHORT)
    content = build(tmp_path, composer_data, "en")
    from visitkit.content import _Composer, _values
    from visitkit.profile import Profile

    profile = Profile.model_validate(composer_data)
    composer = _Composer(profile, "en", _values(profile, "en", content.terms), {})
    composer.start_document()
    dropped = composer.parts([{"text": "{org} bills at [our page]({links.billing})."}])  # no billing link
    kept = composer.parts([{"text": "About {org}."}, {"text": "Again {org}."}])
    assert dropped == ()
    assert mentions(running_text(kept)) == ["full", "short"]


# ------------------------------------------------------------------ prose in its own language

@pytest.mark.skipif(len(LOCALES) < 2, reason="needs two locales")
def test_one_string_prose_keeps_the_default_locales_language(tmp_path):
    data = with_(FULL, locales=["en", "es"], extra_info="Bring your card.",
                 policies__payment_methods=["card", {"en": "cash", "es": "efectivo"}])
    english, spanish = (build(tmp_path, data, code) for code in ("en", "es"))
    extra = spanish.infographic.extra
    assert [b.lang for b in extra] == ["en"] and richtext.plain(list(extra)) == "Bring your card."
    assert [b.lang for b in english.infographic.extra] == [None], "on its own locale's page it needs no lang"
    # Translated prose is in the page's language; our own copy too.
    who = question(spanish, "who-can-i-book-with").answer
    assert [b.lang for b in who] == [None, None]
    assert all(b.lang is None for b in spanish.faq.intro)
    # A list partly translated is not marked as a whole (its items are in both languages).
    payment = question(spanish, "how-does-payment-work").answer
    assert all(b.lang is None for b in payment)
    # The default locale is the profile's first, whichever it is.
    spanish_first = with_(data, locales=["es", "en"])
    assert [b.lang for b in build(tmp_path, spanish_first, "en", org="es-first").infographic.extra] == ["es"]
    assert [b.lang for b in build(tmp_path, spanish_first, "es", org="es-first").infographic.extra] == [None]


@pytest.mark.parametrize("locale", LOCALES)
def test_one_call_to_action_wording_everywhere(tmp_path, locale):
    """The email's button is the booking call to action of the web pages, the PDF and the slide."""
    content = build(tmp_path, FULL, locale)
    booking = content.infographic.ctas[0]
    assert content.campaign.button == booking
    assert booking.label == load_locale(SOURCES, locale)["infographic"]["cta"]["booking"]
