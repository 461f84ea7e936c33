"""The pages, fragments and email in Arabic, Hebrew, Japanese and Chinese: language and direction on every root,
addresses isolated left to right inside right-to-left text, script-aware fonts and labels, and in headless
Chromium: mirrored layouts, addresses in reading order, CJK line height.

Chromium here has no Arabic or CJK system font; it is given the committed script fonts through a private
Fontconfig file (as a visitor's system would have its own), so the pages are measured with real glyphs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.conftest import ROOT, make_content, make_context
from tests.test_browser import CHROMIUM, DRIVER, FLAGS, HOST_PAGE, _open, script_fonts_env
from tests.test_scripts_pdf import CHINESE_NAME, HEBREW_NAME, sample_in
from visitkit.content import Content
from visitkit.render import email_html, faq_fragment, faq_page, resources_fragment, resources_page

PAGES = {"faq": faq_page, "resources": resources_page, "email": email_html}
FRAGMENTS = {"faq-fragment": faq_fragment, "resources-fragment": resources_fragment}
LOCALES = ["ar", "he", "ja", "zh-Hans"]
BCP47 = re.compile(r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?")
# Addresses as they appear in text: phone numbers, email addresses, web addresses (with a dot and a TLD).
ADDRESS = re.compile(r"\+?[0-9][0-9 ]{6,}[0-9]|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+|[A-Za-z0-9-]+\.[A-Za-z0-9.-]+\.?/?")
STRONG_RTL = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")


@pytest.fixture(scope="module")
def contents(tmp_path_factory) -> dict[str, Content]:
    tmp = tmp_path_factory.mktemp("scripts-html")
    return {
        "ar": make_content("waha-national-bank", "ar"),
        "he": sample_in(tmp, "he", HEBREW_NAME, "מרפאת הגליל"),
        "ja": make_content("sakura-dental-clinic", "ja"),
        "zh-Hans": sample_in(tmp, "zh-Hans", CHINESE_NAME, "江畔医疗"),
        "en": make_content("sample", "en"),
        "en-waha": make_content("waha-national-bank", "en"),  # an English email with an eyebrow (it has a logo URL)
        "pt-BR": sample_in(tmp, "pt-BR", "Centro de Saúde Ribeirinho", "Ribeirinho"),  # a region subtag
    }


def _context(module, content: Content):
    if content.logo and not (ROOT / content.logo.path).is_file():  # a profile copy: the sample's logo
        logo = content.logo.model_copy(update={"path": "org_profiles/sample/logo.png"})
        content = content.model_copy(update={"logo": logo})
    return make_context(module.__name__, content)


@pytest.fixture(scope="module")
def documents(contents) -> dict[tuple[str, str], str]:
    """(locale, kind) → the rendered HTML (pages, email and both fragments)."""
    return {
        (locale, kind): module.render(_context(module, content)).decode("utf-8")
        for locale, content in contents.items()
        for kind, module in {**PAGES, **FRAGMENTS}.items()
    }


def roots_with_language(tree, kind: str) -> list:
    """The elements that carry a document's language and direction: <html> (a fragment has none: its root
    section), the email's wrapper, and the email's container table (direction only)."""
    if kind in FRAGMENTS:
        return tree.xpath("//section[contains(@class, 'vk-faq') or contains(@class, 'vk-resources')]")
    return tree.xpath("/html | //div[contains(@class, 'vk-wrapper')] | //table[contains(@class, 'vk-container')]")


def isolated(element) -> bool:
    """Inside <bdi> or an element with dir="ltr" (the link's own text or an ancestor's)."""
    return any(e.tag == "bdi" or e.get("dir") == "ltr" for e in [element, *element.iterancestors()])


# -------------------------------------------------------------------- markup


@pytest.mark.parametrize("locale", [*LOCALES, "pt-BR"])
@pytest.mark.parametrize("kind", [*PAGES, *FRAGMENTS])
def test_language_and_direction_on_every_root(documents, locale, kind):
    tree = lxml_html.fromstring(documents[(locale, kind)])
    roots = roots_with_language(tree, kind)
    assert len(roots) == {"email": 3, "faq": 1, "resources": 1}.get(kind, 1 if "fragment" in kind else 0), kind
    expected_dir = "rtl" if locale in ("ar", "he") else "ltr"
    for root in roots:
        if root.tag != "table":
            assert root.get("lang") == locale and BCP47.fullmatch(root.get("lang")), (root.tag, root.get("lang"))
        assert root.get("dir") == expected_dir, (root.tag, root.get("dir"))


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_email_cells_are_aligned_for_clients_that_ignore_dir(documents, locale):
    tree = lxml_html.fromstring(documents[(locale, "email")])
    cells = tree.xpath("//td[contains(@class, 'vk-section') or contains(@class, 'vk-hero')]")
    assert cells
    for cell in cells:
        assert cell.get("align") == "right" and "text-align: right" in cell.get("style", ""), cell.get("class")


@pytest.mark.parametrize("locale", ["ar", "he", "en"])
@pytest.mark.parametrize("kind", [*PAGES, *FRAGMENTS])
def test_addresses_in_text_are_isolated_left_to_right(contents, documents, locale, kind):
    """Every phone number, email and web address in the text sits in <bdi dir="ltr"> or a dir="ltr" element,
    so right-to-left text around it cannot reorder its parts (and left-to-right pages are unchanged by it)."""
    tree = lxml_html.fromstring(documents[(locale, kind)])
    checked = 0
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("style", "script", "title", "head", "meta"):
            continue
        # An element's own text and the text after each child (a tail) are both in the element, not the child.
        for text in (element.text, *(child.tail for child in element)):
            for match in ADDRESS.finditer(text or ""):
                assert isolated(element), (locale, kind, match.group(0), element.tag)
                checked += 1
    if (locale, kind) in (("ar", "faq"), ("he", "faq"), ("ar", "email"), ("ar", "resources")):
        assert checked >= 2, "no address found: the check would prove nothing"


def test_isolation_keeps_the_text(contents, documents):
    """Isolation adds markup only: the phone number reads the same in the page's text."""
    content = contents["ar"]
    tree = lxml_html.fromstring(documents[("ar", "faq")])
    bdis = tree.xpath("//bdi[@dir='ltr']")
    assert content.phone in [b.text_content() for b in bdis]
    assert content.email in [b.text_content() for b in bdis]


