"""Shared by the email renderers (email.html, email.txt), the resources pages and the README.

- ``PLATFORMS``: each email platform's unsubscribe and postal-address tokens, for
  the HTML and the plain-text part; ``postal_address``/``address_html``: the footer's
  postal address, the profile's ``contact.postal_address`` when given (unless the
  platform requires its own address tokens), else the platform's address token.
- ``defuse``/``defuse_url``: profile text must never become a merge tag. Email
  platforms run their own template language over the message (HubSpot's HubL can
  read contact data), so ``{{``, ``{%``, ``*|`` and ``[name]`` in an organisation's
  text get an invisible WORD JOINER between their characters, and the same
  characters in URLs are percent-encoded. Only our own tokens stay live.
- Absolute URLs below the profile's ``assets_base_url``, and the display size of
  the infographic thumbnail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from visitkit.render import html, jinja_environment, template_sources
from visitkit.render.text import clean

if TYPE_CHECKING:
    import jinja2

    from visitkit.content import Content

# ------------------------------------------------------------------ platforms


@dataclass(frozen=True)
class Tokens:
    """What one platform needs in the footer of both parts of a campaign."""

    name: str
    unsubscribe_href: str | None  # the link target in email.html (None: the platform uses its own element)
    unsubscribe_element: str | None  # an element that wraps the link text instead (Campaign Monitor)
    address_html: str  # the postal address in email.html
    unsubscribe_text: str  # the unsubscribe link in email.txt
    address_text: str  # the postal address in email.txt
    address_required: bool = False  # the platform refuses a template without its address tokens: they always stay

    def html_tokens(self, address: bool = True) -> list[str]:
        """The literal strings a platform looks for in email.html (``address``: with the address tokens)."""
        unsubscribe = self.unsubscribe_href or f"<{self.unsubscribe_element}"
        return [unsubscribe, *(self.address_html.split("\n") if address else ())]

    def text_tokens(self, address: bool = True) -> list[str]:
        return [self.unsubscribe_text, *(self.address_text.split("\n") if address else ())]


_HUBSPOT_ADDRESS = "\n".join(
    (
        "{{ site_settings.company_name }}",
        "{{ site_settings.company_street_address_1 }}",
        "{{ site_settings.company_city }}, {{ site_settings.company_state }} {{ site_settings.company_zip }}",
        "{{ site_settings.company_country }}",
    )
)
UNSUBSCRIBE_PLACEHOLDER = "[UNSUBSCRIBE_LINK]"
ADDRESS_PLACEHOLDER = "[POSTAL_ADDRESS]"

PLATFORMS: dict[str, Tokens] = {
    # *|UNSUB|* is required in every Mailchimp campaign; the address tags print the audience's contact address.
    "mailchimp": Tokens("Mailchimp", "*|UNSUB|*", None, "*|HTML:LIST_ADDRESS_HTML|*", "*|UNSUB|*",
                        "*|LIST:ADDRESSLINE|*"),
    # HubSpot refuses to publish a coded email template without an unsubscribe link and the company address.
    # So its tokens stay even when the profile gives a postal address (HubSpot prints the one in its settings).
    "hubspot": Tokens("HubSpot", "{{ unsubscribe_link }}", None, _HUBSPOT_ADDRESS, "{{ unsubscribe_link }}",
                      _HUBSPOT_ADDRESS, address_required=True),
    # Campaign Monitor turns <unsubscribe>…</unsubscribe> into a link (HTML) and [unsubscribe] into its URL
    # (text). It has no postal-address tag: the sender types the address over the placeholder.
    "campaign_monitor": Tokens("Campaign Monitor", None, "unsubscribe", ADDRESS_PLACEHOLDER, "[unsubscribe]",
                               ADDRESS_PLACEHOLDER),
    # Any other platform: clearly marked placeholders the sender replaces.
    "generic": Tokens("generic", UNSUBSCRIBE_PLACEHOLDER, None, ADDRESS_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER,
                      ADDRESS_PLACEHOLDER),
}


# ---------------------------------------------------------------- defusing

WORD_JOINER = "\u2060"  # invisible, no line break: "{⁠{" shows as "{{" but is no longer a tag opener
_TAG_OPENERS = re.compile(r"(\{)(?=[{%#])|(\*)(?=\|)|(\[)(?=[A-Za-z_])|(<)(?=/?unsubscribe)", re.IGNORECASE)
_SAFE_SCHEME = re.compile(r"(?i)(https?://|mailto:|tel:)")
_URL_SPECIALS = {"{": "%7B", "}": "%7D", "[": "%5B", "]": "%5D", "|": "%7C"}


def defuse(text: str) -> str:
    """Profile text as it should appear in a campaign: no merge-tag or template syntax survives."""
    return _TAG_OPENERS.sub(lambda m: m.group(0) + WORD_JOINER, clean(text))


def defuse_url(url: str) -> str:
    """A URL with the characters of merge-tag syntax percent-encoded (the same address to a web server).

    Profiles only ever hold http(s), mailto and tel links; anything else here means a tampered content
    model, and the message is not written (defence in depth).
    """
    if not _SAFE_SCHEME.match(url):
        raise ValueError(f"refusing a link with an unexpected scheme in an email: {url[:40]!r}")
    return "".join(_URL_SPECIALS.get(char, char) for char in clean(url))


def finalize(value: Any) -> Any:
    """Every ``{{ value }}`` in an email template: our Markup (tokens) as is, everything else defused."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    if isinstance(value, str):
        return defuse(value)
    return value


def _href(url: str) -> Any:
    """Template filter for link targets: percent-encode instead of inserting invisible characters."""
    from markupsafe import Markup, escape

    return Markup(escape(defuse_url(url)))


def environment(assets: Mapping[str, bytes], autoescape: bool = True) -> jinja2.Environment:
    """The email templates' Jinja environment (HTML: autoescape; text: none), over the renderer's inputs."""
    filters = (
        ("blocks", html.visible_blocks),
        ("link_groups", html.link_groups),
        ("href", _href),
        ("defuse_url", defuse_url),
    )
    return jinja_environment(template_sources(assets), autoescape, finalize, filters)


# ----------------------------------------------------------- postal address


def postal_address(content: Content) -> tuple[str, ...]:
    """The lines of the profile's ``contact.postal_address`` the footer shows instead of the platform's address
    token; () without one, or on a platform that requires its own address tokens (HubSpot)."""
    return () if PLATFORMS[content.email_platform].address_required else content.postal_address


def address_html(content: Content) -> Any:
    """The footer's postal address in email.html (Markup): the profile's lines, escaped and defused, joined
    with ``<br>``; without them, the platform's address token."""
    from markupsafe import Markup, escape

    lines = [escape(defuse(line)) for line in postal_address(content)]
    if not lines:
        lines = [Markup(line) for line in PLATFORMS[content.email_platform].address_html.split("\n")]
    return Markup("<br>\n").join(lines)


# ------------------------------------------------------------------ assets

THUMBNAIL_WIDTH = 180  # infographic.png (360 px wide) shown at half size


def asset_url(content: Content, name: str) -> str | None:
    """Absolute URL of a bundle file of this locale, or None without ``assets_base_url``."""
    if not content.assets_base_url:
        return None
    return f"{content.assets_base_url}{content.locale}/{name}"


def thumbnail_size(page_size: str, width: int = THUMBNAIL_WIDTH) -> tuple[int, int]:
    """Display size of the infographic thumbnail: a portrait A4 or US Letter page ``width`` px wide."""
    ratio = 297 / 210 if page_size == "a4" else 11 / 8.5
    return width, round(width * ratio)

