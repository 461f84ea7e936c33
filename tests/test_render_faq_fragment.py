"""faq.fragment.html: a drop-in section that cannot restyle its host page and carries no script."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_content, make_context
from tests.faq_support import (
    HOSTILE,
    all_questions,
    css_rules,
    empty_elements,
    external_references,
    fragment,
    parse_document,
    render,
    selectors,
    style_text,
    text_of,
)
from visitkit.render import faq_fragment

MODULE = "visitkit.render.faq_fragment"
PREFIX = "vk-faq-"  # every id in the fragment: none can clash with the host page's own
FORBIDDEN_AT_RULES = {"@import", "@font-face", "@namespace", "@page", "@charset", "@property"}


def scope_of(root) -> str:
    """The scope class: the root's class that is specific to the organisation."""
    (scope,) = [c for c in root.get("class").split() if c.startswith("vk-faq-")]
    return scope


@pytest.fixture(scope="module")
def sample():
    content = make_content("sample")
    data = faq_fragment.render(make_context(MODULE, content))
    return data, fragment(data), content


def test_one_root_section_with_language_and_no_script(sample):
    data, root, content = sample
    assert root.tag == "section"
    assert "vk-faq" in root.get("class").split()
    assert scope_of(root) == f"vk-faq-{content.org_id}"
    assert root.get("lang") == content.lang
    assert root.get("dir") == content.dir
    assert root.get("aria-label") == content.faq.title
    assert not root.xpath(".//script")
    assert b"<script" not in data.lower()
    assert not re.search(rb"\son[a-z]+=", data)  # no event handler attributes either
    assert data.lstrip().startswith(b"<section") and data.rstrip().endswith(b"</section>")
    # The style travels inside the root, so the fragment is a single paste.
    assert [s.getparent() for s in root.iter("style")] == [root]


def test_every_css_selector_is_scoped_to_the_root_class(sample):
    _, root, _ = sample
    scope = "." + scope_of(root)
    rules = css_rules(style_text(root))
    assert len(rules) > 20
    for prelude, context in rules:
        assert prelude not in FORBIDDEN_AT_RULES, (prelude, context)
        assert not prelude.startswith("@"), (prelude, context)
        for selector in selectors(prelude):
            assert re.match(re.escape(scope) + r"($|[\s.:\[>~+#])", selector), (selector, context)
            assert not re.search(r"(^|[\s>~+,])(html|body|:root)\b", selector), selector
    css = style_text(root)
    assert not re.search(r"@import|@font-face|:root", css)


def test_root_resets_what_it_would_inherit_from_the_host(sample):
    _, root, _ = sample
    css = style_text(root)
    scope = "." + scope_of(root)
    root_rule = re.search(re.escape(scope) + r"\s*\{([^}]*)\}", css).group(1)
    assert "all: initial" in root_rule
    for prop in ("display: block", "font-family:", "color:", "line-height:"):
        assert prop in root_rule
    descendants = re.search(re.escape(scope) + r" \*\s*\{([^}]*)\}", css).group(1)
    assert "all: revert" in descendants


def test_default_heading_levels_and_no_h1(sample):
    _, root, content = sample
    assert not root.xpath(".//h1")
    assert [text_of(h) for h in root.xpath(".//h2[contains(@class, 'vk-section__title')]")] == [
        s.title for s in content.faq.sections
    ]
    assert [h.get("id") for h in root.xpath(".//h3")] == [PREFIX + q.id for q in all_questions(content)]


@pytest.mark.parametrize("level", [2, 3, 4, 5])
def test_heading_level_option(level):
    content = make_content("sample")
    root = fragment(faq_fragment.render(make_context(MODULE, content, heading_level=level)))
    sections = root.xpath(f".//h{level}[contains(@class, 'vk-section__title')]")
    assert [h.get("id") for h in sections] == [PREFIX + s.id for s in content.faq.sections]
    questions = root.xpath(f".//h{level + 1}")
    assert [text_of(h) for h in questions] == [q.question for q in all_questions(content)]
    # The contact heading sits at the section level; nothing above it.
    assert root.xpath(f".//h{level}[@id='vk-faq-contact']")
    for higher in range(1, level):
        assert not root.xpath(f".//h{higher}"), higher


