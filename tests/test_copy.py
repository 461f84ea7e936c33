"""Copy as readers get it, in the rendered outputs: the organisation's name (full at the first mention, short
after it) and prose the profile gives in one language only, marked with that language on other locales' pages."""

from __future__ import annotations

import re

import pytest

from tests.faq_support import parse_document, parse_fragment, render
from tests.test_content import mentions
from visitkit.render import pdf

LONG = "Cooperativa de Crédito y Ahorro del Valle Alto de los Ríos, Sociedad Cooperativa"
SHORT = "Valle Alto"
# The sample profile's prose is one English string per field; these are two of them.
ENGLISH_PROSE = ("Have your insurance card", "Most of our clinicians offer both")


def _language(element) -> str | None:
    """The language an element's text is in: its own lang, or the nearest ancestor's (as HTML resolves it)."""
    for node in (element, *element.iterancestors()):
        if node.get("lang"):
            return node.get("lang")
    return None


def _holding(root, text: str) -> list:
    """The innermost elements whose own text (not a child's) contains ``text``."""
    return [el for el in root.iter() if isinstance(el.tag, str) and text in "".join(el.xpath("text()"))]


def _running_text(root) -> str:
    """What a reader reads as sentences: paragraphs and list items, not the brand wordmark or eyebrow."""
    parts = []
    for el in root.iter("p", "li"):
        if "vk-eyebrow" in (el.get("class") or ""):
            continue
        parts.append(" ".join(el.text_content().split()))
    return "\n".join(parts)


@pytest.mark.parametrize("locale", ["en", "es"])
def test_faq_page_and_email_name_the_organisation_in_full_once(tmp_path, locale):
    edits = {"name": LONG, "short_name": SHORT, "locales": ["en", "es"], "features.branded_waiting_room": False}
    page, content = render("visitkit.render.faq_page", tmp_path, edits, locale=locale)
    main = parse_document(page).get_element_by_id("vk-main")
    found = mentions(_running_text(main))
    assert found[0] == "full" and len(found) >= 2 and set(found[1:]) == {"short"}, found

    text, _ = render("visitkit.render.email_text", tmp_path, edits, locale=locale)
    body = text.decode()
    title, rest = re.match(r"(.*?)\n=+\n(.*)", body, re.S).groups()  # the message's title is the name itself
    assert " ".join(title.split()) == LONG
    wrapped = " ".join(rest.split())  # email.txt wraps at 72 columns: a name may span two lines
    found = mentions(wrapped)
    assert found[0] == "full" and len(found) >= 2 and set(found[1:]) == {"short"}, found
    # The footer says whose list it is with the short name: by then the reader knows it.
    footer = " ".join(body.split("-" * 70)[-1].split())
    assert SHORT in footer and LONG not in footer


def test_english_prose_on_a_spanish_faq_page_is_marked_english(tmp_path):
    page, content = render("visitkit.render.faq_page", tmp_path, {"locales": ["en", "es"]}, locale="es")
    root = parse_document(page)
    assert root.get("lang") == "es"
    for text in ENGLISH_PROSE:
        holders = _holding(root, text)
        assert holders, text
        assert {_language(el) for el in holders} == {"en"}, text
    # Our own Spanish copy around it stays Spanish.
    intro = _holding(root, "ofrece citas virtuales por videollamada")
    assert intro and {_language(el) for el in intro} == {"es"}
    # The list the English answer leads into is marked as a whole (its <li>s inherit it).
    staff = _holding(root, "Alvarez")
    assert staff and all(_language(el) == "en" for el in staff)


def test_english_prose_in_the_spanish_fragment_and_email_is_marked_english(tmp_path):
    edits = {"locales": ["en", "es"]}
    fragment, _ = render("visitkit.render.faq_fragment", tmp_path, edits, locale="es")
    for element in parse_fragment(fragment):
        for text in ENGLISH_PROSE:
            assert all(_language(el) == "en" for el in _holding(element, text))
    assert any(_holding(el, ENGLISH_PROSE[0]) for el in parse_fragment(fragment))

    email, _ = render("visitkit.render.email_html", tmp_path, edits, locale="es")
    root = parse_document(email)
    holders = _holding(root, ENGLISH_PROSE[0])  # extra_info closes the "how do I join" answer the email repeats
    assert holders and {_language(el) for el in holders} == {"en"}
    assert {_language(el) for el in _holding(root, "le basta con un móvil")} == {"es"}


def test_the_infographic_html_marks_english_prose_too(tmp_path):
    """The PDF is rendered from this HTML (WeasyPrint hyphenates by it; v70 tags /Lang only for the document)."""
    _, content = render("visitkit.render.readme", tmp_path, {"locales": ["en", "es"]}, locale="es")
    html = str(pdf._rich(content.infographic.extra))
    assert re.fullmatch(r'<p lang="en">Have your insurance card[^<]*</p>', html)


def test_prose_on_its_own_locales_page_has_no_lang_of_its_own(tmp_path):
    page, _ = render("visitkit.render.faq_page", tmp_path, {"locales": ["en", "es"]}, locale="en")
    root = parse_document(page)
    holders = _holding(root, ENGLISH_PROSE[0])
    assert holders and all(el.get("lang") is None for el in holders) and {_language(el) for el in holders} == {"en"}
    assert 'lang="es"' not in page.decode()
