"""email.txt: the plain-text alternative of email.html, with the same content.

Every link is written out in full (``text <URL>``), lines are wrapped at 72
columns (a URL is never broken), and the footer carries the platform's
unsubscribe token and the profile's postal address (else the platform's
address token), like the HTML part.
"""

from __future__ import annotations

from visitkit import outputs
from visitkit.render import RenderContext, mail, text

TEMPLATES = ("templates/email/email.txt.j2",)
ASSETS: tuple[str, ...] = ()  # no logo, no fonts: plain text


def render(context: RenderContext) -> bytes:
    """The message as UTF-8 plain text with LF line endings."""
    from markupsafe import Markup

    content = context.content
    tokens = mail.PLATFORMS[content.email_platform]
    downloads = None
    if content.assets_base_url:
        downloads = {
            "pdf": mail.asset_url(content, outputs.name_of("pdf")),
            "image": mail.asset_url(content, "infographic-large.png"),
        }
    env = text.environment(context.assets, finalize=mail.finalize, url=mail.defuse_url)
    body = env.get_template("email/email.txt.j2").render(
        c=content,
        m=content.campaign,
        labels=content.labels,
        faq_url=mail.asset_url(content, outputs.name_of("faq")),
        downloads=downloads,
        # Markup: our own tokens are the only text the defusing leaves alone. The profile's postal address
        # (plain text, defused when printed) replaces the address token when given.
        postal_address=mail.postal_address(content),
        address=Markup(tokens.address_text),
        unsubscribe=Markup(tokens.unsubscribe_text),
    )
    lines = [line.rstrip() for line in body.strip().split("\n")]
    return ("\n".join(lines) + "\n").encode("utf-8")
