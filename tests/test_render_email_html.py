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
from visitkit.render.qr import readable_url

MODULE = "visitkit.render.email_html"
BASE = "https://toolkits.example.org/acme/"
HOSTED = {"assets_base_url": BASE}
# Merge-tag and template syntax of every platform, as an organisation might type it by mistake (or on purpose).
MERGE_TAGS = "{{ contact.email }} {% if 1 %}x{% endif %} *|EMAIL|* [firstname] <unsubscribe>u</unsubscribe>"
# 60 letters, no space: a compound word as German or Finnish prose may hold one.
WORD = ("Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunterbeamten" * 2)[:60]
LONG_URL = "https://www.virtual-appointments.acme-clinic.example/" + "booking-" * 12 + "start?from=newsletter"
PROSE_URL = "https://www.help.acme-clinic.example/" + "joining-" * 12 + "guide/"  # a link printed as its URL
PROSE = (
    "policies.service_differences",
    "policies.fee_differences",
    "policies.staff_availability",
    "policies.cancellation_differences",
    "policies.equipment",
    "extra_info",
)
LONG_EDITS = {
    **{field: f"Before {WORD} after, and [{PROSE_URL}]({PROSE_URL})." for field in PROSE},
    "policies.payment_methods": [WORD, "Cash"],
    "name": "N" * 80,
    "short_name": "S" * 40,
    "brand.logo_alt": "L" * 80,  # shown in place of the logo where images are blocked
    "assets_base_url": BASE,
    "links.booking": LONG_URL,
    "contact.email": "appointments.and.questions.for.our.clients@acme-clinic.example",
    "locales": ["en", "es"],
}


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


