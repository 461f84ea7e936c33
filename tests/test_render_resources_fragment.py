"""resources.fragment.html: one scoped section without script; links absolute when the bundle's address is known."""

from __future__ import annotations

import re

import pytest

from tests.conftest import make_content, make_context
from tests.faq_support import (
    HOSTILE,
    css_rules,
    example_contents,
    fragment,
    internal_references,
    render,
    selectors,
    style_text,
    text_of,
)
from tests.test_render_email_html import BASE, HOSTED
from visitkit.render import faq_fragment, html, resources_fragment, resources_page

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
    assert f"vk-resources-{content.org_id}" in root.get("class").split()
    assert (root.get("lang"), root.get("dir")) == (content.lang, content.dir)
    assert root.get("aria-label") == content.resources.title
    assert not root.xpath(".//script|.//h1") and b"<script" not in data
    assert [text_of(h) for h in root.xpath(".//h2")] == [
        content.resources.team_heading, content.resources.clients_heading
    ]


def test_every_rule_is_scoped(sample):
    _, root, content = sample
    scope = f".vk-resources-{content.org_id}"
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


# ------------------------------------------- both fragments on one host page (issue 12 §1)

PREFIXES = {"faq": "vk-faq-", "resources": "vk-res-"}


def _both(content, level=2):
    roots = {}
    for kind, module in (("faq", faq_fragment), ("resources", resources_fragment)):
        roots[kind] = fragment(module.render(make_context(module.__name__, content, heading_level=level)))
    return roots


def _scope(root) -> str:
    (scope,) = [c for c in root.get("class").split() if c.startswith(("vk-faq-", "vk-resources-"))]
    return scope


@pytest.mark.parametrize("level", [2, 4])
def test_every_id_is_prefixed_and_every_reference_stays_inside(level):
    checked = 0
    for content in example_contents():
        for kind, root in _both(content, level).items():
            ids = root.xpath(".//@id")
            assert ids and len(ids) == len(set(ids)), (content.org_id, kind)
            assert [i for i in ids if not i.startswith(PREFIXES[kind])] == [], (content.org_id, kind)
            references = internal_references(root)
            assert references, (content.org_id, kind)  # sections are labelled by their headings
            assert [r for r in references if r[1] not in ids] == [], (content.org_id, content.lang, kind)
            checked += 1
    assert checked >= 2 * 5


def test_the_two_fragments_share_no_id_and_no_scope_and_style_only_themselves():
    for content in example_contents():
        roots = _both(content)
        faq_ids, res_ids = (set(r.xpath(".//@id")) for r in roots.values())
        assert not faq_ids & res_ids, content.org_id
        scopes = {kind: _scope(root) for kind, root in roots.items()}
        assert scopes == {kind: html.scope_class(content.org_id, kind) for kind in roots}
        assert scopes["faq"] != scopes["resources"]
        assert not set(roots["faq"].get("class").split()) & set(roots["resources"].get("class").split()) - {""}
        for kind, root in roots.items():
            other = scopes["resources" if kind == "faq" else "faq"]
            css = style_text(root)
            assert other not in css
            for prelude, _ in css_rules(css):
                assert all(sel.startswith("." + scopes[kind]) for sel in selectors(prelude)), prelude


def test_each_fragment_carries_only_its_own_components():
    content = make_content("sample")
    roots = _both(content)
    faq_css, res_css = (style_text(r) for r in roots.values())
    assert ".vk-qa" in faq_css and ".vk-contact" in faq_css and ".vk-res-" not in faq_css
    assert ".vk-res-link" in res_css and ".vk-qa" not in res_css and ".vk-contact" not in res_css
    # Every class a rule styles is one the fragment uses (no dead weight copied from the other fragment).
    for root, css in ((roots["faq"], faq_css), (roots["resources"], res_css)):
        used = {c for e in root.iter() if isinstance(e.tag, str) for c in (e.get("class") or "").split()}
        styled = set(re.findall(r"\.(vk-[a-z0-9_-]+)", css)) - {_scope(root)}
        assert styled - used == set(), sorted(styled - used)


def test_print_addresses_follow_links_in_readable_form(sample):
    _, root, content = sample
    for link in root.xpath(".//a[@href]"):
        href, shown = link.get("href"), link.get("data-vk-url")
        if href.startswith(("https:", "http:")):
            assert shown and "://" not in shown and shown in href.replace("www.", ""), href
        else:
            assert shown is None, href  # relative file names mean nothing on paper
    faq = fragment(faq_fragment.render(make_context(faq_fragment.__name__, content)))
    for link in faq.xpath(".//a[@href]"):
        if link.get("href").startswith("#"):
            assert link.get("data-vk-url") is None
    assert 'a[data-vk-url]::after' in style_text(root)


@pytest.mark.parametrize(
    ("href", "text", "shown"),
    [
        ("https://www.example.com/book/", "Book now", "example.com/book"),
        ("https://xn--bcher-kva.example/", "Books", "bücher.example"),
        ("mailto:care@example.com", "Email us", "care@example.com"),
        ("mailto:care@example.com", "care@example.com", ""),  # the text already shows it
        ("tel:+15550102000", "Call", "+15550102000"),
        ("#vk-faq-booking", "Booking", ""),
        ("infographic.pdf", "Download", ""),
        ("https://example.com/a", "see example.com/a", ""),
    ],
)
def test_print_url(href, text, shown):
    assert html.print_url(href, text) == shown
