"""email.html in a real browser (headless Chromium via Selenium), as phones and desktops show it.

The email must fit 320, 375 and 1280 px screens both as rendered and with every ``<style>`` element removed,
as mail apps that strip ``<style>`` show it: its layout may not depend on media queries. Measured for every
example organisation and locale, and for a profile with a 60-letter word in every prose field, an 80-letter
name and long URLs; with the images loaded (local stand-ins for the hosted files) and with images blocked
(alt text shown, as Outlook does by default).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests.checkers import CHROMIUM, DRIVER, FLAGS
from tests.conftest import ROOT, make_content, make_context
from tests.faq_support import content_for
from tests.test_render_email_html import LONG_EDITS, WORD
from visitkit import sources
from visitkit.profile import load_profile
from visitkit.render import email_html, email_logo, mail

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (CI installs it)")
WIDTHS = (320, 375, 1280)
# Every element of the message and of its footer, measured against the box it must stay inside.
MEASURE = """
const outside = [];
for (const frame of ['.vk-container', '.vk-footer']) {
  const box = document.querySelector(frame).getBoundingClientRect();
  for (const element of document.querySelectorAll(frame + ' *')) {
    const r = element.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < box.left - 0.5 || r.right > box.right + 0.5)
      outside.push(`${element.tagName}.${element.className}: ${Math.round(r.left)}..${Math.round(r.right)}`
                   + ` outside ${Math.round(box.left)}..${Math.round(box.right)}`);
  }
}
const container = document.querySelector('.vk-container').getBoundingClientRect();
const col = c => { const r = document.querySelector(c); return r ? r.getBoundingClientRect() : null; };
return {
  scroll: document.documentElement.scrollWidth,
  inner: window.innerWidth,
  styles: document.querySelectorAll('style').length,
  container: container.width,
  outside: outside.slice(0, 5),
  thumb: col('.vk-col-thumb'), text: col('.vk-col-text'),
  images: [...document.images].map(i => ({cls: i.className, width: i.getBoundingClientRect().width,
                                         loaded: i.complete && i.naturalWidth > 0})),
};
"""
STRIP_STYLES = "document.querySelectorAll('style').forEach(s => s.remove()); return document.body.offsetHeight;"


def example_emails() -> list[tuple[str, str]]:
    """(org, locale) for every example profile and each of its locales."""
    available = sources.available_locales(ROOT / "sources")
    found = []
    for path in sorted((ROOT / "org_profiles").glob("*.yaml")):
        profile = load_profile(path, available)
        found += [(path.stem, locale) for locale in profile.locales]
    return found


EXAMPLES = example_emails()


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


def _context(module: str, content):
    # A profile copy under tmp uses the sample's logo: read that file from the project.
    if content.logo and not (ROOT / content.logo.path).is_file():
        logo = content.logo.model_copy(update={"path": "org_profiles/sample/logo.png"})
        content = content.model_copy(update={"logo": logo})
    return make_context(module, content)


@pytest.fixture(scope="module")
def emails(tmp_path_factory) -> dict[str, tuple[bytes, object]]:
    """Every email under test, by key: the examples and the long profile in both of its locales."""
    found = {f"{org}-{locale}": make_content(org, locale) for org, locale in EXAMPLES}
    for locale in ("en", "es"):
        found[f"long-{locale}"] = content_for(tmp_path_factory.mktemp("long"), LONG_EDITS, locale=locale)
    return {key: (email_html.render(_context(email_html.__name__, c)), c) for key, c in found.items()}


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("email-browser")


def _write(folder: Path, key: str, data: bytes, content, images: bool) -> Path:
    """The email as a file; with ``images``, its hosted images point at local files of the real sizes."""
    text = data.decode("utf-8")
    if images and content.assets_base_url:
        from PIL import Image

        local = folder / f"{key}-assets"
        local.mkdir(exist_ok=True)
        thumbnail = io.BytesIO()
        Image.new("RGB", (360, 509), (30, 90, 160)).save(thumbnail, format="PNG")  # infographic.png's size
        (local / "infographic.png").write_bytes(thumbnail.getvalue())
        if content.logo:
            (local / "logo.png").write_bytes(email_logo.render(_context(email_logo.__name__, content)))
        text = text.replace(f"{content.assets_base_url}{content.locale}/", local.as_uri() + "/")
    path = folder / f"{key}-{'images' if images else 'blocked'}.html"
    path.write_text(text, encoding="utf-8")
    return path


def _measure(driver, width: int) -> dict:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
    )
    return driver.execute_script(MEASURE)


def _problems(sizes: dict, width: int, content, images: bool) -> list[str]:
    problems = []
    if sizes["inner"] != width:
        problems.append(f"viewport {sizes['inner']} px, not {width}")
    if sizes["scroll"] > width:
        problems.append(f"page {sizes['scroll']} px wide")
    problems += sizes["outside"]
    if width == 1280 and round(sizes["container"]) != email_html.CONTAINER_WIDTH:
        problems.append(f"message {sizes['container']} px wide on a desktop")
    thumb, text = sizes["thumb"], sizes["text"]
    if thumb and text:
        side_by_side = abs(thumb["top"] - text["top"]) < 1
        if width == 1280 and not side_by_side:
            problems.append("downloads panel stacked on a desktop")
        if width <= 375 and not text["top"] >= thumb["bottom"]:
            problems.append("downloads panel not stacked on a phone")
    if content.assets_base_url and len(sizes["images"]) != 1 + (content.logo is not None):
        problems.append(f"{len(sizes['images'])} images")
    for image in sizes["images"]:
        if images and not image["loaded"]:
            problems.append(f"image {image['cls']} did not load")
        box = email_logo.LOGO_BOX[0] if image["cls"] == "vk-logo" else mail.THUMBNAIL_WIDTH
        if image["loaded"] and image["width"] > box + 2:  # + its border
            problems.append(f"image {image['cls']} {image['width']} px wide")
    return problems


@pytest.mark.parametrize("images", [True, False], ids=["images", "blocked"])
@pytest.mark.parametrize("key", [f"{o}-{loc}" for o, loc in EXAMPLES] + ["long-en", "long-es"])
def test_fits_every_width_with_and_without_style(browser, emails, folder, key, images):
    data, content = emails[key]
    browser.get(_write(folder, key, data, content, images).as_uri())
    problems = {}
    for styled in (True, False):
        if not styled:
            browser.execute_script(STRIP_STYLES)
        for width in WIDTHS:
            sizes = _measure(browser, width)
            assert (sizes["styles"] > 0) == styled
            found = _problems(sizes, width, content, images)
            if found:
                problems[f"{width} px {'with' if styled else 'without'} <style>"] = found
    assert problems == {}


def test_the_measure_catches_a_fixed_width_message(browser, emails, folder):
    """A 600 px message (the old layout, as mail apps that strip <style> showed it) fails the measure: the
    phone-width emulation and the measure really see what a phone shows."""
    data, content = emails["sample-en"]
    fixed = data.decode("utf-8").replace("width: 100%;max-width: 600px", "width: 600px;max-width: 600px")
    assert fixed != data.decode("utf-8")
    browser.get(_write(folder, "fixed", fixed.encode(), content, images=False).as_uri())
    browser.execute_script(STRIP_STYLES)
    sizes = _measure(browser, 375)
    assert sizes["scroll"] > 375 and sizes["scroll"] >= email_html.CONTAINER_WIDTH


def test_long_words_break_instead_of_being_clipped(browser, emails, folder):
    """The 60-letter word is shown whole, over several lines at 320 px: broken, not cut off or hidden."""
    data, content = emails["long-en"]
    browser.get(_write(folder, "long-words", data, content, images=True).as_uri())
    browser.execute_script(STRIP_STYLES)
    _measure(browser, 320)
    found = browser.execute_script(
        """const word = arguments[0];
        return [...document.querySelectorAll('.vk-container p, .vk-container li')]
          .filter(e => e.textContent.includes(word))
          .map(e => ({lines: e.getClientRects().length && Math.round(e.getBoundingClientRect().height
                                / parseFloat(getComputedStyle(e).lineHeight)),
                      clipped: e.scrollWidth > e.clientWidth, width: e.getBoundingClientRect().width}));""",
        WORD,
    )
    assert found, "the long word is not in the email"
    for paragraph in found:
        assert not paragraph["clipped"] and paragraph["width"] < 320
        assert paragraph["lines"] >= 3, paragraph  # "Before", the word over 2+ lines, "after"…
