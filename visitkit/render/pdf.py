"""The one-page PDF infographic (WeasyPrint).

Layout: a gradient header (logo plate, vertical icon, two-line title), the
numbered client journey beside a panel of call-to-action buttons and help,
and a footer pinned to the bottom of the page. Under the booking button, a
card holds the booking link for paper: a vector QR code (``qr.py``, inline
SVG with a ``<title>``, its side from ``design.qr_side``) and the link as
people read it (``qr.readable_url``: in full, international domains in their
own script), allowed to wrap after ``/ . - ? & = # @`` (``<wbr>``, never in
the href). Every URL on the page is printed that way, never shortened.
Text never leaves its card: long words are hyphenated in the content's
language and anything still too wide breaks anywhere (``infographic.css``).

Everything must fit one page for long names and translated text, so the
page is laid out at the lightest *density* that fits: a first guess from
text lengths, then a check of the real layout (``Document.pages``), stepping to a denser class until it fits.
Every size, spacing, density, cut-off and colour role comes from the design
tokens (``design.py``), which the slide (``pptx.py``) lays out with too: they
are written as CSS custom properties ahead of ``infographic.css``.

Safety and reproducibility:
- Jinja autoescape for all text; link targets are re-checked against an
  allow-list of schemes and colours against ``#RRGGBB`` before they reach CSS.
- ``AssetFetcher`` serves only the context's assets under a fixed virtual
  base URL and refuses everything else (no ``file://``, no network), which
  also keeps image names in the PDF independent of the checkout path.
- One ``FontConfiguration`` per process (a fresh one per document leaks);
  each font file gets a family name derived from its bytes, because a shared
  configuration lets the first file registered under a name win forever.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import math
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from visitkit import colors
from visitkit.render import RenderContext, balanced_lines, design, font_config, qr, scripts

if TYPE_CHECKING:
    from markupsafe import Markup

    from visitkit.content import Content, Cta
    from visitkit.richtext import Block

TEMPLATES = (
    "templates/infographic/infographic.html.j2",
    "templates/infographic/infographic.css",
    "templates/icons/{icon}.svg",  # the org's chosen icon (Content.icon)
    *scripts.FILES,  # fallbacks for Arabic, Hebrew, Japanese and Chinese text, in every locale
)

BASE_URL = "https://visitkit.invalid/assets/"  # .invalid never resolves (RFC 2606)
PDF_VARIANT = "pdf/ua-1"
DENSITIES = len(design.DENSITIES)  # classes d0 (airy) … d5 (tightest), their tokens from design.py
_SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")
_HEX = re.compile(r"#[0-9A-Fa-f]{6}")
_MM_PER_PX = 25.4 / 96
_QR_CONTRAST = 12.0  # least contrast of the body text on white for the QR's modules to take its colour
SPREAD_IN_PLACE = True  # spread short content by moving boxes (False: a second layout; the tests compare both)
_MIN_STEP_GROWTH = 1.09  # content height ratio of neighbouring densities: 1.08–1.14 (measured); a miss just spreads

_jinja: Any = None
_compiled: dict[str, Any] = {}  # template source hash → compiled Jinja template
_stylesheets: dict[tuple[str, int], Any] = {}  # (css source hash, id(font config)) → weasyprint.CSS


def render(context: RenderContext) -> bytes:
    """The infographic as PDF bytes: one page, tagged (PDF/UA-1), byte-reproducible."""
    from weasyprint.urls import FatalURLFetchingError

    try:
        return _render(context)
    except FatalURLFetchingError as exc:
        # WeasyPrint raises it as a BaseException; a refused fetch is one document's failure.
        raise ValueError(f"{context.content.org_id}/{context.content.locale}: {exc}") from None


def _render(context: RenderContext) -> bytes:
    from weasyprint import CSS, HTML

    content = context.content
    fonts = font_config.shared()
    fetcher = _fetcher(_served_assets(context))
    css_source = context.template("infographic/infographic.css")
    variable_css = CSS(string=_variable_css(context), base_url=BASE_URL, url_fetcher=fetcher, font_config=fonts)
    page_template = "infographic/infographic.html.j2"
    template = _template(context.template(page_template), page_template)
    values = _values(context)

    def layout(density: int, spread: float = 0.0, clamp: int = 0) -> Any:
        page = template.render(density=density, spread=f"{spread:.2f}", clamp=clamp, **values)
        html = HTML(string=page, base_url=BASE_URL, url_fetcher=fetcher)
        static_css = _static_css(css_source, fetcher, density)
        document = html.render(font_config=fonts, stylesheets=[static_css, variable_css], pdf_variant=PDF_VARIANT)
        # Content that does not fit spills onto a second page (see the footer twin in the template).
        return document if len(document.pages) == 1 else None

    document, density = _lightest_fit(layout, _first_density(content))
    if document is None:
        document = _clamped_fit(layout, content)
    # Short content leaves a gap above the footer; spread it between the steps instead.
    free = _free_space_mm(document)
    if free > design.SPREAD_FROM and content.infographic.steps:  # below it the page already looks full
        tokens = design.FIXED
        spread = min(tokens["spread_max"], (free - tokens["spread_reserve"]) / (len(content.infographic.steps) + 1))
        spread = round(spread, 2)  # as the template writes it
        if not (SPREAD_IN_PLACE and _spread_in_place(document, spread)):
            # a failed move may have left boxes half moved: lay the page out again, without spread if need be
            document = layout(density, spread) or layout(density)
    # The Document keeps the font_config given to render(); write_pdf() takes no font options.
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def _lightest_fit(layout: Any, guess: int) -> tuple[Any, int]:
    """The airiest density whose layout fits one page, searching from ``guess``.

    A lighter density is only tried when the page has room for it: each step
    adds ~8–14 % of height (measured), so a fuller page cannot take it.
    With the usual exact guess this is one layout.
    """
    document = layout(guess)
    if document is None:
        for density in range(guess + 1, DENSITIES):
            document = layout(density)
            if document is not None:
                return document, density
        return None, DENSITIES - 1
    density = guess
    while density > 0 and _free_space_mm(document) >= _page_height_mm(document) * (1 - 1 / _MIN_STEP_GROWTH):
        lighter = layout(density - 1)
        if lighter is None:
            break
        document, density = lighter, density - 1
    return document, density


def _clamped_fit(layout: Any, content: Content) -> Any:
    """Last resort for very long ``extra_info``: the most lines of it that fit, ending in "…"."""
    extra = design.plain(content.infographic.extra)
    document, lo, hi = None, 1, min(120, len(extra) // 40 + 2)
    while lo <= hi:  # binary search: a handful of layouts, only for pathological profiles
        lines = (lo + hi) // 2
        candidate = layout(DENSITIES - 1, clamp=lines) if extra else None
        if candidate is not None:
            document, lo = candidate, lines + 1
        else:
            hi = lines - 1
    if document is None:
        raise ValueError(f"{content.org_id}/{content.locale}: the infographic does not fit one page")
    logging.getLogger(__name__).warning(
        "%s/%s: extra_info is too long for the one-page infographic; it shows the first %d lines. "
        "Shorten it to see all of it there (the FAQ shows it in full).",
        content.org_id,
        content.locale,
        lo - 1,
    )
    return document


def _boxes(box: Any) -> Any:
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _classed(box: Any, tag: str, name: str) -> bool:
    element = getattr(box, "element", None)
    return element is not None and box.element_tag == tag and name in (element.get("class") or "").split()


def _spread_in_place(document: Any, spread_mm: float) -> bool:
    """Move the laid-out boxes as ``--spread`` would: the body's content down by the spread, each step
    by one more spread than the one before it, and the footer's twin below the taller column.
    Saves laying the page out again (a tenth of a second). WeasyPrint's box tree is not a public API:
    on anything unexpected it returns False and the caller lays the page out with the spread."""
    try:
        from weasyprint.layout.background import layout_box_backgrounds

        page = document.pages[0]._page_box
        everything = list(_boxes(page))
        (main,) = [b for b in everything if _classed(b, "main", "body") and b.is_in_normal_flow()]
        columns = [b for b in main.children if b.is_floated()]
        (journey,) = [b for b in columns if _classed(b, "section", "journey")]
        (steps_list,) = [b for b in journey.children if _classed(b, "ol", "steps")]
        steps = [b for b in steps_list.children if _classed(b, "li", "step")]
        cleared = [b for b in main.children if not b.is_floated()]  # the wide note: laid out again (untested)
        (body,) = [b for b in everything if main in getattr(b, "children", ())]
        (space,) = [b for b in body.children if _classed(b, "div", "footer-space")]
        if not steps or len(columns) != 2 or cleared:
            return False
        shift = spread_mm / _MM_PER_PX
        floor_before = max(c.position_y + c.margin_height() for c in columns)
        main.padding_top += shift
        for column in columns:
            column.translate(0, shift)
        for index, step in enumerate(steps):
            step.translate(0, index * shift)
        grown = len(steps) * shift  # the gaps between the steps and the last step's margin, inside the float
        steps_list.height += grown
        journey.height += grown
        # the footer's hidden twin clears both columns: it follows the bottom of the taller one
        space.translate(0, max(c.position_y + c.margin_height() for c in columns) - floor_before)

        def no_images(**_: Any) -> Any:
            raise ValueError("a background image below the header")

        layout_box_backgrounds(page, main, no_images)
        # The page's links, anchors and bookmarks were gathered from the boxes where they were: again.
        document.pages[0] = type(document.pages[0])(page)
        return True
    except (AttributeError, IndexError, TypeError, ValueError):
        return False


def _page_height_mm(document: Any) -> float:
    return document.pages[0].height * _MM_PER_PX


def _free_space_mm(document: Any) -> float:
    """Empty height between the content and the pinned footer, read from the laid-out page.

    Uses WeasyPrint's box tree (not a public API): any surprise there just means "no spreading".
    """
    try:
        page = document.pages[0]._page_box
        stack = [page]
        while stack:
            box = stack.pop()
            element = getattr(box, "element", None)
            if element is not None and box.element_tag == "div" and "footer-space" in (element.get("class") or ""):
                bottom = box.position_y + box.margin_height()
                return max(0.0, (page.margin_height() - bottom) * _MM_PER_PX)
            stack.extend(getattr(box, "children", ()))
    except (AttributeError, IndexError, TypeError):
        pass
    return 0.0


# ------------------------------------------------------------- fetching


def _asset_url(path: str) -> str:
    return BASE_URL + quote(path, safe="/")


def _served_assets(context: RenderContext) -> dict[str, bytes]:
    """The files the page may load: fonts, the logo and the icon recoloured for the header."""
    content = context.content
    files = {_font_path(context.asset(path)): context.asset(path) for path in (content.font.regular, content.font.bold)}
    files.update((_font_path(context.asset(path)), context.asset(path)) for path in scripts.FILES)
    if content.logo:
        files[content.logo.path] = context.asset(content.logo.path)
    icon = _icon_path(content)
    # The icon is drawn with stroke="#FFFFFF"; header text may be dark, so the icon follows it.
    files[icon] = context.asset(icon).replace(
        b'stroke="#FFFFFF"', f'stroke="{_colour(content.colors.on_primary)}"'.encode()
    )
    return files


def _icon_path(content: Content) -> str:
    return TEMPLATES[2].format(icon=content.icon)


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves exactly the given files under ``BASE_URL``; anything else is a fatal error."""

        def __init__(self, files: Mapping[str, bytes]):
            super().__init__(allowed_protocols=("https",), allow_redirects=False, fail_on_errors=True)
            self._files = files

        def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
            if not url.startswith(BASE_URL) or any(c in url for c in "?#"):
                raise ValueError(f"refusing to fetch {url[:200]!r}: not one of the renderer's assets")
            path = unquote(url[len(BASE_URL) :])
            if path not in self._files:
                raise ValueError(f"refusing to fetch {path[:200]!r}: not one of the renderer's assets")
            body = self._files[path]
            return URLFetcherResponse(url, body, {"Content-Type": _mime_type(body)})

    return AssetFetcher


