"""email.html: a campaign message that follows email-client rules, parsed and checked for real."""

from __future__ import annotations

import html
import re

import pytest
import tinycss2
from lxml import etree

from tests.conftest import make_content, make_context
from tests.faq_support import HOSTILE, LONG_NAME, parse_document, render, text_of
from visitkit.render import email_html, mail

MODULE = "visitkit.render.email_html"
BASE = "https://toolkits.example.org/acme/"
HOSTED = {"assets_base_url": BASE}
# Merge-tag and template syntax of every platform, as an organisation might type it by mistake (or on purpose).
MERGE_TAGS = "{{ contact.email }} {% if 1 %}x{% endif %} *|EMAIL|* [firstname] <unsubscribe>u</unsubscribe>"


def comments(root) -> list[str]:
    return [c.text for c in root.iter(etree.Comment)]


def vml_hrefs(root) -> list[str]:
    """The link targets of the Outlook buttons, which live in conditional comments (as HTML source)."""
    found = [m for c in comments(root) for m in re.findall(r'<v:roundrect[^>]*\shref="([^"]*)"', c or "")]
    return [html.unescape(href) for href in found]


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    data, content = render(MODULE, tmp_path_factory.mktemp("email"), HOSTED)
    return data, parse_document(data), content


def test_single_column_presentation_tables(hosted):
    _, root, _ = hosted
    tables = root.xpath("//table")
    assert tables and all(t.get("role") == "presentation" for t in tables)
    (container,) = root.xpath("//table[contains(@class, 'vk-container')]")
    assert container.get("width") == "600" and "width: 600px" in container.get("style")
    # Layout is tables: no grid, flex or floats anywhere.
    for element in root.iter():
        style = element.get("style") or "" if isinstance(element.tag, str) else ""
        assert not re.search(r"display:\s*(flex|grid)|float:", style), style
    # Outlook gets a fixed-width ghost table around the container.
    assert any('<table role="presentation" width="600"' in (c or "") for c in comments(root))


def test_every_style_is_inline_and_only_media_queries_stay(hosted):
    data, root, _ = hosted
    body = root.find("body")
    styled = [e for e in body.iter() if isinstance(e.tag, str) and e.get("class")]
    assert styled
    assert [e.get("class") for e in styled if not e.get("style")] == []
    for element in body.iter("table", "td", "p", "a", "h1", "h2", "h3", "li", "ul"):
        assert element.get("style"), etree.tostring(element)[:120]
    (style,) = root.xpath("//head/style")
    kept = tinycss2.parse_stylesheet(style.text, skip_comments=True, skip_whitespace=True)
    kinds = [(r.type, r.lower_at_keyword if r.type == "at-rule" else tinycss2.serialize(r.prelude).strip())
             for r in kept]
    assert ("at-rule", "media") in kinds
    assert all(kind == ("at-rule", "media") or kind == ("qualified-rule", ":root") for kind in kinds), kinds
    assert b"data-css-inline" not in data and b"<link" not in data


def test_language_direction_and_color_scheme(hosted):
    _, root, content = hosted
    assert (root.get("lang"), root.get("dir")) == (content.lang, content.dir)
    (wrapper,) = root.xpath("//div[contains(@class, 'vk-wrapper')]")
    assert (wrapper.get("lang"), wrapper.get("dir")) == (content.lang, content.dir)
    metas = {m.get("name"): m.get("content") for m in root.iter("meta") if m.get("name")}
    assert metas["color-scheme"] == "light" and metas["supported-color-schemes"] == "light"
    assert root.findtext(".//title") == content.campaign.subject


def test_preheader_is_first_and_hidden(hosted):
    _, root, content = hosted
    first = root.find("body")[0]
    assert "vk-preheader" in first.get("class")
    assert first.text_content().startswith(content.campaign.preheader)
    style = first.get("style").replace(" ", "")
    assert "display:none" in style and "mso-hide:all" in style and "max-height:0" in style


def test_buttons_and_their_outlook_twins_go_to_the_booking_page(hosted):
    _, root, content = hosted
    booking = content.links["booking"]
    buttons = root.xpath("//a[contains(@class, 'vk-btn')]")
    assert len(buttons) == 2
    assert {b.get("href") for b in buttons} == {booking}
    assert {text_of(b) for b in buttons} == {content.campaign.button.label}
    assert vml_hrefs(root) == [booking, booking]
    # The web button hides from Outlook and the VML one shows only there.
    text = "\n".join(c or "" for c in comments(root))
    assert text.count("[if mso]") >= 3 and "[if !mso]" in text


