"""Shared HTML machinery for the FAQ page and the FAQ fragment.

Both renderers use one Jinja environment whose only loader is the renderer's
own inputs (``context.assets``): a template that is not listed in the
module's ``TEMPLATES`` cannot be read. Autoescape is on for every template,
so profile text can never become markup. Values that land in CSS (colours,
the font family, the scope class) are re-checked here, because HTML escaping
does not make a CSS value safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from visitkit import colors
from visitkit.render import RenderContext, jinja_environment, template_sources

if TYPE_CHECKING:  # jinja2 is imported lazily: listing tasks must stay cheap
    import jinja2

    from visitkit.content import Colors
    from visitkit.richtext import Block, Run

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_FAMILY = re.compile(r"[A-Za-z0-9][A-Za-z0-9 -]{0,62}")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
# Used after the brand family, so the page never needs a web font: every visitor's own UI font.
SYSTEM_FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif, '
    '"Apple Color Emoji", "Segoe UI Emoji"'
)


def render(context: RenderContext, template: str, kind: str = "faq", **variables: Any) -> bytes:
    """Render ``template`` (a name under ``templates/``) with the shared variables.

    ``kind`` (``faq`` or ``resources``) names the scope class, so that the two fragments pasted into one
    host page never style each other.
    """
    content = context.content
    env = environment(context.assets)
    html = env.get_template(template).render(
        c=content,
        labels=content.labels,
        p=palette(content.colors),
        scope=scope_class(content.org_id, kind),
        font_stack=font_stack(content.font.family, content.lang),
        booking=next((cta for cta in content.infographic.ctas if cta.id == "booking"), None),
        other_ctas=[cta for cta in content.infographic.ctas if cta.id != "booking"],
        **variables,
    )
    # Blank lines left by template tags are dropped (run text never holds a newline: the richtext
    # parser turns line breaks into spaces); one trailing newline, LF only.
    html = _BLANK_LINES.sub("\n", html)
    return (html.strip() + "\n").encode("utf-8")


def environment(assets: Mapping[str, bytes]) -> jinja2.Environment:
    """The Jinja environment over the Jinja templates among ``assets`` (autoescape on for every
    template, whatever its extension: the CSS files are included in <style>)."""
    filters = (
        ("blocks", visible_blocks),
        ("link_groups", link_groups),
        ("plain", plain_text),
        ("print_url", print_url),
        ("isolate", isolate),
    )
    return jinja_environment(template_sources(assets), True, None, filters)


# ------------------------------------------------------------------ values


def palette(c: Colors) -> dict[str, str]:
    """``content.colors`` plus the few derived colours the HTML needs, every one checked."""
    base = {name: _colour(value) for name, value in c.model_dump().items()}
    on = base["on_primary"]
    shade = "#000000" if colors.luminance(on) > 0.5 else "#FFFFFF"
    return {
        **base,
        # Panels use the tint: text and links on it must still pass 4.5:1.
        "tint_text": colors.adjust_for(base["text"], base["tint"], colors.BODY_TEXT),
        "tint_accent": colors.adjust_for(base["accent"], base["tint"], colors.BODY_TEXT),
        "tint_muted": colors.adjust_for(base["muted"], base["tint"], colors.BODY_TEXT),
        # Hairlines and card edges: decorative, but they must show (colors.EDGE) even on a pale brand. Mixed in
        # OKLab so they keep the brand's hue; a tinted card's edge sits on its tint and on the page.
        "border": colors.edge_for(colors.mix_oklab(base["background"], base["text"], 0.14), (base["background"],)),
        "tint_border": colors.edge_for(colors.mix_oklab(base["tint"], base["accent"], 0.2),
                                       (base["tint"], base["background"])),
        # Soft shapes on the brand gradient, in the colour opposite to its text so they only ever
        # raise the contrast of text that crosses them.
        "glow": _rgba(shade, 0.08),
        "glow_strong": _rgba(shade, 0.14),
    }


SCOPE_KINDS = ("faq", "resources")


def scope_class(org_id: str, kind: str = "faq") -> str:
    """A CSS class unique to the organisation and the output: ``vk-faq-<org-id>``, ``vk-resources-<org-id>``."""
    if kind not in SCOPE_KINDS:
        raise ValueError(f"scope kind must be one of {SCOPE_KINDS}, got {kind!r}")
    safe = re.sub(r"[^a-z0-9-]", "-", org_id.lower()).strip("-") or "org"
    return f"vk-{kind}-{safe}"


def print_url(href: str | None, text: str = "") -> str:
    """What a printed page shows after a link: the address in readable form, or ``""``.

    Only for addresses a reader can use on paper (web, e-mail, phone), never for in-page or relative links,
    and not when the link text already shows it.
    """
    from visitkit.render.qr import readable_url

    if not href:
        return ""
    scheme = href.split(":", 1)[0].lower() if ":" in href else ""
    if scheme in ("http", "https"):
        shown = readable_url(href)
    elif scheme in ("mailto", "tel"):
        shown = unquote(href.split(":", 1)[1].split("?", 1)[0])
    else:
        return ""
    flat = "".join(text.split()).lower()
    return "" if shown and "".join(shown.split()).lower() in flat else shown


def font_stack(family: str, lang: str = "en") -> Any:
    """The brand family (used when the visitor has it installed, never downloaded), then system fonts, with
    fonts for Arabic, Hebrew, Japanese and Chinese (``lang``'s own first: ``scripts.system_stack``)."""
    from markupsafe import Markup

    from visitkit.render.scripts import system_stack

    # Markup: HTML escaping would turn the quotes into &#34;, which CSS inside <style> does not decode.
    stack = system_stack(SYSTEM_FONTS, lang)
    if _FAMILY.fullmatch(family):
        return Markup(f'"{family}", {stack}')
    return Markup(stack)


def heading_level(value: Any, low: int = 2, high: int = 5) -> int:
    """A validated heading level option (questions use ``level + 1``)."""
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"heading_level must be a whole number from {low} to {high}, got {value!r}") from None
    if not low <= level <= high or isinstance(value, bool) or (isinstance(value, float) and value != level):
        raise ValueError(f"heading_level must be a whole number from {low} to {high}, got {value!r}")
    return level