_fetcher_cls: type | None = None


def _fetcher(files: Mapping[str, bytes]) -> Any:
    """An ``AssetFetcher`` for ``files`` (the class is built on first use: weasyprint imports lazily)."""
    global _fetcher_cls
    if _fetcher_cls is None:
        _fetcher_cls = _fetcher_class()
    return _fetcher_cls(files)


def _mime_type(body: bytes) -> str:
    from visitkit.profile import sniff

    kind = sniff(body[:512])
    return {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml", "font": "font/otf"}.get(
        kind or "", "application/octet-stream"
    )


# ---------------------------------------------------------- cached set-up


def _template(source: str, name: str) -> Any:
    """The compiled template ``templates/<name>``; errors name that file (see ``render.template_problem``)."""
    global _jinja
    key = hashlib.sha256(f"{name}\0{source}".encode()).hexdigest()
    if key not in _compiled:
        if _jinja is None:
            import jinja2

            _jinja = jinja2.Environment(
                autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
            )
        code = _jinja.compile(source, name, f"templates/{name}")
        _compiled[key] = _jinja.template_class.from_code(_jinja, code, _jinja.make_globals(None))
    return _compiled[key]


def _static_css(source: str, fetcher: Any, density: int) -> Any:
    """The design tokens and the template stylesheet at ``density``, parsed once per process and density
    (they hold no URLs, so the fetcher is never used)."""
    from weasyprint import CSS

    fonts = font_config.shared()
    text = stylesheet(source, density)
    key = (hashlib.sha256(text.encode()).hexdigest(), id(fonts))
    if key not in _stylesheets:
        if not _stylesheets:  # free them before the font configuration they use, at exit
            atexit.register(_stylesheets.clear)
        if re.search(r"url\(|@import|@font-face", source):
            raise ValueError("infographic.css must not load anything; assets belong in the generated CSS")
        _stylesheets[key] = CSS(string=text, base_url=BASE_URL, url_fetcher=fetcher, font_config=fonts)
    return _stylesheets[key]


