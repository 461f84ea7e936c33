"""README.txt: every file of the folder, import steps per platform, warnings; in the locale's language."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT, make_content, make_context
from tests.faq_support import HOSTILE, render
from tests.test_render_email_html import BASE, HOSTED
from visitkit import outputs
from visitkit.content import NOTICE_KINDS, Notice
from visitkit.render import mail, readme
from visitkit.sources import load_locale

MODULE = "visitkit.render.readme"


def text(data: bytes) -> str:
    body = data.decode("utf-8")
    assert body.endswith("\n") and "\r" not in body
    return body


def listed(body: str) -> list[str]:
    """File names the README describes: lines that are just a file name."""
    return re.findall(r"(?m)^([a-z-]+(?:\.[a-z]+)+)$", body)


def test_lists_every_file_of_the_folder():
    content = make_content("sample")
    context = make_context(MODULE, content)
    body = text(readme.render(context))
    sections = [o for section in ("web", "email") for o in outputs.OUTPUTS if o.section == section]
    assert listed(body) == [f.name for o in sections for f in o.files if f.name in context.options["files"]]
    assert "faq.jsonld" not in listed(body)  # structured data is off
    assert "logo.png" in listed(body)  # the profile has a logo
    for key in ("title", "web_heading", "email_heading", "import_heading"):
        assert content.readme[key].upper() in body.upper()


def test_optional_files_follow_the_profile():
    sunvale = make_content("sunvale-health")
    assert "faq.jsonld" in listed(text(readme.render(make_context(MODULE, sunvale))))
    no_logo = sunvale.model_copy(update={"logo": None})
    assert "logo.png" not in listed(text(readme.render(make_context(MODULE, no_logo))))


@pytest.mark.parametrize("platform", sorted(mail.PLATFORMS))
def test_names_the_platform_and_its_tokens(tmp_path, platform):
    data, content = render(MODULE, tmp_path, {"email.platform": platform})
    body = text(data)
    name = content.readme[f"platform_names.{platform}"]
    if platform == "generic":  # no platform to name: says what the footer holds instead
        assert " ".join(content.readme["prepared_for_generic"].split()) in " ".join(body.split())
        assert content.readme["prepared_for"] not in body
    else:
        assert f"{content.readme['prepared_for']} {name}" in body
    lines = [line.strip() for line in body.split("\n")]
    for token in mail.PLATFORMS[platform].html_tokens() + mail.PLATFORMS[platform].text_tokens():
        assert token in lines, token
    # How to import into every platform, whichever was chosen.
    for other in mail.PLATFORMS:
        assert content.readme[f"platform_names.{other}"] in lines


def test_email_images_and_warnings(tmp_path):
    data, content = render(MODULE, tmp_path)
    body = text(data)
    assert content.readme["not_hosted"][:40] in " ".join(body.split())
    assert f"- {content.readme['notices.no_assets_base_url']}"[:40] in body
    hosted, content = render(MODULE, tmp_path, HOSTED)
    body = text(hosted)
    assert f"    {BASE}\n" in body and f"    {BASE}en/\n" in body  # bundle root; the fragment's links
    assert content.campaign.subject in body and content.campaign.preheader in body
    assert content.warnings, "the sample's secondary colour is adjusted"
    for warning in content.warnings:
        line = " ".join(readme.notice_line(content, warning).split())
        assert f"- {line}" in " ".join(body.split())
        # The sentence of readme.yaml, with every parameter in it: the colours as they are, the use in words.
        assert all(value in line for key, value in warning.params.items() if key != "use")
        if warning.kind == "contrast":
            assert content.readme[f"notices.uses.{warning.params['use']}"] in line
        assert "{" not in line
    calm = content.model_copy(update={"warnings": ()})
    assert f"\n{content.readme['no_warnings']}\n" in text(readme.render(make_context(MODULE, calm)))


def test_spanish(tmp_path):
    data, content = render(MODULE, tmp_path, {"locales": ["en", "es"]}, locale="es")
    body = text(data)
    assert "PARA SU EQUIPO WEB" in body and "Cómo importar el correo".upper() in body
    assert content.campaign.subject in body


def _fixed_words(sentence: str) -> list[str]:
    """The words of a notice sentence between its {parameters}, whitespace collapsed."""
    return [" ".join(part.split()) for part in re.split(r"\{[a-z_]+\}", sentence) if part.strip(" .,:;")]


def test_spanish_warnings_are_in_spanish(tmp_path):
    data, content = render(MODULE, tmp_path, {"locales": ["en", "es"]}, locale="es")
    assert {w.kind for w in content.warnings} == set(NOTICE_KINDS), "the sample triggers every kind"
    body = text(data)
    heading = load_locale(ROOT / "sources", "es")["readme"]["warnings_heading"].upper()
    warnings = " ".join(body.split(heading)[1].split())
    sentences = load_locale(ROOT / "sources", "es")["readme"]["notices"]
    for notice in content.warnings:
        assert " ".join(notice.text.split()) not in warnings
        assert all(words in warnings for words in _fixed_words(sentences[notice.kind])), notice.kind
    contrast = next(n for n in content.warnings if n.kind == "contrast")
    assert sentences["uses"][contrast.params["use"]] in warnings
    assert re.search(r"\b\d,\d:1\b", warnings), "Spanish writes 4,5:1"
    english = [w for w in ("instead", "using", "needs", "is not set", " has ", " on ") if w in warnings]
    assert not english


def test_control_characters_are_dropped():
    # Profiles reject control characters; the renderer drops them anyway (a terminal would act on them).
    params = dict.fromkeys(NOTICE_KINDS["contrast"], "#000000")
    notice = Notice(kind="contrast", text="x", params={**params, "field": HOSTILE + " \x1b[2J\x07"})
    content = make_content("sample").model_copy(update={"warnings": (notice,)})
    body = text(readme.render(make_context(MODULE, content)))
    assert "\x1b" not in body and "\x07" not in body
    assert HOSTILE in body


@pytest.mark.parametrize("locale", ["en", "es"])
@pytest.mark.parametrize("platform", sorted(mail.PLATFORMS))
def test_says_the_footer_address_is_the_profiles(tmp_path, platform, locale):
    edits = {"locales": ["en", "es"], "email.platform": platform,
             "contact.postal_address": {"en": "Acme Clinic\n12 Elm Street", "es": "Clínica Acme\nCalle Olmo 12"}}
    data, content = render(MODULE, tmp_path, edits, locale=locale)
    body = text(data)
    flat = " ".join(body.split())
    lines = [line.strip() for line in body.split("\n")]
    tokens = mail.PLATFORMS[platform]
    if tokens.address_required:
        assert content.readme["address_platform"] in flat and "12 Elm Street" not in body
        assert all(token in lines for token in tokens.html_tokens() + tokens.text_tokens())
        return
    assert content.readme["address_from_profile"] in flat
    assert "\n".join(f"    {line}" for line in content.postal_address) in body
    assert all(token in lines for token in tokens.html_tokens(address=False) + tokens.text_tokens(address=False))
    address_tokens = set(tokens.html_tokens() + tokens.text_tokens())
    address_tokens -= set(tokens.html_tokens(address=False) + tokens.text_tokens(address=False))
    assert not address_tokens & set(lines)
    assert content.readme["address_token"] not in flat


def test_without_an_address_says_how_to_add_one(tmp_path):
    data, content = render(MODULE, tmp_path)
    flat = " ".join(text(data).split())
    assert content.readme["address_token"] in flat and content.readme["address_from_profile"] not in flat
