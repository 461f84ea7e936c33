"""faq.fragment.html: the FAQ as a drop-in section for an organisation's existing website.

One root ``<section>`` whose ``<style>`` is scoped to the root's class
(``vk-faq-<org-id>``), every id prefixed with ``vk-faq-`` so that none can clash
with the host page's (or the resources fragment's), no script and no ``<h1>``
(the host page has its own). Option ``heading_level``
(2–5, default 2) sets the section headings' level; questions use the next one.
"""

from __future__ import annotations

from visitkit.render import RenderContext, html

TEMPLATES = (
    "templates/faq/fragment.html.j2",
    "templates/faq/fragment.css.j2",
    "templates/faq/base.css.j2",
    "templates/faq/components.css.j2",
    "templates/faq/contact.css.j2",
    "templates/faq/macros.html.j2",
)
ASSETS: tuple[str, ...] = ()  # no logo (the host site shows its own brand) and no font files


def render(context: RenderContext) -> bytes:
    """The fragment as UTF-8 HTML."""
    level = html.heading_level(context.options.get("heading_level", 2))
    return html.render(context, "faq/fragment.html.j2", level=level)
