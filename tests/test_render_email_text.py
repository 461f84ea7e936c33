"""email.txt: the plain-text part carries the same content, every link in full, and the platform's tokens."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_content, make_context
from tests.faq_support import HOSTILE, parse_document, render
from tests.test_render_email_html import BASE, HOSTED, MERGE_TAGS
from visitkit.render import email_text, mail

MODULE = "visitkit.render.email_text"
HTML_MODULE = "visitkit.render.email_html"


def html_links(data: bytes) -> set[str]:
    """Every real link target of the HTML part (platform tokens aside)."""
    hrefs = set(parse_document(data).xpath("//a/@href"))
    return {h for h in hrefs if re.match(r"(https?|mailto|tel):", h)}


@pytest.mark.parametrize("edits", [{}, HOSTED], ids=["no-assets-url", "hosted"])
def test_every_link_of_the_html_part_is_written_out(tmp_path, edits):
    html, _ = render(HTML_MODULE, tmp_path, edits)
    text, _ = render(MODULE, tmp_path, edits)
    links = html_links(html)
    assert links
    body = text.decode()
    missing = [link for link in links if link not in body]
    assert missing == []
    if edits:
        assert f"{BASE}en/infographic.pdf" in body and f"{BASE}en/faq.html" in body
    else:
        assert "infographic" not in body


def test_same_content_as_the_html_part(tmp_path):
    text, content = render(MODULE, tmp_path, HOSTED)
    body = " ".join(text.decode().split())
    campaign = content.campaign
    for line in (content.name, campaign.heading, campaign.questions_heading, campaign.button.label,
                 campaign.labels["downloads_heading"], campaign.labels["footer_reason"]):
        assert " ".join(line.split()) in body, line
    for question in campaign.questions:
        assert question.question in body
    # Answers keep their lists.
    assert re.search(r"(?m)^  - ", text.decode())


def test_lines_are_wrapped_at_72_columns(tmp_path):
    text, _ = render(MODULE, tmp_path, {**HOSTED, "extra_info": "word " * 300})
    tokens = set(mail.PLATFORMS["generic"].text_tokens())
    for line in text.decode().split("\n"):
        if len(line) > 72:
            # Only a single unbreakable word (a URL) may run longer.
            assert len(line.split()) == 1 or line.strip() in tokens, line
    assert text.endswith(b"\n") and b"\r" not in text and not re.search(rb"[ \t]\n", text)


@pytest.mark.parametrize("platform", sorted(mail.PLATFORMS))
def test_platform_tokens_present(tmp_path, platform):
    text, _ = render(MODULE, tmp_path, {"email.platform": platform})
    body = text.decode()
    lines = body.split("\n")
    for token in mail.PLATFORMS[platform].text_tokens():
        assert token in lines, token  # each on a line of its own, never wrapped


def test_hostile_text_is_defused(tmp_path):
    _, content = render(MODULE, tmp_path, {"email.platform": "campaign_monitor"})
    # Profiles reject control characters; the renderer drops them anyway.
    name = HOSTILE + " " + MERGE_TAGS + " \x1b[31mred\x07"
    body = email_text.render(make_context(MODULE, content.model_copy(update={"name": name, "logo": None}))).decode()
    for tag in ("{{ contact", "{%", "*|EMAIL|*", "[firstname]", "\x1b", "\x07"):
        assert tag not in body, repr(tag)
    assert body.count("[unsubscribe]") == 1  # our token, and only ours
    assert HOSTILE in body  # plain text needs no HTML escaping: shown as typed
    assert "red" in body


def test_same_context_same_bytes():
    content = make_content("sunvale-health", "es")
    context = make_context(MODULE, content)
    assert email_text.render(context) == email_text.render(context)
    assert set(context.assets) == set(email_text.TEMPLATES)


@pytest.mark.parametrize("platform", sorted(mail.PLATFORMS))
def test_the_profile_postal_address_replaces_the_address_token(tmp_path, platform):
    address = "Acme Clinic\n12 Elm Street & Co\n{{ contact.email }} *|EMAIL|* [POSTAL_ADDRESS]"
    text, content = render(MODULE, tmp_path, {"contact.postal_address": address, "email.platform": platform})
    lines = text.decode().replace(mail.WORD_JOINER, "").split("\n")
    tokens = mail.PLATFORMS[platform]
    if tokens.address_required:  # HubSpot keeps its own address tokens
        assert all(token in lines for token in tokens.text_tokens()) and "Acme Clinic" not in lines
        return
    heading = lines.index(content.campaign.labels["address_heading"])
    assert lines[heading + 1 : heading + 4] == address.split("\n")  # one line per line, as typed
    assert all(token in lines for token in tokens.text_tokens(address=False))
    for token in set(tokens.text_tokens()) - set(tokens.text_tokens(address=False)):
        assert token not in lines, token
    body = text.decode()
    for tag in ("{{ contact", "*|EMAIL|*", "[POSTAL_ADDRESS]"):
        assert tag not in body, tag  # defused: shown, never a live tag


def test_without_a_postal_address_the_token_stays(tmp_path):
    text, content = render(MODULE, tmp_path)
    assert content.postal_address == ()
    assert text.decode().split("\n").count(mail.ADDRESS_PLACEHOLDER) == 1
