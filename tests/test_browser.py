"""The pages in a real browser: headless Chromium (Debian ``chromium`` + ``chromium-driver``, via Selenium).

At the narrowest phone width (320 px), a common one (375 px) and a desktop width
(1280 px): nothing overflows horizontally, also with words and addresses longer
than a phone is wide; a fragment pasted into a plain host page (each alone, and
both on one page) leaves the host's own elements exactly as they were styled
before. Printed through Chromium (``Page.printToPDF``) on A4 and Letter, every
example organisation's faq.html and resources.html takes at most two sheets,
never with a nearly empty last one, and shows the address after each link.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
from pathlib import Path

import pytest

from tests.checkers import CHROMIUM, DRIVER, FLAGS
from tests.conftest import ROOT, make_content, make_context
from tests.faq_support import LONG_NAME, content_for, example_contents
from visitkit.render import email_html, faq_fragment, faq_page, html, resources_fragment, resources_page

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs it)")
WIDTHS = (320, 375, 1280)
ORGS = ("sample", "long-es", "navy-es", "yellow", "unbreakable")
# Longer than any phone is wide at any font size the pages use (45+ letters), and an address as long.
LONG_WORD = "Gesundheitsversorgungsdienstleistungsunternehmensverbund"
LONG_URL = "https://booking.example/" + "virtual-appointment-" * 6 + "requestformforexistingandnewclients"
PAPER = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}
HOST_IDS = ("host-h2", "host-p", "host-a", "host-ul", "host-li", "host-h2-after", "host-p-after")
HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Host page</title>
<style>
  html { font-size: 14px; }
  body { margin: 0; font: 16px/1.5 Georgia, serif; color: rgb(51, 51, 51); background: rgb(250, 248, 240); }
  main { max-width: 720px; margin: 0 auto; padding: 16px; }
  h2 { margin: 24px 0 8px; color: rgb(128, 0, 0); font-size: 28px; font-weight: 400; text-transform: uppercase; }
  p { margin: 0 0 12px; font-size: 17px; letter-spacing: 0.5px; }
  a { color: rgb(0, 90, 160); text-decoration: underline dotted; }
  ul { padding-left: 40px; list-style: square; }
  li { margin: 2px 0; }
</style>
</head>
<body>
<main>
<h2 id="host-h2">Our clinic</h2>
<p id="host-p">A paragraph of the host site with <a id="host-a" href="#top">a link</a>.</p>
<ul id="host-ul"><li id="host-li">A list item of the host site</li></ul>
<div id="slot">@@FRAGMENT@@</div>
<h2 id="host-h2-after">After the fragment</h2>
<p id="host-p-after">More host text.</p>
</main>
</body>
</html>
"""
COMPUTED = """
return arguments[0].map(id => {
  const style = getComputedStyle(document.getElementById(id));
  const out = {};
  for (const name of style) out[name] = style.getPropertyValue(name);
  return [id, out];
});
"""


def script_fonts_env(folder: Path) -> dict[str, str]:
    """The environment for a browser that also has the committed Arabic, Hebrew and CJK fonts (this machine has
    none, a visitor's system has its own): a private Fontconfig file adding templates/fonts/scripts."""
    (folder / "fonts.conf").write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{ROOT / 'templates/fonts/scripts'}</dir><cachedir>{folder / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    return {**os.environ, "FONTCONFIG_FILE": str(folder / "fonts.conf")}


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert DRIVER, "chromium is installed but chromedriver is not: apt-get install chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    # Explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    env = script_fonts_env(tmp_path_factory.mktemp("fontconfig"))
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER, env=env), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The documents under test, written next to a stand-in thumbnail (resources.html shows it)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("browser")
    thumbnail = io.BytesIO()
    Image.new("RGB", (360, 509), (30, 90, 160)).save(thumbnail, format="PNG")
    (folder / "infographic.png").write_bytes(thumbnail.getvalue())
    tmp = tmp_path_factory.mktemp("profiles")
    contents = {
        "sample": make_content("sample"),
        "long-es": content_for(tmp, {"locales": ["en", "es"], "name": LONG_NAME}, locale="es"),
        "navy-es": make_content("caja-rural-guadalquivir"),
        "yellow": make_content("brightside-hardware"),
        "unbreakable": content_for(
            tmp,
            {
                "name": f"{LONG_WORD} {LONG_WORD}",
                "short_name": LONG_WORD[:40],  # the longest a short name may be
                "links.booking": LONG_URL,
                "links.billing": LONG_URL + "/billing",
                "policies.staff_availability": f"{LONG_WORD} [{LONG_URL}]({LONG_URL}) {LONG_WORD}",
            },
        ),
    }
    found = {}
    for key, content in contents.items():
        for name, module in (("faq", faq_page), ("resources", resources_page), ("email", email_html)):
            path = folder / f"{key}-{name}.html"
            path.write_bytes(module.render(_context(module, content)))
            found[f"{key}-{name}"] = path
        for name, module in (("faq-fragment", faq_fragment), ("resources-fragment", resources_fragment)):
            fragment = module.render(_context(module, content)).decode("utf-8")
            path = folder / f"{key}-host-{name}.html"
            path.write_text(HOST_PAGE.replace("@@FRAGMENT@@", fragment), encoding="utf-8")
            found[f"{key}-host-{name}"] = path
        # Both drop-ins on one host page, as a site would paste them.
        both = "\n".join(
            module.render(_context(module, content)).decode("utf-8") for module in (faq_fragment, resources_fragment)
        )
        path = folder / f"{key}-host-both-fragments.html"
        path.write_text(HOST_PAGE.replace("@@FRAGMENT@@", both), encoding="utf-8")
        found[f"{key}-host-both-fragments"] = path
    bare = folder / "host.html"
    bare.write_text(HOST_PAGE.replace("@@FRAGMENT@@", ""), encoding="utf-8")
    found["host"] = bare
    return found