@pytest.mark.parametrize("bad", [1, 6, 0, "three", None, 2.5, True])
def test_heading_level_outside_2_to_5_is_refused(bad):
    content = make_content("sample")
    with pytest.raises(ValueError, match="heading_level"):
        faq_fragment.render(make_context(MODULE, content, heading_level=bad))


def test_questions_ids_unique_and_answers_present(sample):
    _, root, content = sample
    assert empty_elements(root) == []
    ids = root.xpath(".//@id")
    assert len(ids) == len(set(ids))
    for q in all_questions(content):
        (heading,) = root.xpath(".//*[@id=$id]", id=PREFIX + q.id)
        assert text_of(heading) == q.question
        answer = text_of(heading.getnext())
        for run in (r for block in q.answer for item in block.items for r in item if r.text.strip()):
            assert run.text.strip() in answer
    for href in root.xpath(".//a/@href"):
        if href.startswith("#"):
            assert href[1:] in ids


def test_booking_link_and_links_without_target(sample):
    _, root, content = sample
    booking = next(cta for cta in content.infographic.ctas if cta.id == "booking")
    buttons = root.xpath(".//a[contains(@class, 'vk-btn')][@href=$url]", url=content.links["booking"])
    assert buttons and all(text_of(b).startswith(booking.label) for b in buttons)
    for link in root.xpath(".//a[@href]"):
        assert link.get("target") is None
        if not link.get("href").startswith("#"):
            assert "noopener" in link.get("rel").split()


def test_no_external_requests_and_no_logo(sample):
    _, root, _ = sample
    assert external_references(root, style_text(root)) == []
    assert not root.xpath(".//img|.//link|.//iframe")
    assert faq_fragment.ASSETS == ()  # neither logo nor font files are inputs


def test_reproducible_bytes(sample):
    data, _, content = sample
    assert faq_fragment.render(make_context(MODULE, content)) == data


def test_hostile_text_is_escaped(tmp_path):
    edits = {
        "name": HOSTILE,
        "policies.staff_availability": HOSTILE + " *Dr. Who*",
        "policies.payment_methods": [HOSTILE],
    }
    data, content = render(MODULE, tmp_path, edits)
    root = fragment(data)
    assert not root.xpath(".//script")
    assert b"<script>" not in data
    assert text_of(root).count(HOSTILE) >= 3  # intro, who-can-I-book-with, payment list
    assert root.xpath(".//li[.=$t]", t=HOSTILE)
    assert root.xpath(".//em[.='Dr. Who']")
    # The name never reaches the CSS: the scope class is built from the org id.
    assert HOSTILE not in style_text(root) and "alert" not in style_text(root)


def test_missing_optional_data_leaves_no_empty_elements(tmp_path):
    edits = {
        "contact": None,
        "policies": None,
        "features": None,
        "extra_info": None,
        "links.billing": None,
        "links.homepage": None,
        "links.cancellation_policy": None,
        "links.patient_portal": None,
    }
    data, content = render(MODULE, tmp_path, edits, heading_level=4)
    root = fragment(data)
    assert empty_elements(root) == []
    assert [h.get("id") for h in root.xpath(".//h5")] == [PREFIX + q.id for q in all_questions(content)]
    assert len(root.xpath(".//a[contains(@class, 'vk-btn')]")) == 2  # intro and contact: booking only


def test_spanish(tmp_path):
    data, content = render(MODULE, tmp_path, {"locales": ["en", "es"]}, locale="es")
    root = fragment(data)
    assert root.get("lang") == "es"
    assert [text_of(h) for h in root.xpath(".//h3")] == [q.question for q in all_questions(content)]


def test_the_checks_themselves_catch_problems():
    """The helpers used above do flag an unscoped selector, an external URL and an empty element."""
    bad = parse_document(
        b'<html><head><style>@import "x.css"; body { background: url(https://e.example/a.png) }'
        b"</style></head><body><p></p><li>None</li><img src='https://e.example/i.png'></body></html>"
    )
    css = style_text(bad)
    assert css_rules(css)[0][0] == "@import"
    assert selectors(css_rules(css)[1][0]) == ["body"]
    problems = external_references(bad, css)
    assert any("@import" in p for p in problems) and any("url()" in p for p in problems)
    assert any("<img src" in p for p in problems)
    assert len(empty_elements(bad)) == 2
