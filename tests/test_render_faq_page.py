"""faq.html: the standalone FAQ page, parsed and checked as a browser and a screen reader would see it."""

from __future__ import annotations

import base64
import itertools
import json
import re

import jinja2
import pytest

from tests.conftest import ROOT, make_content, make_context
from tests.faq_support import (
    HOSTILE,
    LONG_NAME,
    all_questions,
    css_rules,
    empty_elements,
    external_references,
    parse_document,
    render,
    selectors,
    style_text,
    text_of,
)
from visitkit import colors
from visitkit.render import RenderContext, faq_page
from visitkit.richtext import Block, Run

MODULE = "visitkit.render.faq_page"


@pytest.fixture(scope="module")
def sample():
    content = make_content("sample")
    data = faq_page.render(make_context(MODULE, content))
    return data, parse_document(data), content


def test_document_language_title_and_viewport(sample):
    _, root, content = sample
    assert root.tag == "html"
    assert root.get("lang") == content.lang
    assert root.get("dir") == content.dir
    assert root.xpath("//meta[@name='viewport']/@content") == ["width=device-width, initial-scale=1"]
    assert root.xpath("//meta[@charset]/@charset") == ["utf-8"]
    title = text_of(root.find(".//title"))
    assert content.faq.title in title and content.name in title


def test_exactly_one_h1_and_a_heading_outline_without_gaps(sample):
    _, root, content = sample
    h1 = root.xpath("//h1")
    assert len(h1) == 1
    assert text_of(h1[0]) == content.faq.title
    levels = [int(h.tag[1]) for h in root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_every_section_and_question_appears_with_its_content_id(sample):
    _, root, content = sample
    for section in content.faq.sections:
        (heading,) = root.xpath("//*[@id=$id]", id=section.id)
        assert heading.tag == "h2"
        assert text_of(heading) == section.title
        for q in section.questions:
            (element,) = root.xpath("//*[@id=$id]", id=q.id)
            assert element.tag == "h3"
            assert text_of(element) == q.question
            # The answer follows its question, inside the question's own block.
            answer = element.getnext()
            assert answer is not None and answer.get("class") == "vk-qa__a"
            for run in (r for block in q.answer for item in block.items for r in item if r.text.strip()):
                assert run.text.strip() in text_of(answer)


def test_ids_are_unique_and_every_in_page_link_has_a_target(sample):
    _, root, _ = sample
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for href in root.xpath("//a/@href"):
        if href.startswith("#"):
            assert href[1:] in ids, href


def test_table_of_contents_links_every_section_and_question(sample):
    _, root, content = sample
    (nav,) = root.xpath("//nav")
    label = root.xpath("//*[@id=$id]", id=nav.get("aria-labelledby"))[0]
    assert text_of(label) == content.labels["contents"]
    targets = nav.xpath(".//a/@href")
    for section in content.faq.sections:
        assert f"#{section.id}" in targets
        assert [f"#{q.id}" for q in section.questions] == [
            t for t in targets if t[1:] in {q.id for q in section.questions}
        ]


def test_skip_link_comes_first_and_points_into_the_content(sample):
    _, root, content = sample
    first_link = root.xpath("//body//a")[0]
    assert text_of(first_link) == content.labels["skip_to_content"]
    target = root.xpath("//*[@id=$id]", id=first_link.get("href")[1:])
    assert target and target[0].xpath(".//h2")


def test_ids_are_stable_across_builds_and_profile_edits(sample, tmp_path):
    data, root, content = sample
    assert faq_page.render(make_context(MODULE, content)) == data  # byte-reproducible
    edited, _ = render(MODULE, tmp_path, {"name": "Another Name", "brand.primary": "#FFD500"})
    ids_before = root.xpath("//h3/@id")
    assert ids_before == [q.id for q in all_questions(content)]
    assert parse_document(edited).xpath("//h2/@id|//h3/@id") == root.xpath("//h2/@id|//h3/@id")


def test_booking_call_to_action(sample):
    _, root, content = sample
    booking = next(cta for cta in content.infographic.ctas if cta.id == "booking")
    assert booking.url == content.links["booking"]
    buttons = root.xpath("//a[contains(concat(' ', @class, ' '), ' vk-btn ')][@href=$url]", url=booking.url)
    assert len(buttons) >= 1
    assert all(text_of(b).startswith(booking.label) for b in buttons)
    # The first one is in the hero, before any question.
    order = list(root.iter())
    assert order.index(buttons[0]) < order.index(root.xpath("//h3")[0])


def test_links_have_noopener_and_no_target(sample):
    _, root, _ = sample
    links = root.xpath("//a[starts-with(@href, 'http') or starts-with(@href, 'mailto:') or starts-with(@href, 'tel:')]")
    assert links
    for link in links:
        assert "noopener" in (link.get("rel") or "").split(), link.get("href")
        assert link.get("target") is None


def test_logo_is_embedded_with_alt_text(sample):
    _, root, content = sample
    (img,) = root.xpath("//img")
    assert img.get("alt") == content.logo.alt
    prefix = "data:image/png;base64,"
    assert img.get("src").startswith(prefix)
    assert base64.b64decode(img.get("src")[len(prefix) :]) == (ROOT / content.logo.path).read_bytes()


def test_no_external_requests(sample):
    data, root, _ = sample
    assert external_references(root, style_text(root)) == []
    assert not root.xpath("//script[not(@type='application/ld+json')]|//link|//iframe|//object|//embed")
    csp = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]
    assert not re.search(rb"@font-face|@import", data)


