"""The PDF renderer fetches nothing outside its allow-list, even from a tampered template or logo.

``visitkit.render.pdf.AssetFetcher`` serves the context's assets under a fixed virtual base URL and
refuses everything else. These tests build a ``RenderContext`` whose template (or logo) reaches for
``file:///etc/passwd``, the network, a ``<base href>`` or a PDF attachment, and check the render
fails loudly, or, where WeasyPrint only logs, that nothing was embedded.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from tests.conftest import make_content, make_context
from tests.security_support import no_escape, pdf_link_uris
from visitkit.render import RenderContext, pdf

MODULE = "visitkit.render.pdf"
TEMPLATE = "templates/infographic/infographic.html.j2"
ANCHOR = '<main class="body">'
SECRET = Path("/etc/passwd")


def _secret_bytes() -> bytes:
    """A line of /etc/passwd: none of it may ever appear in a PDF."""
    try:
        return SECRET.read_bytes().splitlines()[0][:12]
    except (OSError, IndexError):
        return b"root:x:0:0"


def _with_template(context: RenderContext, injected: str) -> RenderContext:
    source = context.assets[TEMPLATE].decode("utf-8")
    assert ANCHOR in source, "the template changed: update ANCHOR"
    assets = dict(context.assets)
    assets[TEMPLATE] = source.replace(ANCHOR, injected + ANCHOR, 1).encode("utf-8")
    return RenderContext(content=context.content, assets=assets, options=context.options)


def _attachments(data: bytes) -> int:
    document = pdfium.PdfDocument(data)
    return pdfium_c.FPDFDoc_GetAttachmentCount(document.raw)


def _fetch_failure() -> tuple[type[BaseException], ...]:
    from weasyprint.urls import FatalURLFetchingError

    return (FatalURLFetchingError, ValueError)


@pytest.fixture(scope="module")
def sample_context() -> RenderContext:
    return make_context(MODULE, make_content("sample"))


INJECTIONS = {
    "img-file": '<img src="file:///etc/passwd" alt="">',
    "img-network": '<img src="https://example.com/x.png" alt="">',
    "attachment-file": '<link rel="attachment" href="file:///etc/passwd">',
    "attachment-network": '<a rel="attachment" href="https://example.com/report.pdf">report</a>',
    "stylesheet-network": '<link rel="stylesheet" href="https://example.com/x.css">',
    "base-href": '<base href="file:///etc/"><img src="passwd" alt="">',
    "style-attribute-url": '<div style="background: url(file:///etc/passwd)">x</div>',
    "css-import": '<style>@import url("https://example.com/x.css");</style>',
    "font-face": "<style>@font-face { font-family: X; src: url(file:///etc/passwd) } p { font-family: X }</style>",
    "relative-escape": '<img src="../../../../etc/passwd" alt="">',
    "object": '<object data="file:///etc/passwd" type="image/png"></object>',
    "embed": '<embed src="file:///etc/passwd">',
    "data-url": '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E" alt="">',
    "unlisted-asset": '<img src="https://visitkit.invalid/assets/templates/icons/retail.svg" alt="">',
    "asset-with-query": '<img src="https://visitkit.invalid/assets/templates/icons/healthcare.svg?x=1" alt="">',
}


@pytest.mark.parametrize("injected", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_a_template_reaching_outside_the_allow_list_fails_the_render(sample_context: RenderContext, injected: str):
    with no_escape(Path.cwd()), pytest.raises(_fetch_failure()) as caught:
        pdf.render(_with_template(sample_context, injected))
    # The refusal names what was asked for, so the failure is loud and specific.
    assert "fetch" in str(caught.value).lower()


def test_an_allowed_asset_still_loads(sample_context: RenderContext):
    """The allow-list is not "refuse everything": the vertical's own icon may be referenced again."""
    icon = '<img src="https://visitkit.invalid/assets/templates/icons/healthcare.svg" alt="icon">'
    with no_escape(Path.cwd()):
        data = pdf.render(_with_template(sample_context, icon))
    assert data.startswith(b"%PDF-") and _attachments(data) == 0


def test_a_normal_render_has_no_attachments_and_no_secret(sample_context: RenderContext):
    with no_escape(Path.cwd()):
        data = pdf.render(sample_context)
    assert _attachments(data) == 0
    assert _secret_bytes() not in data


def test_https_links_in_prose_are_links_not_fetches(tmp_path: Path):
    """A URL in the org's text becomes a link annotation; nothing is downloaded for it."""
    from tests.security_support import Project

    project = Project(tmp_path / "project")
    project.write(
        "linky",
        {
            "name": "Acme Clinic",
            "vertical": "healthcare",
            "brand": {"primary": "#0B6E4F"},
            "links": {"booking": "https://acme.example/book"},
            "extra_info": "See [our visitor guide](https://guide.acme.example/visit) before you join.",
        },
    )
    content = project.contents("linky")[0]
    data = project.render(MODULE, content)  # watched: no network, no project file opened
    assert "https://guide.acme.example/visit" in pdf_link_uris(data)
    assert _attachments(data) == 0


SVG_LOGOS = {
    "image-file": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<image href="file:///etc/passwd" width="10" height="10"/></svg>',
    "image-network": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<image href="https://example.com/x.png" width="10" height="10"/></svg>',
    "xxe": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text y="5">&x;</text></svg>',
    "css-import": b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    b'<style>@import url(https://example.com/x.css);</style><rect width="10" height="10"/></svg>',
}


@pytest.mark.parametrize("svg", SVG_LOGOS.values(), ids=SVG_LOGOS.keys())
def test_an_svg_logo_that_bypassed_validation_embeds_nothing_foreign(svg: bytes, caplog):
    """Validation refuses these logos (tests/profiles/invalid/svg-*); if one slipped through, WeasyPrint's
    SVG loader would still go through the fetcher, which refuses: the logo is dropped, nothing leaks."""
    content = make_content("sunvale-health")  # an SVG logo
    context = make_context(MODULE, content)
    assets = dict(context.assets)
    assets[content.logo.path] = svg
    try:
        with no_escape(Path.cwd()):
            data = pdf.render(RenderContext(content=content, assets=assets))
    except _fetch_failure():
        return  # failing loudly is fine too
    finally:
        # WeasyPrint reports a broken SVG image as a logged error, not an exception.
        errors = [r for r in caplog.get_records("call") if r.name == "weasyprint" and r.levelno >= logging.WARNING]
        for record in errors:
            caplog.get_records("call").remove(record)
    assert _secret_bytes() not in data and _attachments(data) == 0
    assert errors, "the refused SVG should at least be reported"


def test_a_refused_fetch_is_an_ordinary_exception(sample_context: RenderContext):
    try:
        pdf.render(_with_template(sample_context, '<img src="file:///etc/passwd" alt="">'))
    except Exception:  # noqa: BLE001 - the point is the base class
        return
    except BaseException as exc:
        pytest.fail(f"{type(exc).__name__} derives from BaseException: doit would not contain it")
    pytest.fail("the render did not fail")


def test_fetcher_error_message_does_not_echo_huge_urls():
    fetcher = pdf._fetcher({})
    with pytest.raises(ValueError) as caught:
        fetcher.fetch("https://example.com/" + "a" * 10_000)
    assert len(str(caught.value)) < 400
