"""email.html: the campaign message that announces virtual appointments, ready to import.

Written as a template with a stylesheet, then every rule is inlined into
``style=""`` attributes by css-inline. The layout is "hybrid": tables that are
``width:100%`` up to ``max-width:600px``, fluid images, columns that stack as
inline-blocks, so it fits a phone even in mail apps that strip ``<style>``;
Outlook on Windows gets fixed-width ghost tables in conditional comments. The
``@media`` block that stays in a ``<style>`` only tightens the padding on phones.
Images come only from the profile's ``assets_base_url``: the logo as
``logo.png`` and the infographic thumbnail, both files of the bundle. Without
it the message has no image at all and names the organisation in text.
A link whose text is its own URL is printed as people read it
(``qr.readable_url``); every link target stays exact.
"""

from __future__ import annotations

import functools

from visitkit import colors, outputs
from visitkit.render import RenderContext, email_logo, html, mail, scripts

TEMPLATES = ("templates/email/email.html.j2", "templates/email/email.css.j2")
ASSETS = ("logo",)  # read for its size only; the message uses the system fonts of the reader's device
MAX_BYTES = 100 * 1024  # Gmail clips messages over ~102 KB
# Outlook shows a long preheader's last characters followed by the body text; this filler keeps the body out.
PREHEADER_FILL = "\u034f\u200c\u00a0" * 60
CONTAINER_WIDTH = 600  # the message's width on a desktop (and in Outlook's ghost table)
SECTION_PADDING = 40  # each side of a body section, on a desktop
THUMB_PADDING = 24  # beside the thumbnail in the downloads panel
EMAIL_FONTS = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'


def render(context: RenderContext) -> bytes:
    """The message as UTF-8 HTML with inline styles."""
    from markupsafe import Markup, escape

    content = context.content
    p = html.palette(content.colors)
    canvas = colors.mix(p["text"], p["background"], 0.94)
    tokens = mail.PLATFORMS[content.email_platform]
    label = escape(mail.defuse(content.campaign.labels["unsubscribe"]))
    if tokens.unsubscribe_element:
        tag = tokens.unsubscribe_element
        unsubscribe = Markup(f"<{tag}>{label}</{tag}>")
    else:
        unsubscribe = Markup(f'<a href="{tokens.unsubscribe_href}" target="_blank">{label}</a>')
    logo = None
    logo_url = mail.asset_url(content, "logo.png")
    if content.logo and logo_url:
        width, height = email_logo.logo_size(context.asset(content.logo.path), content.logo.kind)
        logo = {"src": logo_url, "width": width, "height": height, "alt": content.logo.alt}
    downloads = None
    if content.assets_base_url:
        downloads = {
            "pdf": mail.asset_url(content, outputs.name_of("pdf")),
            "image": mail.asset_url(content, outputs.BY_GROUP["thumbnail"].files[1].name),
            "thumbnail": mail.asset_url(content, outputs.name_of("thumbnail")),
        }
    thumb_width, thumb_height = mail.thumbnail_size(content.page_size)
    env = mail.environment(context.assets)
    env.filters["shown"] = shown_text
    # Addresses in <bdi dir="ltr"> (right-to-left messages); the text is defused first, as finalize would.
    env.filters["isolate"] = lambda text: html.isolate(mail.defuse(text))
    page = env.get_template("email/email.html.j2").render(
        c=content,
        m=content.campaign,
        labels=content.labels,
        p=p,
        e={
            "canvas": canvas,
            # Footer text sits on the canvas, not on the message background.
            "footer_text": colors.adjust_for(p["muted"], canvas, colors.BODY_TEXT),
            "start": "right" if content.dir == "rtl" else "left",
        },
        # The downloads panel's two columns: their widths side by side (the inline-blocks' max-widths and
        # Outlook's ghost cells).
        panel={"width": CONTAINER_WIDTH - 2 * SECTION_PADDING, "thumb": THUMB_PADDING + thumb_width},
        font_stack=_font_stack(content.font.family, content.lang),
        logo=logo,
        downloads=downloads,
        faq_url=mail.asset_url(content, outputs.name_of("faq")),
        thumb={"width": thumb_width, "height": thumb_height},
        button_width=_button_width(content.campaign.button.label),
        preheader_fill=PREHEADER_FILL,
        address_html=mail.address_html(content),
        unsubscribe_html=unsubscribe,
    )
    inlined = _inliner().inline(page.strip())
    # The kept <style> needs no marker in the message; one trailing newline.
    inlined = inlined.replace(' data-css-inline="keep"', "")
    return (inlined.strip() + "\n").encode("utf-8")


def shown_text(text: str, href: str | None) -> str:
    """The text of a link run as printed: a web link whose text is its own target is shown as people read it
    (``readable_url``: no scheme, no ``www.``, international domains in their script); the target stays exact."""
    if href and text.strip() == href and href.lower().startswith(("https://", "http://")):
        from visitkit.render.qr import readable_url

        return readable_url(href)
    return text


@functools.cache
def _inliner():
    import css_inline

    # No remote stylesheets (a renderer never touches the network); <style> blocks are removed once inlined,
    # except the one marked data-css-inline="keep" (the @media rules).
    return css_inline.CSSInliner(keep_style_tags=False, keep_link_tags=False, load_remote_stylesheets=False)


def _font_stack(family: str, lang: str = "en"):
    from markupsafe import Markup

    stack = scripts.system_stack(EMAIL_FONTS, lang, others=False)  # the locale's script fonts first
    if html._FAMILY.fullmatch(family):
        stack = f'"{family}", {stack}'
    return Markup(stack)


def _button_width(label: str) -> int:
    """Width of the Outlook (VML) button, which cannot size itself to its text: ~10 px per bold character."""
    return max(220, min(520, round(len(label) * 10.5) + 64))
