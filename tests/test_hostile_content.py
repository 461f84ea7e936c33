"""A hostile but valid profile renders safely in every output of ``visitkit.tasks.OUTPUTS``.

The profile puts markup, template syntax, email merge tags, bidi overrides, zero-width joiners,
emoji, CJK, a 300-character name, raw HTML and would-be ``javascript:`` links in every free-text
field. Every output is parsed back (HTML with lxml, PDF with pdfium, PPTX with python-pptx and
lxml) and must show those strings as text only: no element, attribute, live link or action made
from them, no template expression evaluated, no file or network access while rendering.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from tests.conftest import ROOT
from tests.security_support import (
    EVIL_URL,
    HOSTILE,
    MARKERS,
    Project,
    inspect_output,
    pdf_pages,
    tolerate_missing_glyphs,  # noqa: F401 - a fixture, used by name
)
from visitkit import outputs
from visitkit.content import Content

_JOINED = " ".join(HOSTILE)
NAME = ("Clínica " + _JOINED + " " + "Ñandú " * 60)[:300]
# Raw HTML, a link markdown-it rejects (escaped here: an unescaped one is a validation error, see
# tests/profiles/invalid/markdown-javascript.yaml), a code span and an autolink-looking text all
# stay literal; one real link proves links still work.
PROSE = (
    f'<b>raw</b> <a href="{EVIL_URL}">html</a> <img src=x onerror=alert(2)> {_JOINED} '
    r"\[click\](javascript:alert(3)) `[x](javascript:alert(4))` <javascript:alert(5)> "
    "[our page](https://acme.example/ok)"
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "project")
    data = {
        "name": NAME,
        "short_name": "<script>x</script> & \u202e😀",
        "vertical": "healthcare",
        "locales": ["en", "es"],
        "brand": {
            "primary": "#0B6E4F",
            "logo": "hostile/logo.png",
            "logo_alt": {"en": '"><img src=x onerror=alert(1)> {{7*7}}', "es": "</style><script>alert(1)</script>"},
        },
        "links": {
            "booking": "https://acme.example/book?a=1&b=2",
            "billing": "https://acme.example/bill",
            "homepage": "https://acme.example/",
            "cancellation_policy": "https://acme.example/cancel",
        },
        "contact": {
            "phone": "+1 555 010 2000",
            "email": "help@acme.example",
            "social": {"<script>alert(1)</script>": "https://social.example/acme"},
        },
        "policies": {
            "service_differences": PROSE,
            "fee_differences": PROSE,
            "payment_methods": list(HOSTILE[:6]),
            "staff_availability": PROSE,
            "cancellation_differences": PROSE,
            "equipment": PROSE,
        },
        "features": {"sms_reminders": True, "pre_visit_forms": True},
        "extra_info": {"en": PROSE, "es": PROSE},
        "faq": {"structured_data": True},
    }
    project.write("hostile", data, {"logo.png": (ROOT / "org_profiles/sample/logo.png").read_bytes()})
    return project


def test_the_hostile_profile_is_valid_and_keeps_its_text(project: Project):
    contents = project.contents("hostile")
    assert [c.locale for c in contents] == ["en", "es"]
    assert contents[0].name == NAME and len(NAME) == 300
    extra = "".join(run.text for block in contents[0].infographic.extra for item in block.items for run in item)
    assert "<b>raw</b>" in extra and "[click](javascript:alert(3))" in extra and "{{7*7}}" in extra
    hrefs = [run.href for block in contents[0].infographic.extra for item in block.items for run in item if run.href]
    assert hrefs == ["https://acme.example/ok"]


def test_every_output_is_covered(project: Project):
    """The opt-in outputs are on for this profile, so every registered output is exercised."""

    assert [group for group, _ in project.outputs("hostile")] == [o.group for o in outputs.OUTPUTS if o.source is None]


@pytest.mark.parametrize("locale_index", [0, 1], ids=["en", "es"])
@pytest.mark.usefixtures("tolerate_missing_glyphs")
def test_every_output_shows_hostile_text_only_as_text(project: Project, locale_index: int):
    content = project.contents("hostile")[locale_index]
    shown_anywhere: set[str] = set()
    for group, module_name in project.outputs("hostile"):
        output = outputs.file_name(module_name)
        data = project.render(module_name, content)
        text = inspect_output(output, data)
        flat = " ".join(text.split())
        if "email" in module_name:
            # Campaign tools run their own template language over the message: profile text must
            # arrive with its merge-tag openers broken (mail.defuse), never as a live {{…}} or *|…|*.
            assert "{{7*7}}" not in flat and "*|UNSUB|*" not in flat, f"{group}: a live merge tag in {output}"
        flat = flat.replace("\u2060", "")  # mail.defuse's WORD JOINERs: the reader sees the text as typed
        found = {marker for marker in MARKERS if marker in flat}
        shown_anywhere |= found
        if output.endswith(".pdf"):
            assert pdf_pages(data) == 1
        if output.endswith(".png") or "alert(" not in data.decode("utf-8", "replace") and not found:
            continue  # pixels only, or an output that shows no profile text (e.g. the resources fragment)
        # The output shows profile text (so escaping, not dropping, made it safe)…
        assert found, f"{group}: the hostile strings reached {output} mangled"
        # …and template syntax in it was never evaluated.
        if "${x}" in flat:
            assert "{{7*7}}" in flat, f"{group}: '{{{{7*7}}}}' was evaluated in {output}"
        assert not re.search(r"onerror=alert\(1\)> 49\b", flat), f"{group}: Jinja evaluated profile text"
    assert shown_anywhere == set(MARKERS)


@pytest.mark.usefixtures("tolerate_missing_glyphs")
def test_html_outputs_keep_the_markup_as_visible_text(project: Project):
    """Where the FAQ shows the org's prose, the raw HTML and the refused link read as typed."""
    from lxml import html as lxml_html

    content = project.contents("hostile")[0]
    page = lxml_html.document_fromstring(project.render("visitkit.render.faq_page", content).decode())
    body = " ".join(page.text_content().split())
    for literal in (
        "<b>raw</b>",
        f'<a href="{EVIL_URL}">html</a>',
        "<img src=x onerror=alert(2)>",
        "[click](javascript:alert(3))",
        "[x](javascript:alert(4))",
        "<javascript:alert(5)>",
    ):
        assert literal in body
    assert [a.text_content() for a in page.xpath("//a[@href='https://acme.example/ok']")]
    assert page.xpath("//img[@alt]")[0].get("alt") == '"><img src=x onerror=alert(1)> {{7*7}}'
    title = " ".join(page.findtext(".//title").split())
    assert "<script>alert(1)</script>" in title


