"""hreflang: each page's <head> links its versions in the languages its site offers (where it
exists in them) and x-default; sitemap.xml lists the Welsh pages with xhtml:link alternates.
Only languages the site offers."""

import re

import pytest

from tests.conftest import COVENTRY_HOST, NATIONAL_HOST

from .welsh import (
    CARDIFF_HOST,
    make_welsh_chapter,
    publish_welsh_home,
    translate_page,
    without_welsh,
)


def head_alternates(html: str) -> dict[str, str]:
    head = html[: html.index("</head>")]
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]*)" href="([^"]*)">', head))


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/cy/"])
def test_national_home_links_both_languages(client, network, path):
    html = client.get(path, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert head_alternates(html) == {
        "en": "http://localhost/",
        "cy": "http://localhost/cy/",
        "x-default": "http://localhost/",
    }


@pytest.mark.django_db
def test_a_page_not_in_welsh_has_no_welsh_alternate(client, network):
    without_welsh(network.national_page("about"))
    html = client.get("/about/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert head_alternates(html) == {
        "en": "http://localhost/about/",
        "x-default": "http://localhost/about/",
    }


@pytest.mark.django_db
def test_a_site_without_welsh_has_no_alternates(client, network):
    html = client.get("/about/", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert head_alternates(html) == {}


@pytest.mark.django_db
def test_welsh_chapter_alternates_once_its_pages_are_in_welsh(client, network):
    site = make_welsh_chapter().site
    html = client.get("/", HTTP_HOST=CARDIFF_HOST).content.decode()
    # The Welsh home is still a draft: no Welsh alternate yet.
    assert set(head_alternates(html)) == {"en", "x-default"}
    publish_welsh_home(site)
    translate_page(site.root_page.get_children().get(slug="about"), "Amdanom ni", "amdanom")
    html = client.get("/cy/amdanom/", HTTP_HOST=CARDIFF_HOST).content.decode()
    assert head_alternates(html) == {
        "en": "http://cardiff.localhost/about/",
        "cy": "http://cardiff.localhost/cy/amdanom/",
        "x-default": "http://cardiff.localhost/about/",
    }
    sitemap = client.get("/sitemap.xml", HTTP_HOST=CARDIFF_HOST).content.decode()
    entry = sitemap_entry(sitemap, "http://cardiff.localhost/cy/amdanom/")
    assert sitemap_alternates(entry) == {
        "en": "http://cardiff.localhost/about/",
        "cy": "http://cardiff.localhost/cy/amdanom/",
        "x-default": "http://cardiff.localhost/about/",
    }
    assert sitemap_alternates(sitemap_entry(sitemap, "http://cardiff.localhost/news/")) == {}


def sitemap_entry(sitemap: str, loc: str) -> str:
    match = re.search(rf"<url>\s*<loc>{re.escape(loc)}</loc>.*?</url>", sitemap, re.S)
    assert match, f"{loc} not in the sitemap"
    return match.group(0)


def sitemap_alternates(entry: str) -> dict[str, str]:
    return dict(
        re.findall(r'<xhtml:link rel="alternate" hreflang="([^"]*)" href="([^"]*)"/>', entry)
    )


@pytest.mark.django_db
def test_national_sitemap_lists_welsh_home_with_alternates(client, network):
    without_welsh(network.national_page("about"))
    sitemap = client.get("/sitemap.xml", HTTP_HOST=NATIONAL_HOST).content.decode()
    expected = {
        "en": "http://localhost/",
        "cy": "http://localhost/cy/",
        "x-default": "http://localhost/",
    }
    assert sitemap_alternates(sitemap_entry(sitemap, "http://localhost/cy/")) == expected
    assert sitemap_alternates(sitemap_entry(sitemap, "http://localhost/")) == expected
    assert sitemap_alternates(sitemap_entry(sitemap, "http://localhost/about/")) == {}


@pytest.mark.django_db
def test_coventry_sitemap_has_no_alternates(client, network):
    sitemap = client.get("/sitemap.xml", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "xhtml:link" not in sitemap
    assert "/cy/" not in sitemap


@pytest.mark.django_db
def test_a_story_page_does_not_claim_its_index_pages_alternates(client, network):
    html = client.get("/stories/", HTTP_HOST=NATIONAL_HOST).content.decode()
    story = re.search(r'story-card__title"><a href="(/stories/[^"]+/)"', html).group(1)
    story_html = client.get(story, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert "http://localhost/stories/" not in head_alternates(story_html).values()