def declarations(element) -> dict[str, str]:
    """An element's inline style as {property: value} (the last declaration of a property wins)."""
    found = {}
    for item in tinycss2.parse_blocks_contents(element.get("style") or "", skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            found[item.lower_name] = tinycss2.serialize(item.value).strip()
    return found


def test_hybrid_tables_fluid_up_to_600_px(hosted):
    _, root, _ = hosted
    tables = root.xpath("//table")
    assert tables and all(t.get("role") == "presentation" for t in tables)
    for name in ("vk-container", "vk-footer"):
        (table,) = root.xpath(f"//table[contains(@class, '{name}')]")
        style = declarations(table)
        assert table.get("width") == "100%" and (style["width"], style["max-width"]) == ("100%", "600px"), name
    # Layout is tables and inline-blocks: no grid, flex or floats anywhere.
    for element in root.iter():
        style = element.get("style") or "" if isinstance(element.tag, str) else ""
        assert not re.search(r"display:\s*(flex|grid)|float:", style), style
    # Outlook on Windows ignores max-width: it gets a 600 px ghost table around the container and the footer.
    ghosts = [c for c in comments(root) if '<table role="presentation" width="600"' in (c or "")]
    assert len(ghosts) == 1 and ghosts[0].startswith("[if mso]>")


def test_no_fixed_width_wider_than_a_phone_outside_outlook_comments(hosted):
    """What every client but Outlook reads (inline styles, width attributes) fits a 320 px phone by itself."""
    _, root, _ = hosted
    for element in root.find("body").iter():
        if not isinstance(element.tag, str):
            continue  # comments: Outlook's ghost tables are fixed on purpose
        width = declarations(element).get("width", "")
        assert not (width.endswith("px") and float(width[:-2]) > 200), etree.tostring(element)[:160]
        attribute = element.get("width", "")
        assert not (attribute.isdigit() and int(attribute) > 200), etree.tostring(element)[:160]


def test_images_are_fluid_up_to_their_size(hosted):
    _, root, _ = hosted
    images = root.xpath("//img")
    assert len(images) == 2
    for image in images:
        style = declarations(image)
        assert (style["width"], style["height"], style["display"]) == ("100%", "auto", "block")
        assert style["max-width"] == f"{image.get('width')}px"  # the width attribute is for Outlook


def test_downloads_columns_stack_without_media_queries(hosted):
    _, root, _ = hosted
    thumb, text = (root.xpath(f"//div[contains(@class, 'vk-col-{n}')]")[0] for n in ("thumb", "text"))
    widths = []
    for column in (thumb, text):
        style = declarations(column)
        assert (style["display"], style["width"]) == ("inline-block", "100%")
        widths.append(int(style["max-width"].removesuffix("px")))
    # Side by side they fill the panel exactly: the container less the section's padding.
    assert sum(widths) == email_html.CONTAINER_WIDTH - 2 * email_html.SECTION_PADDING
    # Nothing between the two but Outlook's comment: a space would make the pair wider than the panel.
    between = thumb.getnext()
    assert isinstance(between, etree._Comment) and between.getnext() is text
    assert (thumb.tail or "") == (between.tail or "") == ""
    # Outlook draws them as a ghost table with the same widths.
    ghost = " ".join(c for c in comments(root) if "vk" not in c and 'width="' in c)
    assert re.findall(r'<td width="(\d+)"', ghost) == [str(w) for w in widths]


def test_text_breaks_long_words_where_it_is(hosted):
    _, root, _ = hosted
    texts = root.xpath("//*[contains(@class, 'vk-container') or contains(@class, 'vk-footer')]"
                       "//*[self::td or self::p or self::li or self::h1 or self::h2 or self::h3 or self::a]")
    assert len(texts) > 30
    for element in texts:
        style = declarations(element)
        assert (style.get("overflow-wrap"), style.get("word-break")) == ("anywhere", "break-word"), \
            etree.tostring(element)[:160]


def test_conditional_comments_survive_inlining(monkeypatch):
    """css-inline keeps Outlook's conditional comments byte for byte (premailer, for one, strips them)."""
    content = make_content("sunvale-health").model_copy(update={"assets_base_url": BASE})
    context = make_context(MODULE, content)
    after = comments(parse_document(email_html.render(context)))

    class Untouched:
        def inline(self, page: str) -> str:
            return page

    monkeypatch.setattr(email_html, "_inliner", Untouched)
    before = comments(parse_document(email_html.render(context)))
    conditional = [c for c in before if c.startswith(("[if mso]", "[if !mso]", "<![endif]"))]
    # The head's Office settings, the container's and the panel's ghost tables (open, middle, close), and
    # each button's VML twin and its !mso counterpart (open and close).
    assert len(conditional) >= 11
    assert after == before


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


@pytest.mark.parametrize("locale", ["en", "es"])
def test_long_words_names_and_urls_stay_under_gmails_clipping_limit(tmp_path, locale):
    data, _ = render(MODULE, tmp_path, LONG_EDITS, locale=locale)
    assert len(data) < email_html.MAX_BYTES
    assert WORD in data.decode()  # the answers the email quotes hold it


def test_printed_urls_are_readable_and_targets_exact(tmp_path):
    data, content = render(MODULE, tmp_path, LONG_EDITS)
    root = parse_document(data)
    printed = root.xpath("//a[@href=$url]", url=PROSE_URL)
    assert printed, "no prose link printed as its URL"
    for link in printed:
        assert link.text_content() == readable_url(PROSE_URL)
    # Shown without the scheme, www. and the trailing slash, never shortened.
    assert readable_url(PROSE_URL) == PROSE_URL.removeprefix("https://www.").removesuffix("/")
    # Links with their own text keep it; the button's long target is exact (and never printed).
    assert text_of(root.xpath("//a[contains(@class, 'vk-btn')]")[0]) == content.campaign.button.label
    assert {a.get("href") for a in root.xpath("//a[contains(@class, 'vk-btn')]")} == {LONG_URL}
    assert LONG_URL.removeprefix("https://") not in text_of(root.find("body"))


IDN_URL = "https://www.xn--bcher-kva.example/a%C3%B1o/"


@pytest.mark.parametrize("text, href, shown", [
    (IDN_URL, IDN_URL, "bücher.example/año"),  # printed as people type it; the target stays exact
    ("our page", "https://acme.example/", "our page"),
    ("mailto:a@b.example", "mailto:a@b.example", "mailto:a@b.example"),
    ("https://acme.example/", None, "https://acme.example/"),
])
def test_shown_text(text, href, shown):
    assert email_html.shown_text(text, href) == shown
