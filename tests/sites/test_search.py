"""A site's search finds what a resident looks for on that site: its pages and news, the stories
it shows (the same set as its /stories/: the network's and its own, live and consented) by any
of their words, and the coalition's members on the national site; in Welsh on /cy/. It never
returns another site's pages or local stories, nor drafts or stories whose consent has lapsed.
On the demo's sites and on Leeds, a chapter made by create_chapter."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale

from cms.coalition.models import Member
from cms.core.models import StandardPage
from cms.stories.models import Story, StoryIndexPage
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.factories import StoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def search(client, query: str, host: str = NATIONAL_HOST, path: str = "/search/"):
    response = client.get(path, {"q": query}, HTTP_HOST=host)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def section(doc, heading: str) -> list[str]:
    """The result titles under a section's heading ("Stories", "Coalition members")."""
    for h2 in doc.select("main section h2"):
        if h2.get_text(strip=True) == heading:
            return [a.get_text(strip=True) for a in h2.find_parent("section").select("h3 a")]
    return []


def story_titles(doc) -> list[str]:
    return section(doc, "Stories")


def page_results(doc) -> list[tuple[str, str, str]]:
    """(title, link, type label) of the page results."""
    return [
        (
            li.h2.a.get_text(strip=True),
            li.h2.a["href"],
            li.select_one(".search-result__type").get_text(strip=True),
        )
        for li in doc.select("ol.search-results > li")
    ]


def _story(site, *, publish=True, **fields) -> Story:
    story = StoryFactory(site=site, publish=False, **fields)
    if publish:
        story.save_revision().publish()
    return story


# --- each word of a story ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "query"),
    [
        ("title", "Quillfeather mornings", "Quillfeather"),
        ("quote", "We met at the zibblewort allotment every week.", "zibblewort"),
        ("body", "<p>The marrowlight club changed everything.</p>", "marrowlight"),
        ("person_name", "Ottoline Brackwater", "Ottoline"),
        ("town", "Wexcombe", "Wexcombe"),
    ],
    ids=["title", "quote", "body", "person", "town"],
)
def test_a_story_is_found_by_each_of_its_words(client, network, field, value, query):
    fields = {"title": "A story of connection", field: value}
    story = _story(network.coventry_site, **fields)
    doc = search(client, query, COVENTRY_HOST)
    assert story_titles(doc) == [story.title]
    link = doc.select_one("main section h3 a")["href"]
    assert link == f"/stories/{story.slug}/"


def test_a_story_is_found_by_its_theme(client, network):
    theme = ThemeFactory(name="Glimmerbound gardening")
    story = StoryFactory(site=network.coventry_site, title="Seeds and neighbours", publish=False)
    story.themes = [theme]
    story.save()
    story.save_revision().publish()
    doc = search(client, "Glimmerbound", COVENTRY_HOST)
    assert story_titles(doc) == ["Seeds and neighbours"]
    assert "Glimmerbound gardening" in doc.select_one("main section li").get_text()


@pytest.mark.parametrize(
    ("query", "host", "title"),
    [
        ("Zak", NATIONAL_HOST, "Zak: why not give back?"),
        ("prescriptions", NATIONAL_HOST, "This Mum Runs: prescriptions on the run"),
        ("Rose", COVENTRY_HOST, "Rose: what kind of human being am I going to be?"),
    ],
)
def test_the_demo_stories_residents_look_for_are_found(client, network, query, host, title):
    assert title in story_titles(search(client, query, host))


# --- never another site's, a draft or a lapsed story -------------------------------------------


def test_a_local_story_is_found_on_its_own_site_only_and_a_network_story_everywhere(
    client, network, leeds
):
    _story(leeds.site, title="Vellichor picnic in Leeds")
    _story(network.coventry_site, title="Vellichor walk in Coventry")
    _story(network.national_site, title="Vellichor tea across the network", reach="network")

    def found(host):
        return sorted(story_titles(search(client, "Vellichor", host)))

    assert found(LEEDS_HOST) == ["Vellichor picnic in Leeds", "Vellichor tea across the network"]
    assert found(COVENTRY_HOST) == [
        "Vellichor tea across the network",
        "Vellichor walk in Coventry",
    ]
    assert found(NATIONAL_HOST) == ["Vellichor tea across the network"]


def test_drafts_and_lapsed_stories_are_never_found(client, network, leeds):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    _story(leeds.site, title="Brindlewick draft", publish=False, live=False)
    _story(leeds.site, title="Brindlewick withdrawn", consent_withdrawn_at=timezone.now())
    _story(
        leeds.site,
        title="Brindlewick expired",
        consent_given_on=yesterday - datetime.timedelta(days=30),
        consent_expires_on=yesterday,
    )
    _story(leeds.site, title="Brindlewick shown")
    assert story_titles(search(client, "Brindlewick", LEEDS_HOST)) == ["Brindlewick shown"]