def test_css_parses_and_has_visible_focus_styles_and_reduced_motion(sample):
    _, root, content = sample
    css = style_text(root)
    rules = css_rules(css)
    focus = [s for prelude, _ in rules for s in selectors(prelude) if ":focus-visible" in s]
    assert focus
    block = re.search(r":focus-visible\s*\{([^}]*)\}", css).group(1)
    assert "outline:" in block and "outline: none" not in block
    assert "prefers-reduced-motion" in css
    assert "@media print" in css
    # Brand colours come from content.colors.
    for colour in (content.colors.accent, content.colors.button, content.colors.on_primary, content.colors.tint):
        assert colour in css


def test_sample_has_no_empty_elements(sample):
    _, root, _ = sample
    assert empty_elements(root) == []


def test_richtext_blocks_become_html_and_blank_runs_vanish():
    content = make_content("sample")
    section = content.faq.sections[0]
    answer = (
        Block(
            kind="p",
            items=(
                (
                    Run(text="Read "),
                    Run(text="the ", href="https://a.example/x"),
                    Run(text="policy", strong=True, href="https://a.example/x"),
                    Run(text=" now."),
                ),
            ),
        ),
        Block(
            kind="ol",
            items=((Run(text="first", em=True),), (Run(text="  "),), (Run(text=""),), (Run(text="second"),)),
        ),
        Block(kind="ul", items=((Run(text=" "),),)),
        Block(kind="p", items=((Run(text=""),),)),
    )
    question = section.questions[0].model_copy(update={"answer": answer})
    faq = content.faq.model_copy(
        update={"sections": (section.model_copy(update={"questions": (question,)}),) + content.faq.sections[1:]}
    )
    root = parse_document(faq_page.render(make_context(MODULE, content.model_copy(update={"faq": faq}))))
    (block,) = root.xpath("//*[@id=$id]/following-sibling::div[1]", id=question.id)
    # One link for the two runs that share a target, with the bold part inside it.
    (link,) = block.xpath(".//a")
    assert (link.get("href"), text_of(link)) == ("https://a.example/x", "the policy")
    assert link.xpath("./strong/text()") == ["policy"]
    assert [text_of(p) for p in block.xpath("./p")] == ["Read the policy now."]
    assert [text_of(li) for li in block.xpath("./ol/li")] == ["first", "second"]
    assert block.xpath("./ol/li/em/text()") == ["first"]
    assert not block.xpath("./ul")
    assert empty_elements(block) == []


@pytest.mark.parametrize(
    "primary, secondary",
    [("#0077B6", "#00B4D8"), ("#FFD500", None), ("#0A1F44", None), ("#0B6E4F", "#08A045"), ("#777777", "#888888")],
)
def test_hero_text_reads_on_both_ends_of_the_gradient(tmp_path, primary, secondary):
    data, content = render(MODULE, tmp_path, {"brand.primary": primary, "brand.secondary": secondary})
    css = style_text(parse_document(data))
    hero = re.search(r"\.vk-hero \{([^}]*)\}", css).group(1)
    ends = re.search(r"linear-gradient\(135deg, (#[0-9A-F]{6}), (#[0-9A-F]{6})\)", hero).groups()
    assert "color: var(--vk-on-primary)" in hero
    for end in ends:
        assert colors.contrast(content.colors.on_primary, end) >= colors.BODY_TEXT, (end, content.colors.on_primary)


