"""resources.fragment.html: one scoped section without script; links absolute when the bundle's address is known."""

from __future__ import annotations

import pytest

from tests.conftest import make_content, make_context
from tests.faq_support import HOSTILE, css_rules, fragment, render, selectors, style_text, text_of
from tests.test_render_email_html import BASE, HOSTED
from visitkit.render import resources_fragment, resources_page

MODULE = "visitkit.render.resources_fragment"
FORBIDDEN_AT_RULES = {"@import", "@font-face", "@namespace", "@page", "@charset", "@property"}


@pytest.fixture(scope="module")
def sample():
    content = make_content("sample")
    data = resources_fragment.render(make_context(MODULE, content))
    return data, fragment(data), content


def test_one_root_section_without_script_or_h1(sample):
    data, root, content = sample
    assert root.tag == "section" and "vk-resources" in root.get("class").split()
    assert f"vk-faq-{content.org_id}" in root.get("class").split()
    assert (root.get("lang"), root.get("dir")) == (content.lang, content.dir)
    assert root.get("aria-label") == content.resources.title
    assert not root.xpath(".//script|.//h1") and b"<script" not in data
    assert [text_of(h) for h in root.xpath(".//h2")] == [
        content.resources.team_heading, content.resources.clients_heading
    ]


def test_every_rule_is_scoped(sample):
    _, root, content = sample
    scope = f".vk-faq-{content.org_id}"
    rules = css_rules(style_text(root))
    assert rules
    for prelude, _ in rules:
        assert prelude not in FORBIDDEN_AT_RULES, prelude
        for selector in selectors(prelude):
            assert selector.startswith(scope), selector


def test_heading_level_option():
    content = make_content("sample")
    root = fragment(resources_fragment.render(make_context(MODULE, content, heading_level=4)))
    assert len(root.xpath(".//h4")) == 2 and not root.xpath(".//h2|.//h3")
    with pytest.raises(ValueError):
        resources_fragment.render(make_context(MODULE, content, heading_level=1))


def test_links_by_file_name_without_an_assets_url(sample):
    _, root, _ = sample
    targets = set(root.xpath(".//a/@href | .//img/@src"))
    assert set(resources_page.FILES) <= targets
    assert "faq.html" not in targets  # where the FAQ lives on the host site is unknown: no broken link


def test_absolute_links_below_the_assets_url(tmp_path):
    data, _ = render(MODULE, tmp_path, HOSTED)
    root = fragment(data)
    targets = set(root.xpath(".//a/@href | .//img/@src"))
    assert {f"{BASE}en/{name}" for name in (*resources_page.FILES, "faq.html")} <= targets
    assert not targets & set(resources_page.FILES)


def test_hostile_text_is_escaped():
    # The fragment shows no profile text but links; every label is escaped all the same.
    content = make_content("sample")
    resources = content.resources.model_copy(update={"team_intro": HOSTILE, "clients_heading": HOSTILE})
    data = resources_fragment.render(make_context(MODULE, content.model_copy(update={"resources": resources})))
    root = fragment(data)
    assert not root.xpath(".//script") and b"<script>alert" not in data
    assert text_of(root.xpath(".//h2")[1]) == HOSTILE
