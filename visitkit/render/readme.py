"""README.txt in each locale folder: which file goes where, and how to send the email.

Written for the organisation's web and email teams in the locale's language
(copy in ``sources/<locale>/readme.yaml``): who produced the copy and whether it was
reviewed (``notice`` of the locale's ``status.yaml``), every file of the folder, the email's
subject and preview text, where its images are expected, the footer tokens of
the chosen platform (the profile's postal address instead of the address token
when it gives one), import steps for each platform, and the build's warnings, in the
locale's words too (``notice_line``; the terminal and build/report.json keep English).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from visitkit import localize, outputs
from visitkit.render import RenderContext, mail, text

if TYPE_CHECKING:
    from visitkit.content import Content, Notice

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


_PARAMETER = re.compile(r"\{([a-z_]+)\}")
_NUMBERS = ("ratio", "minimum")  # written as the locale writes numbers (CLDR: "2,5" in fr, es, de)


def notice_line(content: Content, notice: Notice) -> str:
    """``notice`` in the locale's words: readme.yaml's ``notices.<kind>``, filled with its parameters.

    Parameters are data (profile fields, colours, numbers) and are never translated, except the contrast
    notice's ``use`` (a key of ``notices.uses``). A kind without a sentence, or a notice without the
    parameters its sentence names, keeps the English text (tests check that every kind in
    ``content.NOTICE_KINDS`` has a sentence in every locale, naming only the kind's parameters).
    """
    r = content.readme
    sentence = r.get(f"notices.{notice.kind}")
    if sentence is None or not set(_PARAMETER.findall(sentence)) <= set(notice.params):
        return notice.text  # never a sentence with a gap
    params = dict(notice.params)
    if "use" in params:
        params["use"] = r.get(f"notices.uses.{params['use']}", params["use"])
    for name in _NUMBERS:
        if re.fullmatch(r"[0-9]+\.[0-9]", params.get(name, "")):  # as content._warn writes them
            params[name] = localize.decimal(params[name], content.locale)
    return _PARAMETER.sub(lambda m: params.get(m.group(1), m.group(0)), sentence)


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
        warnings=[notice_line(content, notice) for notice in content.warnings],
    )
    lines = [line.rstrip() for line in body.strip().split("\n")]
    return ("\n".join(lines) + "\n").encode("utf-8")