def _colour(value: str) -> str:
    if not _HEX.fullmatch(value):
        raise ValueError(f"expected a #RRGGBB colour, got {value!r}")
    return value.upper()


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha:.2f})"


# ---------------------------------------------------------------- richtext


class Items(list):
    """A block's visible items; ``lang`` is the block's own language when it differs from the page's
    (templates write it as ``lang=""`` on the element that holds the block)."""

    lang: str | None = None


def visible_blocks(blocks: Iterable[Block]) -> list[tuple[str, Items]]:
    """Blocks as ``(kind, items)`` without empty runs, items or blocks: no empty <p> or <li>."""
    out = []
    for block in blocks:
        items = Items(tuple(r for r in item if r.text) for item in block.items)
        items[:] = [item for item in items if "".join(r.text for r in item).strip()]
        items.lang = block.lang
        if items:
            out.append((block.kind, items))
    return out


# Addresses that read left to right whatever the text around them: web addresses, email addresses, phone
# numbers (ASCII only: Arabic-Indic digits belong to the text). In right-to-left text the bidi algorithm
# would otherwise reorder their parts ("+971 4 000 0000" shown as "0000 000 4 971+").
_ADDRESS = re.compile(
    r"(?:https?://|www\.)[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
    r"|\+?[0-9][0-9 ().-]{5,}[0-9]"
    r"|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:/[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]*)?"
)


def isolate(text: str) -> Any:
    """``text`` escaped, each address in it wrapped in ``<bdi dir="ltr">``: isolated from the text around
    it and read left to right in any page direction (in left-to-right text it changes nothing)."""
    from markupsafe import Markup, escape

    out, end = [], 0
    for match in _ADDRESS.finditer(text):
        address = match.group(0).rstrip(".,;:!?)")  # sentence punctuation after an address is the sentence's
        start = match.start()
        out += [escape(text[end:start]), Markup('<bdi dir="ltr">'), escape(address), Markup("</bdi>")]
        end = start + len(address)
    out.append(escape(text[end:]))
    return Markup("").join(out)


def link_groups(runs: Iterable[Run]) -> list[tuple[str | None, list[Run]]]:
    """Consecutive runs that share a link target, so a partly bold link is still one <a>."""
    groups: list[tuple[str | None, list[Run]]] = []
    for run in runs:
        if groups and groups[-1][0] == run.href:
            groups[-1][1].append(run)
        else:
            groups.append((run.href, [run]))
    return groups


def plain_text(blocks: Iterable[Block]) -> str:
    """Blocks as one line of plain text (meta description, JSON-LD)."""
    return " ".join(
        " ".join("".join(r.text for r in item).strip() for item in items) for _, items in visible_blocks(blocks)
    ).strip()