def _context(module, content):
    # A profile copy under tmp uses the sample's logo: read that file from the project.
    if content.logo and not (ROOT / content.logo.path).is_file():
        logo = content.logo.model_copy(update={"path": "org_profiles/sample/logo.png"})
        content = content.model_copy(update={"logo": logo})
    return make_context(module.__name__, content)


def _open(driver, path: Path, width: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    driver.get(path.as_uri())


def _overflow(driver) -> dict[str, int]:
    return driver.execute_script(
        "return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth};"
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "kind", ["faq", "resources", "email", "host-faq-fragment", "host-resources-fragment", "host-both-fragments"]
)
@pytest.mark.parametrize("org", ORGS)
def test_no_horizontal_overflow(browser, pages, org, kind, width):
    _open(browser, pages[f"{org}-{kind}"], width)
    sizes = _overflow(browser)
    assert sizes["inner"] == width
    assert sizes["scroll"] <= sizes["inner"], sizes
    # Nothing sticks out of the viewport either (an overflowing box inside overflow:hidden would not show in
    # scrollWidth, and text cut off there is just as lost).
    wide = browser.execute_script(
        "return [...document.querySelectorAll('body *')].filter(e => e.getClientRects().length)"
        ".map(e => [e.tagName, e.className, Math.round(e.getBoundingClientRect().right)])"
        ".filter(([, , right]) => right > window.innerWidth + 1).slice(0, 5);"
    )
    assert wide == [], wide


def test_long_words_and_addresses_are_really_on_the_pages(pages):
    """The unbreakable case above is not vacuous: its FAQ and fragments show the long word and address."""
    for kind in ("faq", "host-faq-fragment", "host-both-fragments"):
        text = pages[f"unbreakable-{kind}"].read_text(encoding="utf-8")
        assert LONG_WORD in text and LONG_URL in text, kind


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["faq-fragment", "resources-fragment", "both-fragments"])
def test_fragment_does_not_restyle_the_host_page(browser, pages, kind, width):
    _open(browser, pages["host"], width)
    before = dict(browser.execute_script(COMPUTED, list(HOST_IDS)))
    assert before["host-h2"]["color"] == "rgb(128, 0, 0)"  # the host's own styles are in effect
    roots = 2 if kind == "both-fragments" else 1
    for org in ORGS:
        _open(browser, pages[f"{org}-host-{kind}"], width)
        assert browser.execute_script("return document.querySelectorAll('#slot > section').length") == roots
        after = dict(browser.execute_script(COMPUTED, list(HOST_IDS)))
        changed = {
            element: {name: (value, after[element].get(name)) for name, value in styles.items()
                      if after[element].get(name) != value}
            for element, styles in before.items()
        }
        assert {k: v for k, v in changed.items() if v} == {}, json.dumps(changed)[:2000]


def test_fragment_is_styled_inside(browser, pages):
    """The scoped styles do apply inside the fragment (the isolation is not just "no styles at all")."""
    _open(browser, pages["sample-host-resources-fragment"], 1280)
    link = browser.execute_script(
        "const a = document.querySelector('#slot .vk-res-link'); const s = getComputedStyle(a);"
        "return {weight: s.fontWeight, radius: s.borderTopLeftRadius, family: s.fontFamily};"
    )
    assert link["weight"] == "700" and link["radius"] != "0px"
    assert "Georgia" not in link["family"]


def test_both_fragments_keep_their_own_look_on_one_page(browser, pages):
    """Pasted together, each fragment is styled exactly as when it is alone: neither restyles the other."""
    probe = """
    return [...document.querySelectorAll(arguments[0])].map(e => {
      const s = getComputedStyle(e);
      return [e.tagName, e.className, s.color, s.backgroundColor, s.fontSize, s.fontWeight, s.paddingTop,
              s.marginTop, s.borderTopWidth, s.display];
    });
    """
    for org in ORGS:
        for kind, root in (("faq-fragment", ".vk-faq"), ("resources-fragment", ".vk-resources")):
            _open(browser, pages[f"{org}-host-{kind}"], 1280)
            alone = browser.execute_script(probe, f"#slot > {root}, #slot > {root} *")
            _open(browser, pages[f"{org}-host-both-fragments"], 1280)
            together = browser.execute_script(probe, f"#slot > {root}, #slot > {root} *")
            assert len(alone) > 20 and together == alone, (org, kind)


