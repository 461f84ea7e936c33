"""faq.html: the standalone FAQ page, self-contained (no web fonts, scripts or external files)."""

from __future__ import annotations

import base64
import json
from typing import Any

from visitkit.render import RenderContext, html

OUTPUT = "faq.html"
TEMPLATES = (
    "templates/faq/page.html.j2",
    "templates/faq/page.css.j2",
    "templates/faq/components.css.j2",
    "templates/faq/macros.html.j2",
)
ASSETS = ("logo",)  # the page uses the visitor's system fonts, so the font files are not inputs
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}


def render(context: RenderContext) -> bytes:
    """The page as UTF-8 HTML. Option ``jsonld`` (default off) adds schema.org FAQPage metadata."""
    content = context.content
    logo = None
    if content.logo:
        # Embedded as a data: URI so the page makes no request of its own.
        data = base64.b64encode(context.asset(content.logo.path)).decode("ascii")
        logo = {"src": f"data:{_MIME[content.logo.kind]};base64,{data}", "alt": content.logo.alt}
    jsonld = _jsonld(context) if context.options.get("jsonld", False) else None
    return html.render(context, "faq/page.html.j2", logo=logo, jsonld=jsonld)


def _jsonld(context: RenderContext) -> Any:
    """schema.org FAQPage as a JSON string that cannot close its <script> element."""
    from markupsafe import Markup

    faq = context.content.faq
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": context.content.lang,
        "name": faq.title,
        "mainEntity": [
            {
                "@type": "Question",
                "name": q.question,
                "acceptedAnswer": {"@type": "Answer", "text": html.plain_text(q.answer)},
            }
            for section in faq.sections
            for q in section.questions
        ],
    }
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    # <, > and & as JSON escapes: no "</script>" or "<!--" can appear inside the element.
    text = text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)