@pytest.mark.parametrize("locale", LOCALES + ["en"])
def test_font_stacks_name_script_fonts_own_script_first(documents, locale):
    page = documents[(locale, "faq")]
    stack = re.search(r"font-family: ([^;]+);", page).group(1)
    japanese, chinese, arabic = stack.find('"Hiragino Sans"'), stack.find('"PingFang SC"'), stack.find('"Geeza Pro"')
    latin = stack.find("system-ui")
    assert min(japanese, chinese, arabic, latin) > 0 and stack.find('"Arial Hebrew"') > 0
    own = {"ja": japanese, "zh-Hans": chinese, "ar": arabic, "he": stack.find('"Arial Hebrew"')}.get(locale)
    if own is None:
        assert latin < min(japanese, chinese, arabic)
    else:
        assert own < latin, stack
    if locale == "ja":
        assert japanese < chinese  # Han characters in Japanese forms
    if locale == "zh-Hans":
        assert chinese < japanese


@pytest.mark.parametrize("locale", ["ar", "ja", "en-waha"])
def test_email_eyebrow_is_uppercase_only_in_scripts_with_capitals(documents, locale):
    tree = lxml_html.fromstring(documents[(locale, "email")])
    eyebrow = tree.xpath("//*[contains(@class, 'vk-eyebrow')]")[0]
    style = eyebrow.get("style", "")
    assert ("text-transform: uppercase" in style) == (locale == "en-waha"), style
    assert ("letter-spacing" in style) == (locale == "en-waha"), style


# ------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    assert CHROMIUM and DRIVER, "chromium and chromium-driver are needed"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    service = Service(executable_path=DRIVER, env=script_fonts_env(tmp_path_factory.mktemp("fontconfig")))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def files(documents, tmp_path_factory) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("scripts-pages")
    shutil.copy(ROOT / "org_profiles/sample/logo.png", folder / "infographic.png")  # resources.html shows it
    found = {}
    for (locale, kind), text in documents.items():
        if kind in FRAGMENTS:
            text = HOST_PAGE.replace("@@FRAGMENT@@", text)
        path = folder / f"{locale}-{kind}.html"
        path.write_text(text, encoding="utf-8")
        found[(locale, kind)] = path
    return found


RECT = "const r = arguments[0].getBoundingClientRect(); return [r.left, r.right, r.top, r.bottom];"
# The box of an element's text (a block's own box spans its container whatever the text's alignment).
TEXT_RECT = (
    "const g = document.createRange(); g.selectNodeContents(arguments[0]); const r = g.getBoundingClientRect();"
    " return [r.left, r.right, r.top, r.bottom];"
)