def test_another_sites_page_and_a_draft_page_are_never_found(client, network, leeds):
    for home, title in [
        (network.coventry_home, "Frabjous Coventry page"),
        (leeds.site.root_page, "Frabjous Leeds page"),
    ]:
        page = StandardPage(title=title, slug="frabjous", intro="A frabjous day.")
        home.add_child(instance=page)
        page.save_revision().publish()
    draft = StandardPage(title="Frabjous draft", slug="frabjous-draft", live=False)
    leeds.site.root_page.add_child(instance=draft)
    draft.save_revision()

    leeds_pages = [
        title for title, _link, _kind in page_results(search(client, "frabjous", LEEDS_HOST))
    ]
    assert leeds_pages == ["Frabjous Leeds page"]
    national = page_results(search(client, "frabjous", NATIONAL_HOST))
    assert national == []


# --- members, news, pages by type --------------------------------------------------------------


def test_members_are_found_on_the_national_site_only(client, network, leeds):
    member = Member.objects.filter(locale__language_code="en").order_by("name").first()
    word = member.name.split()[0]
    assert member.name in section(search(client, word, NATIONAL_HOST), "Coalition members")
    for host in (COVENTRY_HOST, LEEDS_HOST):
        assert section(search(client, word, host), "Coalition members") == []


def test_news_is_found_and_labelled_news(client, network):
    results = page_results(search(client, "Encore", NATIONAL_HOST))
    assert (
        "UK organisations collaborate to foster social connections",
        "/news/uk-organisations-collaborate-to-foster-social-connections/",
        "News",
    ) in results


def test_a_page_is_labelled_page_with_a_snippet(client, network, leeds):
    doc = search(client, "chat", LEEDS_HOST)
    assert ("Have a chat", "/get-involved/have-a-chat/", "Page") in page_results(doc)
    result = doc.find("a", href="/get-involved/have-a-chat/").find_parent("li")
    assert "Have a chat with one of our team." in result.get_text()


# --- in Welsh on /cy/ ---------------------------------------------------------------------------


def test_welsh_pages_are_found_on_cy_and_english_ones_on_the_english_search(client, network):
    welsh = page_results(search(client, "Clymblaid", path="/cy/search/"))
    welsh_links = [link for _title, link, _kind in welsh]
    assert "/cy/" in welsh_links and all(link.startswith("/cy/") for link in welsh_links)
    english = page_results(search(client, "Clymblaid"))
    assert english == []
    english_campaign = page_results(search(client, "campaign"))
    assert english_campaign and all(
        not link.startswith("/cy/") for _t, link, _k in english_campaign
    )


def test_welsh_stories_are_found_on_cy_only(client, network):
    welsh = Locale.objects.get(language_code="cy")
    english_index = StoryIndexPage.for_site(network.national_site, Locale.get_default().pk)
    assert english_index.get_translation(welsh).live  # the demo's Welsh /cy/stories/
    story = _story(network.national_site, title="Cwtsh ar y stryd", locale=welsh, reach="network")

    on_cy = search(client, "Cwtsh", path="/cy/search/")
    assert section(on_cy, "Straeon") == ["Cwtsh ar y stryd"]  # the heading in Welsh too
    assert on_cy.select_one("main section h3 a")["href"] == f"/cy/stories/{story.slug}/"
    assert story_titles(search(client, "Cwtsh")) == []


# --- bad input and a bounded number of queries --------------------------------------------------


@pytest.mark.parametrize("query", ['"', "'", "a" * 1000, "Zak " * 250, '"Zak', "*", "(-)"])
@pytest.mark.parametrize("host", [NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST])
def test_odd_input_never_fails(client, leeds, query, host):
    response = client.get("/search/", {"q": query}, HTTP_HOST=host)
    assert response.status_code == 200
    assert "<h1>Search " in response.content.decode()


def test_the_number_of_queries_does_not_grow_with_the_stories_found(
    client, network, django_assert_max_num_queries
):
    _story(network.coventry_site, title="Snickerdoodle one")
    client.get("/search/", {"q": "Snickerdoodle"}, HTTP_HOST=COVENTRY_HOST)  # warm caches
    with CaptureQueriesContext(connection) as one:
        search(client, "Snickerdoodle", COVENTRY_HOST)
    for n in range(11):
        _story(network.coventry_site, title=f"Snickerdoodle {n}")
    with django_assert_max_num_queries(len(one)):
        doc = search(client, "Snickerdoodle", COVENTRY_HOST)
    assert len(story_titles(doc)) == 12