# ------------------------------------------------------------------ print


def _print(driver, path: Path, paper: str) -> bytes:
    _open(driver, path, 1280)
    width, height = PAPER[paper]
    result = driver.execute_cdp_cmd(
        "Page.printToPDF", {"paperWidth": width, "paperHeight": height, "printBackground": True}
    )
    return base64.b64decode(result["data"])


def _page_texts(data: bytes) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        # pdfium reports a hyphen that ends a line as U+FFFE (a guessed soft hyphen): here it is a real one.
        return [document[i].get_textpage().get_text_range().replace("\ufffe", "-") for i in range(len(document))]
    finally:
        document.close()


@pytest.fixture(scope="module")
def printable(tmp_path_factory, pages) -> list[tuple[str, Path]]:
    """faq.html and resources.html of every example organisation in every locale it builds."""
    folder = pages["host"].parent  # next to the stand-in thumbnail
    found = []
    for content in example_contents():
        for name, module in (("faq", faq_page), ("resources", resources_page)):
            path = folder / f"print-{content.org_id}-{content.lang}-{name}.html"
            path.write_bytes(module.render(_context(module, content)))
            found.append((f"{content.org_id}/{content.lang}/{name}", path))
    return found


# A printed line holds ~90 characters: the last sheet holds more than a few lines.
MIN_LAST_PAGE = 300


@pytest.mark.parametrize("paper", sorted(PAPER))
def test_pages_print_on_at_most_two_sheets_without_a_nearly_empty_last_one(browser, printable, paper):
    counts = {}
    for key, path in printable:
        texts = _page_texts(_print(browser, path, paper))
        counts[key] = (len(texts), len(texts[-1].strip()))
    assert len(counts) >= 2 * 5
    assert {k: v for k, v in counts.items() if v[0] > 2} == {}, counts
    assert {k: v for k, v in counts.items() if v[0] == 2 and v[1] < MIN_LAST_PAGE} == {}, counts


def test_printed_pages_show_addresses_after_links_but_no_navigation(browser, printable, pages):
    for key, path in printable:
        text = " ".join(_page_texts(_print(browser, path, "A4")))
        flat = re.sub(r"\s+", "", text)  # printed addresses wrap anywhere
        content = next(c for c in example_contents() if key.startswith(f"{c.org_id}/{c.lang}/"))
        booking = next(cta for cta in content.infographic.ctas if cta.id == "booking")
        shown = html.print_url(booking.url)
        if content.dir == "rtl":
            # Text extracted from Chromium's PDF of right-to-left lines comes in visual order, runs reversed
            # (test_scripts_html checks the reading order on screen): each part of the address is printed.
            assert all(part in flat for part in re.split(r"[./]", shown) if part), key
        else:
            assert re.sub(r"\s+", "", f"{booking.label} ({shown})") in flat, key
        if key.endswith("/faq"):
            skip = content.labels["skip_to_content"]
            assert skip not in text and content.labels["contents"] not in text, key
        # In-page links never get an address.
        assert "(#" not in flat, key
    # Long addresses wrap inside the sheet: every character lies within the page's width.
    import pypdfium2 as pdfium

    data = _print(browser, pages["unbreakable-faq"], "A4")
    assert html.print_url(LONG_URL) in re.sub(r"\s+", "", " ".join(_page_texts(data)))
    document = pdfium.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            width = page.get_width()
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                left, _, right, _ = textpage.get_charbox(i)
                assert left >= 0 and right <= width, (index, i)
    finally:
        document.close()


@pytest.mark.parametrize("kind", ["faq", "resources", "host-both-fragments"])
def test_prose_hyphenates_in_its_language_and_breaks_anywhere_rather_than_overflow(browser, pages, kind):
    _open(browser, pages[f"long-es-{kind}"], 375)
    found = browser.execute_script(
        "return [...document.querySelectorAll('p, li, h2, h3, a')].filter(e => e.closest('.vk-faq, .vk-resources'))"
        ".map(e => { const s = getComputedStyle(e);"
        "  return [s.hyphens || s.webkitHyphens, s.overflowWrap, e.closest('[lang]').lang]; });"
    )
    assert len(found) > 10
    assert {(h, w) for h, w, _ in found} == {("auto", "anywhere")}
    # Hyphenation follows each element's language: the page's, or "en" on the profile's one-string prose.
    assert {lang for *_, lang in found} in ({"es"}, {"es", "en"})