_TOKEN = re.compile(r"var\((--[a-z0-9-]+)\)")


def stylesheet(source: str, density: int | None = None) -> str:
    """The CSS every page is laid out with: the design tokens, then ``infographic.css`` (``source``).

    With ``density``, each ``var(--token)`` of a design token is replaced by its value at that density: the
    same values, but WeasyPrint resolves a var() for every element and property that uses it, about a tenth
    of a layout. The custom properties stay declared (for anything that still refers to them); colour roles
    and ``--spread``, set per document, stay var().
    """
    if density is None:
        return design.css() + source
    values = {f"--{name.replace('_', '-')}": f"{value:g}{design.UNITS[name]}"
              for name, value in {**design.FIXED, **design.DENSITIES[density]}.items()}
    return design.css() + _TOKEN.sub(lambda m: values.get(m.group(1), m.group(0)), source)


# ------------------------------------------------------------------ CSS


def _colour(value: str) -> str:
    """Colours reach CSS unescaped, so check them even though the profile did."""
    if not _HEX.fullmatch(value):
        raise ValueError(f"not a #RRGGBB colour: {value!r}")
    return value


def _family(data: bytes) -> str:
    return "vk-" + font_config.font_fingerprint(data)


def _font_path(data: bytes) -> str:
    """Where a font is served: named by its bytes, not its file. The shared FontConfiguration
    registers each @font-face once per distinct rule, so every org using the same font file
    (the bundled one, or a copy of a brand font) reuses one registration instead of adding
    another to Fontconfig for each document."""
    return f"fonts/{_family(data)}"


