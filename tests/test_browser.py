"""The pages in a real browser: headless Chromium (Debian ``chromium`` + ``chromium-driver``, via Selenium).

At a phone width (375 px) and a desktop width (1280 px): nothing overflows
horizontally, and a fragment pasted into a plain host page leaves the host's
own elements exactly as they were styled before.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, make_content, make_context
from tests.faq_support import LONG_NAME, content_for
from visitkit.render import email_html, faq_fragment, faq_page, resources_fragment, resources_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs it)")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--hide-scrollbars",
)
WIDTHS = (375, 1280)
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


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert DRIVER, "chromium is installed but chromedriver is not: apt-get install chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    # Explicit driver path: Selenium Manager never runs, so nothing is downloaded.
    driver = webdriver.Chrome(service=Service(executable_path=DRIVER), options=options)
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
@pytest.mark.parametrize("kind", ["faq", "resources", "email", "host-faq-fragment", "host-resources-fragment"])
@pytest.mark.parametrize("org", ["sample", "long-es", "navy-es", "yellow"])
def test_no_horizontal_overflow(browser, pages, org, kind, width):
    _open(browser, pages[f"{org}-{kind}"], width)
    sizes = _overflow(browser)
    assert sizes["inner"] == width
    assert sizes["scroll"] <= sizes["inner"], sizes


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["faq-fragment", "resources-fragment"])
def test_fragment_does_not_restyle_the_host_page(browser, pages, kind, width):
    _open(browser, pages["host"], width)
    before = dict(browser.execute_script(COMPUTED, list(HOST_IDS)))
    assert before["host-h2"]["color"] == "rgb(128, 0, 0)"  # the host's own styles are in effect
    for org in ("sample", "long-es", "navy-es", "yellow"):
        _open(browser, pages[f"{org}-host-{kind}"], width)
        assert browser.execute_script("return document.querySelectorAll('#slot section').length") >= 1
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