def test_images_come_from_the_hosted_bundle_with_alt_text(hosted):
    _, root, content = hosted
    images = root.xpath("//img")
    assert {i.get("src") for i in images} == {f"{BASE}en/logo.png", f"{BASE}en/infographic.png"}
    for image in images:
        assert image.get("alt"), etree.tostring(image)
        assert int(image.get("width")) > 0 and int(image.get("height")) > 0
    logo = root.xpath("//img[contains(@class, 'vk-logo')]")[0]
    assert logo.get("alt") == content.logo.alt
    # The profile copy uses the sample's 360 × 120 logo: fitted into the 200 × 56 box.
    assert (logo.get("width"), logo.get("height")) == ("200", "56")
    links = set(root.xpath("//a/@href"))
    assert {f"{BASE}en/infographic.pdf", f"{BASE}en/infographic-large.png", f"{BASE}en/faq.html"} <= links


def test_without_assets_base_url_there_are_no_images(tmp_path):
    data, content = render(MODULE, tmp_path)
    root = parse_document(data)
    assert root.xpath("//img") == [] and b"<img" not in data
    assert text_of(root.xpath("//*[contains(@class, 'vk-wordmark')]")[0]) == content.short_name
    assert not [h for h in root.xpath("//a/@href") if "infographic" in h]
    assert "assets_base_url is not set: email.html uses no images" in " ".join(w.text for w in content.warnings)


def test_content_is_the_intro_and_the_chosen_answers(hosted):
    _, root, content = hosted
    campaign = content.campaign
    assert 3 <= len(campaign.questions) <= 4
    assert [text_of(h) for h in root.xpath("//h3")] == [q.question for q in campaign.questions]
    assert text_of(root.xpath("//h1")[0]) == campaign.heading
    body = text_of(root.find("body"))
    for block in campaign.intro:
        assert "".join(r.text for r in block.items[0]) in body
    for question in campaign.questions:
        for href in [r.href for b in question.answer for i in b.items for r in i if r.href]:
            assert href in root.xpath("//a/@href")


@pytest.mark.parametrize("platform", sorted(mail.PLATFORMS))
def test_platform_tokens_survive_inlining(tmp_path, platform):
    data, _ = render(MODULE, tmp_path, {**HOSTED, "email.platform": platform})
    source = data.decode()
    tokens = mail.PLATFORMS[platform]
    for token in tokens.html_tokens():
        assert token in source, token
    root = parse_document(data)
    if tokens.unsubscribe_href:
        assert tokens.unsubscribe_href in root.xpath("//a/@href")
    else:
        (element,) = root.xpath(f"//{tokens.unsubscribe_element}")
        assert text_of(element) and element.get("style")


@pytest.mark.parametrize("locale", ["en", "es"])
def test_size_limit_with_a_long_name(tmp_path, locale):
    edits = {**HOSTED, "locales": ["en", "es"], "name": LONG_NAME, "extra_info": "x " * 1900}
    data, _ = render(MODULE, tmp_path, edits, locale=locale)
    assert len(data) < email_html.MAX_BYTES
    assert parse_document(data).get("lang") == locale


def test_hostile_text_is_escaped_and_defused(tmp_path):
    name = HOSTILE + " " + MERGE_TAGS
    short = '<b>&"x"</b> *|EMAIL|* [firstname]'  # the eyebrow shows the short name (at most 40 characters)
    edits = {**HOSTED, "name": name, "short_name": short, "email.platform": "mailchimp"}
    data, content = render(MODULE, tmp_path, edits)
    source = data.decode()
    assert "<script" not in source
    for tag in ("{{ contact", "{%", "*|EMAIL|*", "[firstname]", "<unsubscribe>"):
        assert tag not in source, tag
    root = parse_document(data)
    assert root.xpath("//unsubscribe") == []
    shown = text_of(root.xpath("//*[contains(@class, 'vk-eyebrow')]")[0]).replace(mail.WORD_JOINER, "")
    assert shown == short
    # Our own tokens are the only live ones.
    assert source.count("*|UNSUB|*") == 1 and "*|HTML:LIST_ADDRESS_HTML|*" in source


def test_link_targets_cannot_carry_merge_tags():
    # Profiles reject these characters in URLs; the renderer percent-encodes them anyway.
    booking = "https://acme.example/book?who={{contact.email}}&x=*|EMAIL|*"
    content = make_content("sample")
    button = content.campaign.button.model_copy(update={"url": booking})
    campaign = content.campaign.model_copy(update={"button": button})
    data = email_html.render(make_context(MODULE, content.model_copy(update={"campaign": campaign})))
    root = parse_document(data)
    expected = "https://acme.example/book?who=%7B%7Bcontact.email%7D%7D&x=*%7CEMAIL%7C*"
    assert {a.get("href") for a in root.xpath("//a[contains(@class, 'vk-btn')]")} == {expected}
    assert vml_hrefs(root) == [expected, expected]
    assert "&x=" not in data.decode()  # & escaped in attributes, in the VML twin too


