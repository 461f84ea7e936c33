"""faq.jsonld: schema.org FAQPage metadata, the same document faq.html embeds, safe inside <script>."""

from __future__ import annotations

import json

from tests.conftest import make_content, make_context
from tests.faq_support import HOSTILE, all_questions, parse_document, render
from visitkit import outputs
from visitkit.render import faq_jsonld, faq_page

MODULE = "visitkit.render.faq_jsonld"


def test_faq_page_document_matches_the_questions():
    content = make_content("sunvale-health", "es")
    data = faq_jsonld.render(make_context(MODULE, content))
    document = json.loads(data)
    assert document["@context"] == "https://schema.org" and document["@type"] == "FAQPage"
    assert document["inLanguage"] == "es" and document["name"] == content.faq.title
    questions = all_questions(content)
    assert [q["@type"] for q in document["mainEntity"]] == ["Question"] * len(questions)
    assert [q["name"] for q in document["mainEntity"]] == [q.question for q in questions]
    for entry, question in zip(document["mainEntity"], questions, strict=True):
        answer = entry["acceptedAnswer"]
        assert answer["@type"] == "Answer"
        assert answer["text"] and "<" not in answer["text"]  # plain text
        assert question.answer[0].items[0][0].text.strip()[:20] in answer["text"]
    assert data.endswith(b"\n") and data.decode("utf-8")


def test_opt_in_flag():
    assert outputs.BY_RENDERER["visitkit.render.faq_jsonld"].when == "faq.structured_data"
    assert make_content("sunvale-health").structured_data is True
    assert make_content("sample").structured_data is False


def test_cannot_close_a_script_element(tmp_path):
    hostile = HOSTILE + "</script><script>alert(2)//<!--"
    data, _ = render(MODULE, tmp_path, {"policies.fee_differences": hostile, "extra_info": "a </SCRIPT> b & c"})
    assert b"<" not in data and b">" not in data and b"&" not in data
    answers = [q["acceptedAnswer"]["text"] for q in json.loads(data)["mainEntity"]]
    # The values themselves are unchanged: only their JSON spelling avoids <, > and &.
    assert any(hostile in a for a in answers)
    assert any("a </SCRIPT> b & c" in a for a in answers)


def test_faq_page_embeds_the_same_document(tmp_path):
    jsonld, _ = render(MODULE, tmp_path, {"faq.structured_data": True})
    page, _ = render("visitkit.render.faq_page", tmp_path, {"faq.structured_data": True})
    (script,) = parse_document(page).xpath("//script[@type='application/ld+json']")
    assert json.loads(script.text) == json.loads(jsonld)
    assert script.text.strip() == jsonld.decode().strip()
    # Without the flag the page carries none; the option still overrides the flag.
    plain, content = render("visitkit.render.faq_page", tmp_path)
    assert b"<script" not in plain
    forced = faq_page.render(make_context("visitkit.render.faq_page", make_content("sample"), jsonld=True))
    assert b"application/ld+json" in forced
