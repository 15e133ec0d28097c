"""/oembed/: stories, campaign pages and news articles of our own sites, as a member's website
asks for them by the URL pasted; anything else is a 404 and never a redirect."""

import datetime
import html
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import PageViewRestriction

from cms.core.models import CampaignPage, NewsArticlePage
from cms.stories.models import Story, StoryIndexPage
from tests.factories import StoryFactory

pytestmark = pytest.mark.django_db

ZAK = "http://localhost/stories/zak-qpg-hub/"
ROSE_ON_COVENTRY = "http://coventry.localhost/stories/rose-coventry/"
CAMPAIGN = "http://localhost/community-makes-us/"


def oembed(client, url, **params):
    return client.get("/oembed/", {"url": url, "format": "json", **params})


def news_article() -> NewsArticlePage:
    return NewsArticlePage.objects.live().filter(locale__language_code="en").first()


SAFE_TAGS = {"blockquote", "p", "strong", "footer", "a"}
SAFE_ATTRIBUTES = {"class", "cite", "lang", "href"}


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes, self.links = set(), set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(name for name, _value in attrs)
        self.links += [value for name, value in attrs if name == "href"]


def assert_safe_snippet(snippet: str, link: str) -> None:
    """Only text elements and one link to the page: no script, style, iframe or handler."""
    elements = Elements()
    elements.feed(snippet)
    assert elements.tags <= SAFE_TAGS
    assert elements.attributes <= SAFE_ATTRIBUTES
    assert elements.links == [link]


def test_a_story_is_a_rich_embed_with_its_photo_and_the_site_as_provider(client, network):
    response = oembed(client, ZAK)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    story = Story.objects.get(slug="zak-qpg-hub", locale__language_code="en")
    assert data["type"] == "rich" and data["version"] == "1.0"
    assert data["title"] == story.title
    assert data["provider_name"] == "Connection Coalition"
    assert data["provider_url"] == "http://localhost/"
    assert html.escape(story.quote[:40]) in data["html"]
    assert_safe_snippet(data["html"], ZAK)
    assert data["thumbnail_url"].startswith("http://localhost/media/images/")
    assert 0 < data["thumbnail_width"] <= 640 and 0 < data["thumbnail_height"] <= 400
    thumbnail = data["thumbnail_url"].removeprefix("http://localhost/media/")
    assert story.image.renditions.filter(file=thumbnail).exists()


def test_a_campaign_page_and_a_news_article(client, network):
    campaign = oembed(client, CAMPAIGN).json()
    assert campaign["title"] == "Community Makes Us"
    assert campaign["thumbnail_url"].startswith("http://localhost/media/images/")
    assert_safe_snippet(campaign["html"], CAMPAIGN)

    article = news_article()
    news = oembed(client, article.get_full_url())
    assert news.status_code == 200
    assert news.json()["title"] == article.title
    assert_safe_snippet(news.json()["html"], article.get_full_url())


def test_maxwidth_and_maxheight_bound_the_snippet_and_the_thumbnail(client, network):
    data = oembed(client, ZAK, maxwidth="120", maxheight="90").json()

    assert data["width"] <= 120 and data["height"] <= 90
    assert data["thumbnail_width"] <= 120 and data["thumbnail_height"] <= 90


@pytest.mark.parametrize(
    "params, status",
    [
        ({"format": "xml"}, 501),
        ({"maxwidth": "wide"}, 400),
        ({"maxheight": "-3"}, 400),
        ({"url": ""}, 400),
    ],
)
def test_bad_requests_are_clear_json_errors(client, network, params, status):
    response = client.get("/oembed/", {"url": ZAK, "format": "json", **params})

    assert response.status_code == status
    assert response.json()["error"]


def test_a_chapters_local_story_on_its_own_host_only(client, network):
    rose = oembed(client, ROSE_ON_COVENTRY)
    assert rose.status_code == 200
    assert rose.json()["provider_name"] == "Connecting for Good Coventry"
    assert rose.json()["provider_url"] == "http://coventry.localhost/"

    # Rose is Coventry's own: the national site has no such page, so nothing to embed.
    assert oembed(client, "http://localhost/stories/rose-coventry/").status_code == 404
    # A network story through Coventry's address is Coventry's page of it.
    assert (
        oembed(client, "http://coventry.localhost/stories/zak-qpg-hub/").json()["provider_name"]
        == "Connecting for Good Coventry"
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://evil.example/stories/zak-qpg-hub/",  # not one of our Sites
        "http://localhost.evil.example/stories/zak-qpg-hub/",
        "ftp://localhost/stories/zak-qpg-hub/",
        "javascript:alert(1)//localhost/stories/zak-qpg-hub/",
        "http://localhost/about/",  # ours, but not an embeddable kind of page
        "http://localhost/stories/",  # the story index itself
        "http://localhost/stories/share/",
        "http://localhost/stories/no-such-story/",
        "http://localhost/no-such-page/",
        "http://[::1/",  # not a URL at all
        "http://localhost/stories/\x00/",
        "http://localhost/stories/zak\n-qpg-hub/",
        "http://localhost/" + "a/" * 2000,
    ],
)
def test_urls_that_are_not_our_embeddable_pages_are_404(client, network, url):
    response = oembed(client, url)

    assert response.status_code == 404
    assert "Location" not in response