@pytest.mark.parametrize("locale", ["ar", "he"])
@pytest.mark.parametrize("kind", ["faq", "resources"])
def test_right_to_left_pages_are_mirrored(browser, files, locale, kind):
    """Section titles start at the right of their column; the table of contents sits right of the questions,
    its rule right of its entries; the hero's button lines up with the title's right edge."""
    from selenium.webdriver.common.by import By

    _open(browser, files[(locale, kind)], 1280)
    title = browser.find_element(By.CSS_SELECTOR, ".vk-section__title")
    section = browser.execute_script("return arguments[0].parentElement;", title)
    t_left, t_right, *_ = browser.execute_script(TEXT_RECT, title)
    s_left, s_right, *_ = browser.execute_script(RECT, section)
    assert abs(t_right - s_right) < 2 and t_left - s_left > 20, (t_left, t_right, s_left, s_right)
    if kind == "faq":
        toc = browser.find_element(By.CSS_SELECTOR, ".vk-toc__list")
        style = browser.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.borderRightWidth, s.borderLeftWidth];",
            browser.find_element(By.CSS_SELECTOR, ".vk-toc__group ol"),
        )
        assert style[0] != "0px" and style[1] == "0px", style
        main = browser.find_element(By.CSS_SELECTOR, ".vk-content")
        # The table of contents leads the page: on the start side, the right (on the left in English).
        assert browser.execute_script(RECT, toc)[0] > browser.execute_script(RECT, main)[1]
    button = browser.find_element(By.CSS_SELECTOR, ".vk-hero__cta .vk-btn, .vk-hero .vk-btn")
    b_right = browser.execute_script(RECT, button)[1]
    text_right = browser.execute_script(TEXT_RECT, browser.find_element(By.CSS_SELECTOR, ".vk-title"))[1]
    assert abs(b_right - text_right) < 2, (b_right, text_right)


@pytest.mark.parametrize("locale", ["ar", "he"])
@pytest.mark.parametrize("kind", ["faq", "email", "faq-fragment"])
def test_phone_number_reads_left_to_right_in_the_browser(browser, contents, files, locale, kind):
    """The first character of the phone number is drawn left of its last one, on the same line."""
    phone = contents[locale].phone
    _open(browser, files[(locale, kind)], 1280)
    boxes = browser.execute_script(
        """
        const phone = arguments[0];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const at = node.data.indexOf(phone);
          if (at < 0) continue;
          const box = (i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
                               const b = r.getBoundingClientRect(); return [b.left, b.top]; };
          return [box(at), box(at + phone.length - 1)];
        }
        return null;
        """,
        phone,
    )
    assert boxes, f"{phone} not in the page's text"
    (first_x, first_y), (last_x, last_y) = boxes
    assert abs(first_y - last_y) < 2 and first_x < last_x, boxes


@pytest.mark.parametrize(("locale", "transform"), [("ar", "none"), ("ja", "none"), ("en", "uppercase")])
def test_eyebrow_keeps_letters_as_written_in_scripts_without_capitals(browser, files, locale, transform):
    from selenium.webdriver.common.by import By

    _open(browser, files[(locale, "faq")], 1280)
    eyebrow = browser.find_element(By.CSS_SELECTOR, ".vk-eyebrow")
    style = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [s.textTransform, s.letterSpacing];", eyebrow
    )
    assert style[0] == transform and (style[1] == "normal") == (locale != "en"), style


@pytest.mark.parametrize("locale", ["ja", "zh-Hans"])
def test_cjk_body_text_has_room_between_lines(browser, files, locale):
    from selenium.webdriver.common.by import By

    _open(browser, files[(locale, "faq")], 375)
    answer = browser.find_element(By.CSS_SELECTOR, ".vk-qa__a p")
    size, height = browser.execute_script(
        "const s = getComputedStyle(arguments[0]); return [parseFloat(s.fontSize), parseFloat(s.lineHeight)];",
        answer,
    )
    assert height / size >= 1.7, (size, height)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("kind", ["faq", "resources", "email", "faq-fragment"])
@pytest.mark.parametrize("width", [375, 1280])
def test_no_horizontal_overflow(browser, files, locale, kind, width):
    _open(browser, files[(locale, kind)], width)
    scroll, client = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"
    )
    assert scroll <= client, (scroll, client)
