"""resources.html: team links from sources, the client downloads table, links by file name, escaped text."""

from __future__ import annotations

import pytest

from tests.conftest import make_content, make_context
from tests.faq_support import (
    HOSTILE,
    LONG_NAME,
    empty_elements,
    parse_document,
    render,
    style_text,
    text_of,
)
from visitkit.render import resources_page

MODULE = "visitkit.render.resources_page"


@pytest.fixture(scope="module")
def sample():
    content = make_content("sample")
    data = resources_page.render(make_context(MODULE, content))
    return data, parse_document(data), content


def test_document_and_headings(sample):
    _, root, content = sample
    assert (root.get("lang"), root.get("dir")) == (content.lang, content.dir)
    assert root.findtext(".//title") == f"{content.resources.title} | {content.name}"
    assert [text_of(h) for h in root.xpath("//h1")] == [content.resources.title]
    h2 = [text_of(h) for h in root.xpath("//h2")]
    assert h2[:2] == [content.resources.team_heading, content.resources.clients_heading]
    assert empty_elements(root) == []


def test_team_links_come_from_the_sources(sample):
    _, root, content = sample
    (team,) = root.xpath("//section[@aria-labelledby='vk-res-team']")
    links = [(text_of(a).removesuffix("→"), a.get("href")) for a in team.xpath(".//a")]
    assert links == [(link.label, link.url) for link in content.resources.team_links]
    assert len(links) == 4 and all(url.startswith("https://") for _, url in links)


def test_client_downloads_link_to_files_by_name(sample):
    _, root, content = sample
    (clients,) = root.xpath("//section[@aria-labelledby='vk-res-clients']")
    hrefs = [a.get("href") for a in clients.xpath(".//a")]
    assert hrefs[0] == content.links["join_help"]
    assert "faq.html" in hrefs
    (table,) = clients.xpath(".//table")
    assert table.get("aria-labelledby") == "vk-res-caption"
    assert [text_of(th) for th in table.xpath(".//th")] == [
        content.resources.labels["column_preview"], content.resources.labels["column_details"]
    ]
    (image,) = table.xpath(".//img")
    assert image.get("src") == "infographic.png"
    assert image.get("alt") == f"{content.resources.labels['thumbnail_alt']}: {content.infographic.title}"
    assert image.getparent().get("href") == "infographic.pdf"
    downloads = {text_of(a): a.get("href") for a in table.xpath(".//a[contains(@class, 'vk-btn')]")}
    assert downloads == {
        content.resources.labels["download_pdf"]: "infographic.pdf",
        content.resources.labels["download_pptx"]: "infographic.pptx",
    }
    targets = root.xpath("//a/@href | //img/@src")
    relative = {t for t in targets if not t.startswith(("https:", "http:", "mailto:", "tel:", "#", "data:"))}
    assert relative == {*resources_page.FILES, "faq.html"}


def test_self_contained_but_for_the_thumbnail(sample):
    data, root, _ = sample
    policy = root.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in policy and "img-src 'self' data:" in policy
    assert b"<script" not in data
    assert "@import" not in style_text(root)


def test_hostile_text_is_escaped(tmp_path):
    data, content = render(MODULE, tmp_path, {"name": HOSTILE, "links.join_help": "https://help.example/?a=1&b=2"})
    assert b"<script>alert(1)" not in data and b"?a=1&amp;b=2" in data
    root = parse_document(data)
    assert HOSTILE in text_of(root.find("body"))
    assert not root.xpath("//script")


@pytest.mark.parametrize("locale", ["en", "es"])
def test_long_name_in_both_languages(tmp_path, locale):
    data, content = render(MODULE, tmp_path, {"locales": ["en", "es"], "name": LONG_NAME}, locale=locale)
    root = parse_document(data)
    assert root.get("lang") == locale
    assert LONG_NAME in text_of(root.find("body"))
    assert text_of(root.xpath("//h1")[0]) == content.resources.title