def _variable_css(context: RenderContext) -> str:
    """Page size, brand colours and the @font-face rules of this document."""
    content = context.content
    regular, bold = content.font.regular, content.font.bold
    regular_family, bold_family = _family(context.asset(regular)), _family(context.asset(bold))
    regular_url, bold_url = (_asset_url(_font_path(context.asset(path))) for path in (regular, bold))
    roles = "".join(f" --{role.replace('_', '-')}: {_colour(value)};" for role, value in design.colour_roles(
        content.colors).items())
    # Header decoration moves *away* from the header text colour, so it never lowers text contrast.
    colour, alpha = design.shade(content.colors)
    shade = "rgba({},{},{},{:g})".format(*(int(colour[i : i + 2], 16) for i in (1, 3, 5)), alpha)
    size = {"a4": "A4", "letter": "letter"}[content.page_size]
    # Script fonts after the brand font, in every locale (Pango falls back glyph by glyph along the list,
    # and the brand font has no Arabic, Hebrew or CJK letters, so their runs are shaped whole by one font).
    # The shared FontConfiguration registers each rule once per process: they cost nothing after that,
    # and a document embeds only the glyphs it uses.
    faces, regular_scripts, bold_scripts = [], [], []
    for script in scripts.script_order(content.lang):
        files = scripts.FONTS[script][1:]
        for path, weight, names in zip(files, (400, 700), (regular_scripts, bold_scripts), strict=True):
            family, url = _family(context.asset(path)), _asset_url(_font_path(context.asset(path)))
            faces.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight}; src: url("{url}"); }}')
            names.append(f'"{family}"')
    regular_list = ", ".join([f'"{regular_family}"', *regular_scripts])
    bold_list = ", ".join([f'"{bold_family}"', f'"{regular_family}"', *bold_scripts])
    return f"""
@font-face {{ font-family: "{regular_family}"; font-weight: 400; src: url("{regular_url}"); }}
@font-face {{ font-family: "{bold_family}"; font-weight: 700; src: url("{bold_url}"); }}
{chr(10).join(faces)}
@page {{ size: {size} portrait; }}
:root {{{roles} --shade: {shade}; }}
html {{ font-family: {regular_list}, sans-serif; }}
h1, h2, h3, strong, b, .bold {{
  font-family: {bold_list}, sans-serif; font-weight: 700;
}}
.icon {{ background-image: url("{_asset_url(_icon_path(content))}"); }}
"""


