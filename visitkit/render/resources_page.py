"""resources.html: resources for the organisation's team and downloads for its clients, as a standalone page.

The page sits in the bundle folder next to the files it offers, so it links to
them by file name (``infographic.pdf``, ``infographic.pptx``, the thumbnail
``infographic.png`` and ``faq.html``): the folder can be hosted anywhere.
It shares its look with faq.html: the same header, hero, components and footer.
"""

from __future__ import annotations

import base64

from visitkit import outputs
from visitkit.render import RenderContext, html, mail

TEMPLATES = (
    "templates/resources/page.html.j2",
    "templates/resources/macros.html.j2",
    "templates/resources/components.css.j2",
    "templates/resources/page.css.j2",
    "templates/faq/page.css.j2",
    "templates/faq/base.css.j2",
    "templates/faq/contact.css.j2",
    "templates/faq/macros.html.j2",
)
ASSETS = ("logo",)  # system fonts, like faq.html
FILES = tuple(outputs.name_of(group) for group in ("pdf", "pptx", "thumbnail"))
"""Bundle files the page links to, besides faq.html (all in the same folder)."""
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def render(context: RenderContext) -> bytes:
    """The page as UTF-8 HTML."""
    content = context.content
    logo = None
    if content.logo:
        data = base64.b64encode(context.asset(content.logo.path)).decode("ascii")
        logo = {"src": f"data:{_MIME[content.logo.kind]};base64,{data}", "alt": content.logo.alt}
    width, height = mail.thumbnail_size(content.page_size)
    return html.render(
        context,
        "resources/page.html.j2",
        kind="resources",
        logo=logo,
        files={name: name for name in FILES},
        faq=outputs.name_of("faq"),
        thumb={"width": width, "height": height},
    )