def test_spanish_and_rtl(tmp_path):
    data, content = render(MODULE, tmp_path, {"locales": ["en", "es"]}, locale="es")
    root = parse_document(data)
    assert root.get("lang") == "es"
    assert text_of(root.xpath("//a[contains(@class, 'vk-btn')]")[0]) == "Reservar una cita virtual"
    rtl = make_content("sample").model_copy(update={"lang": "ar", "dir": "rtl"})
    root = parse_document(email_html.render(make_context(MODULE, rtl)))
    assert (root.get("lang"), root.get("dir")) == ("ar", "rtl")
    assert root.xpath("//td[contains(@class, 'vk-header')]")[0].get("align") == "right"


def test_same_context_same_bytes():
    content = make_content("sunvale-health")
    context = make_context(MODULE, content)
    assert email_html.render(context) == email_html.render(context)
    assert set(context.assets) == {*email_html.TEMPLATES, content.logo.path}


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", " javascript:alert(1)"])
def test_a_tampered_link_scheme_is_refused(url):
    content = make_content("sample")
    button = content.campaign.button.model_copy(update={"url": url})
    tampered = content.model_copy(update={"campaign": content.campaign.model_copy(update={"button": button})})
    with pytest.raises(ValueError, match="unexpected scheme"):
        email_html.render(make_context(MODULE, tampered))


# A postal address as an organisation might type it: markup and merge-tag syntax stay text.
ADDRESS = "Acme Clinic\n12 <b>Elm</b> & Co Street\n{{ contact.email }} *|EMAIL|* [POSTAL_ADDRESS]"


def footer_address(root) -> list[str]:
    """The lines of the footer's postal address (the heading's aside), word joiners removed."""
    (block,) = root.xpath("//td[contains(@class, 'vk-footer-cell')]/div")
    lines = [(br.tail or "").strip().replace(mail.WORD_JOINER, "") for br in block.iter("br")]
    return [line for line in lines if line]


@pytest.mark.parametrize("platform", sorted(mail.PLATFORMS))
def test_the_profile_postal_address_replaces_the_address_token(tmp_path, platform):
    data, content = render(MODULE, tmp_path, {"contact.postal_address": ADDRESS, "email.platform": platform})
    source = data.decode()
    root = parse_document(data)
    tokens = mail.PLATFORMS[platform]
    assert content.postal_address == tuple(ADDRESS.split("\n"))
    if tokens.address_required:  # HubSpot will not publish a template without its own address tokens
        assert all(token in source for token in tokens.html_tokens())
        assert "Elm" not in source
        return
    assert footer_address(root) == list(content.postal_address)  # one line per line, joined with <br>
    assert "12 &lt;b&gt;Elm&lt;/b&gt; &amp; Co Street" in source and root.xpath("//b") == []
    for token in tokens.html_tokens(address=False):
        assert token in source, token
    for token in set(tokens.html_tokens()) - set(tokens.html_tokens(address=False)):
        assert token not in source, token
    for tag in ("{{ contact", "*|EMAIL|*", "[POSTAL_ADDRESS]"):
        assert tag not in source, tag


def test_without_a_postal_address_the_footer_keeps_the_token(hosted):
    data, root, content = hosted
    assert content.postal_address == () and content.email_platform == "generic"
    assert footer_address(root) == [mail.ADDRESS_PLACEHOLDER]


def test_one_main_landmark_around_the_message_not_the_footer(hosted):
    data, root, _ = hosted
    (main,) = root.xpath("//*[@role='main'] | //main")
    assert data.decode().count('role="main"') == 1
    assert main.tag == "div" and main.xpath(".//h1") and main.xpath(".//a[contains(@class, 'vk-btn')]")
    assert not main.xpath(".//*[contains(@class, 'vk-footer')]")
    assert root.xpath("//td[contains(@class, 'vk-footer-cell')]")


def test_tight_places_use_the_short_name(tmp_path):
    long_name = "The Greater Riverside Regional Community Health and Wellbeing Cooperative Society"
    data, content = render(MODULE, tmp_path, {**HOSTED, "name": long_name, "short_name": "Riverside Health"})
    root = parse_document(data)
    eyebrow = text_of(root.xpath("//*[contains(@class, 'vk-eyebrow')]")[0]).replace(mail.WORD_JOINER, "")
    assert eyebrow == "Riverside Health" and content.name == long_name