def test_a_redirect_on_our_site_is_never_followed(client, network):
    """An editor's redirect (wagtail.contrib.redirects) from one of our addresses to a story, or
    to another website, is not a page of ours: 404, no Location."""
    Redirect.objects.create(old_path="/old-zak", site=network.national_site, redirect_link=ZAK)
    Redirect.objects.create(
        old_path="/elsewhere", site=network.national_site, redirect_link="https://evil.example/"
    )
    for url in ("http://localhost/old-zak/", "http://localhost/elsewhere/"):
        response = oembed(client, url)
        assert response.status_code == 404
        assert "Location" not in response


def test_drafts_lapsed_consent_and_private_pages_are_not_embedded(client, network):
    zak = Story.objects.get(slug="zak-qpg-hub", locale__language_code="en")
    zak.consent_withdrawn_at = timezone.now()
    zak.save()
    assert oembed(client, ZAK).status_code == 404

    draft = StoryFactory(
        site=network.national_site, reach=Story.Reach.NETWORK, live=False, publish=False
    )
    assert oembed(client, f"http://localhost/stories/{draft.slug}/").status_code == 404

    campaign = CampaignPage.objects.get(url_path__endswith="/community-makes-us/", locale_id=1)
    PageViewRestriction.objects.create(page=campaign, restriction_type="login")
    assert oembed(client, CAMPAIGN).status_code == 404


def test_the_story_text_is_escaped(client, network):
    StoryFactory(
        site=network.national_site,
        reach=Story.Reach.NETWORK,
        title='<script>alert("t")</script>',
        slug="hostile",
        quote='<img src=x onerror="alert(1)"> quote',
        person_name="<b>Eve</b>",
        consent_given_on=datetime.date.today(),
    )
    data = oembed(client, "http://localhost/stories/hostile/").json()

    assert "<script>" not in data["html"] and "<img" not in data["html"]
    assert "&lt;script&gt;" in data["html"] and "&lt;b&gt;Eve&lt;/b&gt;" in data["html"]
    assert data["title"] == '<script>alert("t")</script>'  # JSON: the consumer escapes it
    assert_safe_snippet(data["html"], "http://localhost/stories/hostile/")


def test_welsh_addresses_embed_in_welsh_where_the_site_offers_it(client, network):
    welsh = oembed(client, "http://localhost/cy/stories/zak-qpg-hub/")
    assert welsh.status_code == 200
    welsh_zak = Story.objects.get(slug="zak-qpg-hub", locale__language_code="cy")
    assert welsh.json()["title"] == welsh_zak.title
    assert "Darllenwch" in welsh.json()["html"]

    welsh_campaign = CampaignPage.objects.get(locale__language_code="cy")
    assert oembed(client, "http://localhost/cy/community-makes-us/").json()["title"] == (
        welsh_campaign.title
    )
    # Coventry offers English only: its /cy/ addresses are not pages.
    assert oembed(client, "http://coventry.localhost/cy/stories/rose-coventry/").status_code == 404


def test_discovery_links_on_stories_campaigns_and_news_only(client, network):
    def discovery(path, host="localhost"):
        page = client.get(path, HTTP_HOST=host).content.decode()
        return re.findall(r'<link rel="alternate" type="application/json\+oembed"[^>]*>', page)

    links = discovery("/stories/zak-qpg-hub/")
    assert len(links) == 1
    href = html.unescape(re.search(r'href="([^"]+)"', links[0]).group(1))
    assert href.startswith("http://localhost/oembed/?url=")
    assert client.get(href.removeprefix("http://localhost")).json()["type"] == "rich"

    assert len(discovery("/community-makes-us/")) == 1
    assert len(discovery(news_article().url)) == 1
    assert len(discovery("/stories/rose-coventry/", host="coventry.localhost")) == 1
    assert discovery("/about/") == []
    assert discovery("/stories/") == []
    assert discovery("/") == []


# --- a chapter made by create_chapter ---------------------------------------------------------


def test_a_create_chapter_chapters_local_story(client, leeds):
    index = StoryIndexPage.objects.live().descendant_of(leeds.site.root_page).get()
    story = StoryFactory(site=leeds.site, reach=Story.Reach.LOCAL, slug="leeds-own")
    url = f"{leeds.site.root_url}/{index.slug}/leeds-own/"

    data = oembed(client, url).json()
    assert data["title"] == story.title
    assert data["provider_name"] == "Leeds Connects"
    assert data["provider_url"] == leeds.site.root_url + "/"
    # Another site's host never shows Leeds's local story.
    assert oembed(client, "http://localhost/stories/leeds-own/").status_code == 404
    assert oembed(client, "http://coventry.localhost/stories/leeds-own/").status_code == 404