# ------------------------------------------------------------ template data


def _values(context: RenderContext) -> dict[str, Any]:
    content = context.content
    info = content.infographic
    primary = [cta for cta in info.ctas if cta.id == "booking"]
    secondary = [cta for cta in info.ctas if cta.id != "booking"]
    title_lines = balanced_lines(info.title)
    return {
        "c": content,
        "info": info,
        "title_lines": title_lines,
        "title_size": design.title_class(title_lines),
        "name_size": design.name_size(content.name),
        "low_contrast_header": design.header_low_contrast(content.colors),  # only large text is safe then
        "logo": _logo(context),
        "primary_cta": primary[0] if primary else None,
        "secondary_ctas": secondary,
        "steps_count": len(info.steps),
        "extra_wide": design.extra_wide(info.extra),  # long notes read better across the page than in the panel
        "homepage": content.links.get("homepage"),
        "rich": _rich,
        "printed_url": _printed_url,
        "safe_url": _safe_url,
        "qr": _qr(context, primary[0]) if primary and _safe_url(primary[0].url) else None,
    }


def _qr(context: RenderContext, booking: Cta) -> dict[str, Any]:
    """The booking link's QR code as inline-SVG data: modules, side per density (mm), colours, accessible name."""
    content = context.content
    modules = qr.size(booking.url)
    # Dark modules on white, whatever the page colours: a code reads only with strong contrast, so the
    # body text colour is used only when it is near-black on white (the default is about 14:1).
    dark = content.colors.text if colors.contrast(content.colors.text, colors.WHITE) >= _QR_CONTRAST else "#000000"
    readable = qr.readable_url(booking.url)
    return {
        "path": qr.svg_path(booking.url),
        "view": modules + 2 * qr.QUIET_ZONE,
        "quiet": qr.QUIET_ZONE,
        "sides": [round(design.qr_side(modules, level), 2) for level in range(DENSITIES)],
        "dark": _colour(dark),
        "light": colors.WHITE,
        "title": f"{content.infographic.scan}: {readable}",
        "url": booking.url,
        "beside": len(readable) <= design.URL_BESIDE_QR,
    }


def _printed_url(url: str, readable: bool = True) -> Markup:
    """A URL (or, with ``readable=False``, an address) as printed: in full, with a line break allowed
    after each of ``design.URL_BREAKS`` (``<wbr>``, so nothing is added to the text or the link)."""
    from markupsafe import Markup, escape

    text = qr.readable_url(url) if readable else url
    return Markup("<wbr>").join(escape(part) for part in design.url_segments(text))


