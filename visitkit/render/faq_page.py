"""faq.html: the standalone FAQ page, self-contained (no web fonts, scripts or external files)."""

from __future__ import annotations

import base64

from visitkit.render import RenderContext, faq_jsonld, html

TEMPLATES = (
    "templates/faq/page.html.j2",
    "templates/faq/page.css.j2",
    "templates/faq/base.css.j2",
    "templates/faq/components.css.j2",
    "templates/faq/contact.css.j2",
    "templates/faq/macros.html.j2",
)
ASSETS = ("logo",)  # the page uses the visitor's system fonts, so the font files are not inputs
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def render(context: RenderContext) -> bytes:
    """The page as UTF-8 HTML.

    Option ``jsonld`` adds schema.org FAQPage metadata (the same as faq.jsonld); by default it follows the
    profile's ``faq.structured_data``.
    """
    content = context.content
    logo = None
    if content.logo:
        # Embedded as a data: URI so the page makes no request of its own.
        data = base64.b64encode(context.asset(content.logo.path)).decode("ascii")
        logo = {"src": f"data:{_MIME[content.logo.kind]};base64,{data}", "alt": content.logo.alt}
    jsonld = None
    if context.options.get("jsonld", content.structured_data):
        from markupsafe import Markup

        jsonld = Markup(faq_jsonld.script_text(content))  # already safe inside <script>
    return html.render(context, "faq/page.html.j2", logo=logo, jsonld=jsonld)