def test_hostile_text_is_escaped(tmp_path):
    edits = {
        "name": HOSTILE,
        "brand.logo_alt": HOSTILE,
        "policies.fee_differences": HOSTILE + " **costs** [more](https://acme.example/fees?a=1&b=2)",
        "policies.payment_methods": [HOSTILE, "cash"],
        "extra_info": HOSTILE,
    }
    data, content = render(MODULE, tmp_path, edits)
    root = parse_document(data)
    assert not root.xpath("//script")
    assert b"<script>" not in data
    assert empty_elements(root) == []
    body = text_of(root.find("body"))
    assert body.count(HOSTILE) >= 4  # eyebrow, intro, fee answer, payment list, extra info, footer
    assert HOSTILE in text_of(root.find(".//title"))
    assert root.xpath("//img/@alt") == [HOSTILE]
    assert root.xpath("//li[.=$t]", t=HOSTILE)
    assert root.xpath("//a[@href='https://acme.example/fees?a=1&b=2']")
    assert root.xpath("//meta[@name='description']/@content")[0].count(HOSTILE) == 1


def test_missing_optional_data_leaves_no_empty_elements(tmp_path):
    edits = {
        "contact": None,
        "policies": None,
        "features": None,
        "extra_info": None,
        "brand.logo": None,
        "brand.logo_alt": None,
        "short_name": None,
        "links.billing": None,
        "links.homepage": None,
        "links.cancellation_policy": None,
        "links.patient_portal": None,
    }
    data, content = render(MODULE, tmp_path, edits)
    root = parse_document(data)
    assert empty_elements(root) == []
    assert not root.xpath("//img")
    assert text_of(root.xpath("//*[contains(@class, 'vk-wordmark')]")[0]) == content.name
    kept = {q.id for q in all_questions(content)}
    assert "Alvarez" not in text_of(root.find("body"))  # the removed staff_availability text is nowhere
    assert set(root.xpath("//h3/@id")) == kept
    assert set(h[1:] for h in root.xpath("//nav//a/@href")) - {"vk-contact"} == kept | {
        s.id for s in content.faq.sections
    }
    assert not re.search(rb"None|\{\{|\{%", data.split(b"</style>")[1])


def test_spanish_long_name_and_rtl(tmp_path):
    data, content = render(MODULE, tmp_path, {"locales": ["en", "es"], "name": LONG_NAME}, locale="es")
    root = parse_document(data)
    assert root.get("lang") == "es"
    assert [text_of(h) for h in root.xpath("//h3")] == [q.question for q in all_questions(content)]
    assert LONG_NAME in text_of(root.find("body"))

    # No right-to-left locale ships yet: the attributes come from the content model as they are.
    rtl = make_content("sample").model_copy(update={"lang": "ar", "dir": "rtl"})
    root = parse_document(faq_page.render(make_context(MODULE, rtl)))
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")


def test_json_ld_option_is_valid_and_cannot_break_out(tmp_path):
    data, content = render(MODULE, tmp_path, {"name": HOSTILE + "</script><script>alert(2)//"}, jsonld=True)
    root = parse_document(data)
    (script,) = root.xpath("//script")
    assert script.get("type") == "application/ld+json"
    payload = json.loads(script.text)
    assert payload["@type"] == "FAQPage"
    assert [q["name"] for q in payload["mainEntity"]] == [q.question for q in all_questions(content)]
    assert all(q["acceptedAnswer"]["text"] for q in payload["mainEntity"])
    assert payload["mainEntity"][0]["acceptedAnswer"]["text"] in text_of(root.find("body"))
    assert b"</script><script>" not in data
    # Off by default.
    plain, _ = render(MODULE, tmp_path)
    assert b"<script" not in plain


def test_templates_load_only_from_the_context_assets():
    content = make_content("sample")
    context = make_context(MODULE, content)
    assert set(faq_page.TEMPLATES) <= set(context.assets)
    missing = {k: v for k, v in context.assets.items() if k != "templates/faq/macros.html.j2"}
    with pytest.raises(jinja2.TemplateNotFound):
        faq_page.render(RenderContext(content=content, assets=missing))
    # A template edited in the assets is what gets rendered (no cache keyed on names only).
    edited = dict(context.assets)
    edited["templates/faq/page.html.j2"] = edited["templates/faq/page.html.j2"].replace(
        b'<main id="vk-main">', b'<main id="vk-main" data-edited="yes">'
    )
    assert b'data-edited="yes"' in faq_page.render(RenderContext(content=content, assets=edited))


def test_the_eyebrow_uses_the_short_name(tmp_path):
    long_name = "The Greater Riverside Regional Community Health and Wellbeing Cooperative Society"
    data, _ = render(MODULE, tmp_path, {"name": long_name, "short_name": "Riverside Health"})
    eyebrow = parse_document(data).xpath("//*[contains(@class, 'vk-eyebrow')]")
    assert [text_of(e) for e in eyebrow] == ["Riverside Health"]