def _first_density(content: Content) -> int:
    """A first guess at the density that fits, from a rough height model of the d2 layout.

    Rounded towards denser: an exact guess costs one layout, a denser one two
    (see ``_lightest_fit``), a lighter one at least two.
    """
    info = content.infographic

    def lines(blocks: Iterable[Block], per_line: float) -> int:
        return sum(-(-len("".join(r.text for r in item)) // int(per_line)) for b in blocks for item in b.items)

    d2 = design.DENSITIES[2]
    gap = d2["step_gap_5"] if len(info.steps) == 5 else d2["step_gap"]  # .steps-5 spaces its steps wider
    journey = sum(7.0 + gap + 4.7 * lines(step.body, 51) for step in info.steps)
    panel = 12.0 + 10.0 * (len(info.ctas) - 1) + 4.4 * sum(lines(b, 38) for b in (info.help, info.contact))
    panel += d2["qr"] + 6.0  # the QR card under the booking button
    wide = design.extra_wide(info.extra)
    extra = lines(info.extra, 85 if wide else 38)
    if not wide:
        panel += 4.4 * extra + 7.6
        extra = 0
    need = 136.0 + max(journey, panel) + 5.0 * extra + (10.0 if extra else 0) + 4.0 * -(-len(content.name) // 70)
    page = design.PAGE_MM[content.page_size][1]
    # Each density step shrinks the page's content by roughly 9 %.
    steps = math.log(need / page) / math.log(1.095)
    return max(0, min(DENSITIES - 1, math.ceil(2 + steps)))


def _logo(context: RenderContext) -> dict[str, Any] | None:
    """Logo URL and size (mm) fitted into the plate, keeping the aspect ratio."""
    logo = context.content.logo
    if logo is None:
        return None
    width, height = design.image_size(context.asset(logo.path), logo.kind)
    scale = min(design.FIXED["logo_w"] / width, design.FIXED["logo_h"] / height)
    return {
        "src": _asset_url(logo.path),
        "alt": logo.alt,
        "width": round(width * scale, 2),
        "height": round(height * scale, 2),
    }


def _safe_url(url: str | None) -> str | None:
    """Validated upstream; checked again because a javascript: link in a PDF would be live.

    An international host name is written in its ASCII (IDNA) form: a PDF link is a URI, and WeasyPrint
    would otherwise percent-encode the host's UTF-8, which only some viewers pass on correctly.
    """
    if url and url.lower().startswith(_SAFE_SCHEMES):
        return _ascii_host(url)
    return None


def _ascii_host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname
    if not host or host.isascii():
        return url
    try:
        ascii_host = host.encode("idna").decode("ascii")
        # The standard library speaks IDNA 2003, which maps some letters (ß, ς) to others: keep those as written.
        if ascii_host.encode("ascii").decode("idna") != host:
            return url
    except UnicodeError:
        return url
    return urlunsplit(parts._replace(netloc=ascii_host + (f":{parts.port}" if parts.port else "")))


def _rich(blocks: Iterable[Block]) -> Markup:
    """Rich-text blocks as escaped HTML (paragraphs, lists, strong/em, safe links)."""
    from markupsafe import Markup

    out: list[str] = []
    for block in blocks:
        items = ["".join(_run(run) for run in item) for item in block.items]
        lang = f' lang="{block.lang}"' if block.lang else ""  # a validated tag: prose in its own language
        if block.kind == "p":
            out.append(f"<p{lang}>{items[0]}</p>")
        else:
            lis = "".join(f"<li>{item}</li>" for item in items)
            out.append(f"<{block.kind}{lang}>{lis}</{block.kind}>")
    return Markup("".join(out))


def _run(run: Any) -> str:
    from markupsafe import escape

    from visitkit.render.html import isolate

    # Addresses in <bdi>: infographic.css sets them left to right on right-to-left pages.
    html = str(isolate(run.text))
    if run.href and run.href.lower().startswith("mailto:") and "@" in run.text and " " not in run.text.strip():
        html = str(_printed_url(run.text, readable=False))  # an address: wraps after "@" or ".", never mid-name
    if run.em:
        html = f"<em>{html}</em>"
    if run.strong:
        html = f"<strong>{html}</strong>"
    href = _safe_url(run.href)
    if href:
        html = f'<a href="{escape(href)}">{html}</a>'
    return html
