"""resources.fragment.html: the resources as a drop-in section for an organisation's existing website.

One root ``<section>`` whose ``<style>`` is scoped to the root's class
(``vk-resources-<org-id>``: the same isolation as faq.fragment.html, and the two
never style each other), every id prefixed with ``vk-res-``, no script and no
``<h1>``. Option
``heading_level`` (2–5, default 2) sets the section headings' level.

Links to the downloads are absolute below ``assets_base_url`` when the profile
sets it (the fragment then works on any page); otherwise they are file names,
and the files must be uploaded next to the page that shows the fragment.
"""

from __future__ import annotations

from visitkit import outputs
from visitkit.render import RenderContext, html, mail, resources_page

TEMPLATES = (
    "templates/resources/fragment.html.j2",
    "templates/resources/macros.html.j2",
    "templates/resources/components.css.j2",
    "templates/faq/fragment.css.j2",
    "templates/faq/base.css.j2",
    "templates/faq/macros.html.j2",
)
ASSETS: tuple[str, ...] = ()  # no logo (the host site shows its own brand) and no font files


def render(context: RenderContext) -> bytes:
    """The fragment as UTF-8 HTML."""
    content = context.content
    level = html.heading_level(context.options.get("heading_level", 2))
    files = {name: mail.asset_url(content, name) or name for name in resources_page.FILES}
    width, height = mail.thumbnail_size(content.page_size)
    return html.render(
        context,
        "resources/fragment.html.j2",
        kind="resources",
        level=level,
        files=files,
        # Without a known address the FAQ may live anywhere on the host site: no link rather than a broken one.
        faq=mail.asset_url(content, outputs.name_of("faq")),
        thumb={"width": width, "height": height},
    )