@pytest.mark.usefixtures("tolerate_missing_glyphs")
def test_pdf_keeps_hostile_text_as_text_and_links_only_the_real_link(project: Project):
    from tests.security_support import pdf_link_uris

    content = project.contents("hostile")[0]
    data = project.render("visitkit.render.pdf", content)
    assert pdf_pages(data) == 1
    text = " ".join(inspect_output("infographic.pdf", data).split())
    assert "<b>raw</b>" in text or "<script>alert(1)</script>" in text
    uris = pdf_link_uris(data)
    assert uris and all(uri.startswith(("https://", "mailto:", "tel:")) for uri in uris)
    assert not any("evil.example" in uri or "javascript" in uri.lower() for uri in uris)


@pytest.mark.usefixtures("tolerate_missing_glyphs")
def test_pptx_alt_text_and_runs_hold_the_strings_verbatim(project: Project):
    import io
    import zipfile

    content = project.contents("hostile")[1]
    data = project.render("visitkit.render.pptx", content)
    text = inspect_output("infographic.pptx", data)
    assert "</style><script>alert(1)</script>" in text  # the Spanish logo alt text, as typed
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        slide = package.read("ppt/slides/slide1.xml").decode()
    # Escaped in the XML, never raw.
    assert "<script>" not in slide and "&lt;script&gt;alert(1)&lt;/script&gt;" in slide


def _tampered(content: Content, url: str) -> dict:
    """``content`` as data, every link target (runs, calls to action, links, social accounts) replaced by ``url``."""

    def walk(node):
        if isinstance(node, dict):
            return {k: (url if k in ("href", "url") and v else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(item) for item in node]
        return node

    data = walk(content.model_dump())
    data["links"] = {key: url for key in data["links"]}
    return data


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x", "vbscript:x"])
def test_a_tampered_content_model_is_refused_before_any_renderer(project: Project, url: str):
    """Defence in depth: content.json is internal, but a tampered one must not reach a renderer.

    Every link target in the content model is checked when the model is built or loaded
    (visitkit.richtext.SafeUrl), so no renderer ever receives an unsafe link.
    """
    data = _tampered(project.contents("hostile")[0], url)
    with pytest.raises(ValidationError) as caught:
        Content.model_validate(data)
    assert "unsafe link target" in str(caught.value)
    with pytest.raises(ValidationError):
        Content.model_validate_json(json.dumps(data))  # the way render tasks load content.json


def test_svg_logo_with_hostile_title_renders_safely(tmp_path: Path):
    """An SVG logo is embedded (HTML, PDF) or rasterised (PPTX, email): its text stays inert."""
    project = Project(tmp_path / "project")
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40">'
        b"<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"
        b'<rect width="120" height="40" fill="#0B6E4F"/></svg>'
    )
    project.write(
        "svglogo",
        {
            "name": "Acme",
            "vertical": "retail",
            "brand": {"primary": "#0B6E4F", "logo": "svglogo/logo.svg"},
            "links": {"booking": "https://acme.example/book"},
        },
        {"logo.svg": svg},
    )
    content = project.contents("svglogo")[0]
    for _group, module_name in project.outputs("svglogo"):
        inspect_output(outputs.file_name(module_name), project.render(module_name, content))


def test_the_watch_catches_a_renderer_that_reads_a_file(tmp_path: Path):
    """The file/network watch used above can fail."""
    from tests.security_support import no_escape

    project = Project(tmp_path / "project")
    secret = project.profiles / "secret.txt"
    secret.write_text("x")
    with pytest.raises(AssertionError, match="reached outside"), no_escape(project.root):
        secret.read_text()
    with pytest.raises(AssertionError, match="socket"), no_escape(project.root):
        import socket

        with contextlib.suppress(OSError):
            socket.getaddrinfo("visitkit.invalid", 443)
    shutil.rmtree(project.root)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("faq.html", b"<p>hi</p><script>alert(1)</script>", "<script>"),
        ("faq.html", b'<p><img src="x" onerror="alert(1)"></p>', "event handler"),
        ("faq.html", b'<p><a href="javascript:alert(1)">x</a></p>', "unsafe link"),
        ("faq.html", b'<p><a href="https://evil.example/">x</a></p>', "raw HTML"),
        ("faq.html", b"<style>body{background:url(https://t.example/x)}</style>", "CSS loads"),
        ("faq.html", b"<p><b>raw</b></p>", "became an element"),
        ("email.txt", b"Hello &lt;script&gt;", "HTML escapes"),
        ("faq.jsonld", b'{"name": "</script>"}', "raw <"),
        ("new.format", b"", "no security inspector"),
    ],
)
def test_the_inspectors_can_fail(name: str, data: bytes, problem: str):
    with pytest.raises(AssertionError, match=re.escape(problem)):
        inspect_output(name, data)
