"""README.txt in each locale folder: which file goes where, and how to send the email.

Written for the organisation's web and email teams in the locale's language
(copy in ``sources/<locale>/readme.yaml``): every file of the folder, the email's
subject and preview text, where its images are expected, the footer tokens of
the chosen platform, import steps for each platform, and the build's warnings.
"""

from __future__ import annotations

from visitkit.render import RenderContext, mail, text

OUTPUT = "README.txt"
TEMPLATES = ("templates/readme/README.txt.j2",)
ASSETS: tuple[str, ...] = ()
# File name → readme.yaml key, in the order the README lists them. Optional files are listed when they exist.
WEB_FILES = (
    ("faq.html", "faq"),
    ("faq.fragment.html", "fragment"),
    ("faq.jsonld", "jsonld"),
    ("resources.html", "resources"),
    ("resources.fragment.html", "resources_fragment"),
    ("infographic.pdf", "pdf"),
    ("infographic.pptx", "pptx"),
    ("infographic.png", "thumbnail"),
    ("infographic-large.png", "thumbnail_large"),
)
EMAIL_FILES = (("email.html", "email"), ("email.txt", "email_text"), ("logo.png", "logo"))


def files(context: RenderContext) -> list[str]:
    """The names of the files this README describes (the locale folder's outputs, README.txt aside)."""
    return [name for name, _ in _listed(context, WEB_FILES + EMAIL_FILES)]


def _listed(context: RenderContext, entries: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    content = context.content
    present = {"jsonld": content.structured_data, "logo": content.logo is not None}
    return [(name, key) for name, key in entries if present.get(key, True)]


def render(context: RenderContext) -> bytes:
    """README.txt as UTF-8 text with LF line endings."""
    content = context.content
    body = text.environment(context.assets).get_template("readme/README.txt.j2").render(
        c=content,
        r=content.readme,
        web_files=_listed(context, WEB_FILES),
        email_files=_listed(context, EMAIL_FILES),
        fragment_base=mail.asset_url(content, ""),
        tokens=mail.PLATFORMS[content.email_platform],
        platforms=list(mail.PLATFORMS),
    )
    lines = [line.rstrip() for line in body.strip().split("\n")]
    return ("\n".join(lines) + "\n").encode("utf-8")
