"""The preview's own pages: the gallery, one page per organisation and locale, and the neutral host
page a fragment is shown in. Only these pages carry the reload script; the build's outputs are
served as they are on disk. Every value from a profile or a report is escaped."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from visitkit.preview.site import Org

STYLE = """
:root { color-scheme: light; --ink: #1f2933; --muted: #52606d; --line: #d9e2ec; --link: #1d4ed8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: #f5f7fa; }
header.top { padding: 1.25rem clamp(1rem, 4vw, 3rem) .75rem; background: #fff; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0; font-size: clamp(1.3rem, 3vw, 1.8rem); overflow-wrap: anywhere; }
header.top p { margin: .25rem 0 0; color: var(--muted); }
a { color: var(--link); }
a:focus-visible, button:focus-visible { outline: 3px solid var(--link); outline-offset: 2px; }
main { padding: 1rem clamp(1rem, 4vw, 3rem) 3rem; }
.grid { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 18rem), 1fr));
  list-style: none; margin: 0; padding: 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 1rem 1.25rem; }
.card .thumb { display: block; margin: -1rem -1.25rem .75rem; aspect-ratio: 360 / 200; overflow: hidden;
  background: #e4e7eb; border-radius: 12px 12px 0 0; }
.card .thumb img { display: block; width: 100%; height: auto; }
.card h2 { margin: 0 0 .25rem; font-size: 1.1rem; overflow-wrap: anywhere; }
.card .id { margin: 0 0 .5rem; color: var(--muted); font-size: .85rem; overflow-wrap: anywhere; }
.chips { display: flex; flex-wrap: wrap; gap: .35rem; list-style: none; margin: .5rem 0 0; padding: 0; }
.chips a { display: inline-block; padding: .2rem .7rem; border: 1px solid var(--line); border-radius: 999px;
  text-decoration: none; font-size: .9rem; }
.chips + .chips { margin-top: .4rem; }
.chips .label { align-self: center; color: var(--muted); font-size: .85rem; }
.chips a[aria-current] { background: var(--link); color: #fff; border-color: var(--link); }
.failed { margin: .5rem 0; padding: .6rem .8rem; background: #fdecea; color: #8a1c1c; border-radius: 8px;
  overflow-wrap: anywhere; }
.failed ul { margin: .4rem 0 0; padding-left: 1.1rem; }
.failed li { font: .85rem/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
.warnings { margin: .5rem 0; padding: .6rem .8rem; background: #fff4e0; color: #8a4b00; border-radius: 8px;
  font-size: .9rem; }
.warnings ul { margin: .3rem 0 0; padding-left: 1.1rem; }
.building { display: none; position: fixed; right: 1rem; bottom: 1rem; padding: .4rem .8rem; border-radius: 999px;
  background: var(--ink); color: #fff; font-size: .85rem; }
section.output { margin: 0 0 2rem; }
section.output h2 { font-size: 1.15rem; margin: 0 0 .35rem; }
section.output p.links { margin: 0 0 .5rem; font-size: .9rem; }
iframe { display: block; width: 100%; border: 1px solid var(--line); border-radius: 8px; background: #fff; }
iframe.page { height: min(85vh, 60rem); min-height: 32rem; }
body.phone iframe.page { width: 377px; max-width: 100%; }
iframe.pdf { height: min(85vh, 60rem); min-height: 28rem; }
iframe.text { height: 24rem; }
img.preview { display: block; max-width: min(100%, 40rem); height: auto; border: 1px solid var(--line);
  border-radius: 8px; background: #fff; }
"""

# Reloads the page once a rebuild has finished; ``since`` is the build generation the page was made from,
# so a rebuild that finished between rendering the page and connecting still reloads it.
RELOAD_SCRIPT = """<script>
(function () {
  var since = %d, badge = document.getElementById("building");
  var events = new EventSource("/_preview/events?since=" + since);
  events.addEventListener("building", function () { if (badge) badge.style.display = "block"; });
  events.addEventListener("reload", function () { events.close(); location.reload(); });
})();
</script>"""


def _page(
    title: str, heading: str, subtitle: str, body: str, generation: int, lang: str = "en", phone: bool = False
) -> bytes:
    return f"""<!doctype html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body{' class="phone"' if phone else ""}>
<header class="top"><h1>{heading}</h1><p>{subtitle}</p></header>
<main>
{body}
</main>
<p class="building" id="building" role="status">Rebuilding…</p>
{RELOAD_SCRIPT % generation}
</body>
</html>
""".encode()


def _url(*parts: str) -> str:
    return "/" + "/".join(quote(part, safe="") for part in parts)


def _errors(org: Org, compact: bool = False) -> str:
    lines = "".join(f"<li>{escape(line)}</li>" for line in org.errors)
    if compact:  # the gallery: the lines, and the page that explains
        return f'<div class="failed" role="alert"><strong>Build failed</strong><ul>{lines}</ul></div>'
    if org.last_good:
        since = f" The files in build/ are still those of the last good build, {escape(org.last_good)}."
    else:
        since = " Nothing has been built for it yet."
    return (
        f'<div class="failed" role="alert"><strong>The build of this organisation failed.</strong>{since}'
        f" Fix the lines below and save: the page reloads with the new outputs.<ul>{lines}</ul></div>"
    )


def _warnings(org: Org) -> str:
    if not org.warnings:
        return ""
    items = "".join(f"<li>{escape(text)}</li>" for text in org.warnings)
    return f'<div class="warnings" role="note"><strong>Build warnings</strong><ul>{items}</ul></div>'


def gallery(orgs: list[Org], generation: int) -> bytes:
    failed = sum(1 for org in orgs if org.status == "failed")
    cards = []
    for org in orgs:
        detail = _errors(org, compact=True) if org.status == "failed" else ""
        chips = "".join(
            f'<li><a href="{escape(_url("_preview", "org", org.id, locale))}" hreflang="{escape(locale)}">'
            f"{escape(locale)}</a></li>"
            for locale in org.locales
        )
        if not org.locales:
            chips += f'<li><a href="{escape(_url("_preview", "org", org.id))}">details</a></li>'
        thumbnail = ""
        if org.status != "failed" and org.locales and f"{org.locales[0]}/infographic.png" in org.files:
            # Lazy: a gallery of 1,000 organisations loads only the images scrolled to.
            thumbnail = (
                f'<a class="thumb" href="{escape(_url("_preview", "org", org.id, org.locales[0]))}" tabindex="-1">'
                f'<img src="{escape(_url(org.id, org.locales[0], "infographic.png"))}" alt="" loading="lazy"></a>'
            )
        cards.append(
            f'<li class="card" id="{escape(org.id)}">{thumbnail}<h2>{escape(org.name)}</h2>'
            f'<p class="id">{escape(org.id)}</p>{detail}<ul class="chips">{chips}</ul></li>'
        )
    subtitle = f"{len(orgs)} organisation{'s' if len(orgs) != 1 else ''}"
    if failed:
        subtitle += f" · {failed} failed"
    subtitle += " · rebuilt and reloaded on every save"
    body = f'<ul class="grid">{"".join(cards)}</ul>' if cards else "<p>No organisation has been built yet.</p>"
    return _page("visitkit preview", "visitkit preview", escape(subtitle), body, generation)


def _section(anchor: str, title: str, links: list[tuple[str, str]], content: str) -> str:
    anchors = " · ".join(
        f'<a href="{escape(href)}"{" download" if label.startswith("Download") else ""}>{escape(label)}</a>'
        for label, href in links
    )
    return (
        f'<section class="output" id="{anchor}"><h2>{escape(title)}</h2>'
        f'<p class="links">{anchors}</p>{content}</section>'
    )


def org_page(org: Org, locale: str | None, generation: int, slide_images: bool, phone: bool = False) -> bytes:
    """One organisation in one locale: every output, or its error lines in their place. ``phone`` shows the
    pages at a phone's width (375 px)."""
    query = "?width=phone" if phone else ""
    chips = "".join(
        f'<li><a href="{escape(_url("_preview", "org", org.id, other) + query)}" hreflang="{escape(other)}"'
        f'{" aria-current=page" if other == locale else ""}>{escape(other)}</a></li>'
        for other in org.locales
    )
    nav = '<p><a href="/">All organisations</a></p>'
    if chips:
        nav += f'<ul class="chips"><li class="label">Locale</li>{chips}</ul>'
    if org.status == "failed":
        body = nav + _errors(org)
    elif locale is None or locale not in org.locales:
        body = nav + "<p>Choose a locale.</p>"
    else:
        here = _url("_preview", "org", org.id, locale)
        widths = "".join(
            f'<li><a href="{escape(href)}"{" aria-current=page" if current else ""}>{label}</a></li>'
            for label, href, current in (("Desktop", here, not phone), ("Phone, 375 px", here + "?width=phone", phone))
        )
        outputs, anchors = _outputs(org, locale, slide_images)
        jumps = "".join(f'<li><a href="#{anchor}">{escape(label)}</a></li>' for anchor, label in anchors)
        body = (
            nav + f'<ul class="chips"><li class="label">Pages at</li>{widths}</ul>'
            f'<nav aria-label="Outputs"><ul class="chips"><li class="label">Jump to</li>{jumps}</ul></nav>'
            + _warnings(org) + outputs
        )
    subtitle = escape(org.id + (f" · {locale}" if locale else ""))
    title = f"{org.name} ({locale}) · visitkit preview" if locale else f"{org.name} · visitkit preview"
    return _page(title, escape(org.name), subtitle, body, generation, lang=locale or "en", phone=phone)


def _outputs(org: Org, locale: str, slide_images: bool) -> tuple[str, list[tuple[str, str]]]:
    """The outputs' sections, and (anchor, label) of each for the page's jump links."""

    def has(name: str) -> bool:
        return f"{locale}/{name}" in org.files

    def file(name: str) -> str:
        return _url(org.id, locale, name)

    def frame(src: str, kind: str, title: str) -> str:
        return f'<iframe class="{kind}" src="{escape(src)}" title="{escape(title)}"></iframe>'

    sections: list[tuple[str, str, str]] = []  # (anchor, jump label, html)

    def add(anchor: str, label: str, title: str, links: list[tuple[str, str]], content: str) -> None:
        sections.append((anchor, label, _section(anchor, title, links, content)))

    for name, anchor, label, title in (
        ("faq", "faq", "FAQ", "FAQ page"),
        ("resources", "resources", "Resources", "Resources page"),
    ):
        if has(f"{name}.html"):
            add(anchor, label, title, [("Open", file(f"{name}.html"))], frame(file(f"{name}.html"), "page", title))
        if has(f"{name}.fragment.html"):
            host = _url("_preview", "host", org.id, locale, f"{name}.fragment.html")
            add(
                f"{anchor}-fragment", f"{label} fragment", f"{title.split()[0]} fragment, in a neutral host page",
                [("Open", host), ("The fragment alone", file(f"{name}.fragment.html"))],
                frame(host, "page", f"{label} fragment in a host page"),
            )
    if has("email.html"):
        add("email", "Email", "Campaign email", [("Open", file("email.html"))],
            frame(file("email.html"), "page", "Campaign email"))
    if has("email.txt"):
        add("email-text", "Email text", "Campaign email, plain-text part", [("Open", file("email.txt"))],
            frame(file("email.txt"), "text", "Campaign email, plain text"))
    if has("infographic.pdf"):
        image = "infographic-large.png" if has("infographic-large.png") else "infographic.png"
        content = (
            f'<img class="preview" src="{escape(file(image))}" alt="The infographic, as an image" loading="lazy">'
            if has(image) else ""
        )
        content += frame(file("infographic.pdf"), "pdf", "The infographic, as a PDF")
        add("infographic", "Infographic", "Infographic", [("PDF", file("infographic.pdf")), ("Image", file(image))],
            content)
    if has("infographic.pptx"):
        if slide_images:
            src = _url("_preview", "slide", org.id, locale, "infographic.png")
            content = (
                "<p>The slide as LibreOffice shows it (made on first view, then kept).</p>"
                f'<img class="preview" src="{escape(src)}" alt="The slide, as an image" loading="lazy">'
            )
        elif has("infographic.png"):
            content = (
                "<p>LibreOffice is not installed, so this is the infographic's thumbnail, not the slide itself.</p>"
                f'<img class="preview" src="{escape(file("infographic.png"))}" alt="The infographic\'s thumbnail">'
            )
        else:
            content = ""
        add("slide", "Slide", "Editable slide", [("Download the slide (.pptx)", file("infographic.pptx"))], content)
    extras = [("README.txt", file("README.txt"))] if has("README.txt") else []
    if has("faq.jsonld"):
        extras.append(("FAQ structured data (faq.jsonld)", file("faq.jsonld")))
    extras.append(("Download the whole toolkit (zip)", _url(org.id, f"{org.id}-toolkit.zip")))
    add("files", "Other files", "Other files", extras, "")
    return "\n".join(html for _, _, html in sections), [(anchor, label) for anchor, label, _ in sections]


HOST_STYLE = """
body { margin: 0; font: 17px/1.6 Georgia, "Times New Roman", serif; color: #333; background: #fafafa; }
.host-bar { padding: 1rem 1.5rem; background: #444; color: #fff; font: 600 1rem/1.4 Arial, sans-serif; }
.host-main { max-width: 60rem; margin: 0 auto; padding: 1.5rem; }
.host-main > p.host-note { color: #666; font-style: italic; }
.host-foot { padding: 1rem 1.5rem; background: #eee; color: #555; font: .9rem Arial, sans-serif; }
"""


def host_page(fragment: str, lang: str, title: str) -> bytes:
    """A plain site of someone else's (its own fonts and colours) with the fragment pasted into its content,
    to show that the fragment looks right inside a page it does not control. ``fragment`` is a build output,
    inserted as it is."""
    return f"""<!doctype html>
<html lang="{escape(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{HOST_STYLE}</style>
</head>
<body>
<div class="host-bar">Example host site</div>
<div class="host-main">
<p class="host-note">The host site's own text, before the fragment.</p>
{fragment}
<p class="host-note">The host site's own text, after the fragment.</p>
</div>
<div class="host-foot">Example host site footer</div>
</body>
</html>
""".encode()


def not_found() -> bytes:
    return b'<!doctype html><html lang="en"><meta charset="utf-8"><title>Not found</title><p>Not found.</p></html>\n'
