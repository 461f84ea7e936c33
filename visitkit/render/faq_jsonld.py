"""faq.jsonld: schema.org ``FAQPage`` metadata for the FAQ's questions (opt-in: ``faq.structured_data``).

The one implementation of the FAQ's JSON-LD: faq.html embeds the same text in
a ``<script type="application/ld+json">`` element. It is metadata only: search
engines may use it or not, and major ones no longer show FAQ rich results.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from visitkit.render import RenderContext, html

if TYPE_CHECKING:  # planning imports the renderers for their TEMPLATES: keep pydantic out of it
    from visitkit.content import Content

TEMPLATES: tuple[str, ...] = ()
ASSETS: tuple[str, ...] = ()


def data(content: Content) -> dict[str, Any]:
    """The FAQPage document: every question with its answer as plain text."""
    faq = content.faq
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "inLanguage": content.lang,
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


def script_text(content: Content) -> str:
    """The document as JSON that cannot end the ``<script>`` element it is pasted into.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so no ``</script>`` or ``<!--``
    can appear; the JSON value is unchanged.
    """
    text = json.dumps(data(content), ensure_ascii=False, indent=1)
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render(context: RenderContext) -> bytes:
    """faq.jsonld as UTF-8 JSON."""
    return (script_text(context.content) + "\n").encode("utf-8")
