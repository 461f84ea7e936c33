"""README.txt in each locale folder: which file goes where, and how to send the email.

Written for the organisation's web and email teams in the locale's language
(copy in ``sources/<locale>/readme.yaml``): every file of the folder, the email's
subject and preview text, where its images are expected, the footer tokens of
the chosen platform (the profile's postal address instead of the address token
when it gives one), import steps for each platform, and the build's warnings.
"""

from __future__ import annotations

from visitkit import outputs
from visitkit.render import RenderContext, mail, text

TEMPLATES = ("templates/readme/README.txt.j2",)
ASSETS: tuple[str, ...] = ()


def _listed(context: RenderContext, section: str) -> list[tuple[str, str]]:
    """(file name, readme.yaml key) of the folder's files in ``section``, in the registry's order.

    The planner tells the renderer which files the folder holds (``options["files"]``), so the README
    lists exactly what was built: opt-in outputs only when turned on.
    """
    present = set(context.options["files"])
    return [
        (file.name, file.copy)
        for output in outputs.OUTPUTS
        if output.section == section
        for file in output.files
        if file.name in present
    ]


def render(context: RenderContext) -> bytes:
    """README.txt as UTF-8 text with LF line endings."""
    content = context.content
    body = text.environment(context.assets).get_template("readme/README.txt.j2").render(
        c=content,
        r=content.readme,
        web_files=_listed(context, "web"),
        email_files=_listed(context, "email"),
        fragment_base=mail.asset_url(content, ""),
        tokens=mail.PLATFORMS[content.email_platform],
        postal_address=mail.postal_address(content),
        platforms=list(mail.PLATFORMS),
    )
    lines = [line.rstrip() for line in body.strip().split("\n")]
    return ("\n".join(lines) + "\n").encode("utf-8")
