"""The output registry: every file of an organisation's toolkit, declared once.

Planning (visitkit/tasks.py) makes one doit task group per entry, the per-locale
README.txt lists the files of each section, the site index labels each link,
manifests and zips carry exactly the planned files, and ``doit list`` shows each
entry's ``doc``. Adding an output is one entry here, plus its renderer module
(``TEMPLATES``, ``ASSETS``, ``render``), its templates, its copy
(``files.<key>`` in every ``sources/<locale>/readme.yaml``) and its test.

Kept free of heavy imports: the no-op fast path and planning read it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class OutputFile:
    """One file an output writes in ``build/<org>/<locale>/``."""

    name: str
    copy: str
    """Key of its description in readme.yaml (``files.<copy>``)."""
    options: dict[str, Any] = field(default_factory=dict)
    """Passed to the renderer for this file (e.g. a preview's width)."""


@dataclass(frozen=True)
class Output:
    """One output of each organisation and locale: a doit task group and the file(s) it writes."""

    group: str
    """doit task group (``doit list``), and the manifest's ``format``."""
    renderer: str
    """Module with ``TEMPLATES``, ``ASSETS`` and ``render``: ``render(context) -> bytes`` when made from the
    content model; ``render(source_bytes, **options) -> bytes`` when made from another output."""
    files: tuple[OutputFile, ...]
    label: str
    """The link's text in the site index."""
    doc: str
    """What it is, for ``doit list``."""
    section: Literal["web", "email"] | None
    """Where README.txt lists it (None: not listed)."""
    when: str | None = None
    """The profile flag that turns it on (an opt-in output), e.g. ``faq.structured_data``; ``brand.logo`` is
    set when the profile names a logo file."""
    source: str | None = None
    """The group of the output it is made from (its bytes, not the content model), e.g. previews of the PDF."""
    lists_outputs: bool = False
    """The renderer is told the names of the other files of its folder (``options["files"]``)."""


OUTPUTS: tuple[Output, ...] = (
    Output("faq", "visitkit.render.faq_page", (OutputFile("faq.html", "faq"),), "FAQ page",
           "standalone FAQ page, faq.html", "web"),
    Output("fragment", "visitkit.render.faq_fragment", (OutputFile("faq.fragment.html", "fragment"),),
           "FAQ fragment", "drop-in FAQ fragment for an existing site, faq.fragment.html", "web"),
    Output("jsonld", "visitkit.render.faq_jsonld", (OutputFile("faq.jsonld", "jsonld"),), "FAQ JSON-LD",
           "schema.org FAQPage metadata, faq.jsonld (opt-in: faq.structured_data)", "web",
           when="faq.structured_data"),
    Output("resources", "visitkit.render.resources_page", (OutputFile("resources.html", "resources"),),
           "Resources page", "resources page for the team and the clients, resources.html", "web"),
    Output("resources_fragment", "visitkit.render.resources_fragment",
           (OutputFile("resources.fragment.html", "resources_fragment"),), "Resources fragment",
           "drop-in resources section for an existing site, resources.fragment.html", "web"),
    Output("pdf", "visitkit.render.pdf", (OutputFile("infographic.pdf", "pdf"),), "PDF",
           "one-page branded PDF infographic, infographic.pdf", "web"),
    Output("pptx", "visitkit.render.pptx", (OutputFile("infographic.pptx", "pptx"),), "PowerPoint",
           "editable PowerPoint infographic, infographic.pptx", "web"),
    Output("thumbnail", "visitkit.render.thumbnail",
           (OutputFile("infographic.png", "thumbnail", {"width": 360}),
            OutputFile("infographic-large.png", "thumbnail_large", {"width": 1200})),
           "Image", "PNG previews of the PDF: infographic.png and infographic-large.png", "web", source="pdf"),
    Output("email", "visitkit.render.email_html", (OutputFile("email.html", "email"),), "Email (HTML)",
           "campaign email with inline styles, email.html", "email"),
    Output("email_text", "visitkit.render.email_text", (OutputFile("email.txt", "email_text"),), "Email (text)",
           "plain-text part of the campaign email, email.txt", "email"),
    Output("logo", "visitkit.render.email_logo", (OutputFile("logo.png", "logo"),), "Logo (PNG)",
           "the logo as a PNG for the email, logo.png (when the profile has a logo)", "email", when="brand.logo"),
    Output("readme", "visitkit.render.readme", (OutputFile("README.txt", "readme"),), "README",
           "README.txt for the organisation's web and email teams", None, lists_outputs=True),
)
"""In the order README.txt lists them."""

BY_GROUP = {output.group: output for output in OUTPUTS}
BY_RENDERER = {output.renderer: output for output in OUTPUTS}


def wanted(flags: Iterable[str]) -> list[Output]:
    """The outputs an organisation gets, given the profile flags set to true (``faq.structured_data``…)."""
    flags = set(flags)
    return [output for output in OUTPUTS if output.when is None or output.when in flags]


def siblings(output: Output, flags: Iterable[str]) -> list[str]:
    """The names of the other files in ``output``'s folder, for an organisation with ``flags``."""
    return sorted(f.name for other in wanted(flags) if other is not output for f in other.files)


def file_name(renderer: str) -> str:
    """The (first) file a renderer module writes."""
    return BY_RENDERER[renderer].files[0].name


def name_of(group: str) -> str:
    """The (first) file of the output ``group``: what renderers link to (``name_of("pdf")``)."""
    return BY_GROUP[group].files[0].name


def downstream(groups: Iterable[str]) -> frozenset[str]:
    """``groups`` and every group whose tasks read what theirs write: validate → content → each output
    made from content → each output made from those → manifest → zip."""
    found = set(groups)
    if "validate" in found:
        found.add("content")
    grew = True
    while grew:
        before = len(found)
        found |= {o.group for o in OUTPUTS if (o.source or "content") in found}
        grew = len(found) != before
    if found & {"content", *BY_GROUP}:
        found.add("manifest")
    if "manifest" in found:
        found.add("zip")
    return frozenset(found)
