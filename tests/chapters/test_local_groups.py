"""The national site's "Find your local group": every chapter with a live site, read from the
chapters themselves, grouped by region and city, searchable by town, in English and Welsh, in a
fixed number of queries, and purged from the page cache when a chapter changes."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, Page

from chapters.models import Chapter
from chapters.provisioning import offer_languages
from cms.stories.models import StoryIndexPage
from sites.models import SiteSettings
from sites.site_text import set_site_text
from tests.factories import ChapterFactory, StoryFactory

URL = "/local-groups/"
REGIONS = ["wales", "london", "scotland"]


def make_chapter(slug: str, **options) -> Chapter:
    """A chapter as an operator starts it: create_chapter."""
    call_command("create_chapter", slug, stdout=io.StringIO(), **options)
    return Chapter.objects.select_related("site").get(slug=slug)


@pytest.fixture
def cardiff(network) -> Chapter:
    return make_chapter(
        "cardiff",
        name="Cardiff Connects",
        hostname="cardiff.localhost",
        city="Cardiff",
        region="Wales",
        towns="Penarth, Pontypridd, Ynys Môn",
        languages="en,cy",
    )


def get(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_demo_page_lists_coventry_and_is_in_the_national_menu(client, network):
    page = get(client)
    assert "<h1>Find your local group</h1>" in page
    assert "West Midlands" in page and "Connecting for Good" in page
    assert 'href="http://coventry.localhost/"' in page
    assert "Connecting for good in Coventry" in page  # its tagline
    home = get(client, "/")
    assert f'href="{URL}"' in home


def test_a_new_chapter_appears_without_editing_the_page(client, network, cardiff):
    page = get(client)
    assert "Cardiff Connects" in page
    assert 'href="http://cardiff.localhost/"' in page
    assert "Penarth, Pontypridd, Ynys Môn" in page
    # Grouped by region, alphabetically.
    assert page.index(">Wales<") < page.index(">West Midlands<")
    assert page.index("Cardiff Connects") < page.index("Connecting for Good")


def test_chapters_without_a_region_come_last_under_other_areas(client, network):
    make_chapter("york", name="York Together", hostname="york.localhost", city="York")
    page = get(client)
    assert page.index(">West Midlands<") < page.index(">Other areas<") < page.index("York Together")


def test_search_by_town_city_or_region_ignores_case_and_accents(client, network, cardiff):
    for query in ["penarth", "PONTYPRIDD", "ynys mon", "  Ynys   Môn ", "wales", "cardiff"]:
        page = get(client, q=query)
        assert "Cardiff Connects" in page, query
        assert "Connecting for Good" not in page, query
    page = get(client, q="kenilworth")
    assert "Connecting for Good" in page and "Cardiff Connects" not in page
    assert "1 local group near “kenilworth”" in page


def test_no_group_near_a_town_says_so_and_offers_to_start_one(client, network):
    page = get(client, q="Atlantis <b>")
    assert "There is no local group near “Atlantis &lt;b&gt;” yet." in page
    assert "<b>" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    assert 'href="/join/">Start one</a>' in page
    assert 'href="mailto:hello@connectioncoalition.example">contact us</a>' in page
    assert 'role="status"' in page


def test_each_chapter_shows_its_latest_story(client, network, cardiff):
    StoryFactory(site=cardiff.site, title="The Penarth choir", slug="penarth-choir")
    StoryFactory(site=cardiff.site, title="A draft", slug="a-draft", live=False, publish=False)
    page = get(client, q="cardiff")
    assert 'href="http://cardiff.localhost/stories/penarth-choir/">The Penarth choir</a>' in page
    assert "A draft" not in page


def test_a_chapter_whose_home_is_not_live_is_not_listed(client, network, cardiff):
    cardiff.site.root_page.specific.unpublish()
    assert "Cardiff Connects" not in get(client)


def test_the_page_in_welsh(client, network, cardiff):
    set_site_text(cardiff.site, "cy", tagline="Pennod Caerdydd")
    page = get(client, "/cy/local-groups/")
    assert '<html lang="cy"' in page
    assert "Dewch o hyd i’ch grŵp lleol" in page
    assert "Eich tref, dinas neu ranbarth" in page  # the search label, from the catalogue
    assert "Pennod Caerdydd" in page
    assert ">Cymru<" in page and ">Gorllewin Canolbarth Lloegr<" in page  # the regions in Welsh
    assert "Cardiff Connects" in get(client, "/cy/local-groups/", q="cymru")
    # Coventry has no Welsh: its English tagline is marked so, its site linked as English.
    assert 'lang="en">Connecting for good in Coventry' in page
    assert 'href="http://coventry.localhost/" hreflang="en"' in page
    none = get(client, "/cy/local-groups/", q="Atlantis")
    assert "Nid oes grŵp lleol ger “Atlantis” eto." in none


def test_a_new_chapter_and_a_changed_chapter_purge_the_cached_page(client, network, settings):
    settings.PAGE_CACHE_SECONDS = 600
    get(client)
    assert client.get(URL)["X-Page-Cache"] == "hit"
    chapter = make_chapter("hull", name="Hull Hearts", hostname="hull.localhost", city="Hull")
    assert "Hull Hearts" in get(client)
    assert client.get(URL)["X-Page-Cache"] == "hit"
    chapter.region = "yorkshire"
    chapter.save()
    assert "Yorkshire and the Humber" in get(client)
    site_settings = SiteSettings.for_site(chapter.site)
    site_settings.tagline = "Hull's own"
    site_settings.save()
    assert "Hull&#x27;s own" in get(client)
    client.get("/about/")  # another national page, cached
    StoryFactory(site=chapter.site, title="Hull's ferry friends", slug="hull-ferry")
    assert "Hull&#x27;s ferry friends" in get(client)
    # only the finder is purged: the rest of the national site stays cached
    assert client.get("/about/")["X-Page-Cache"] == "hit"


def _chapters_with_stories(count: int) -> None:
    default = Locale.get_default()
    welsh = Locale.objects.get(language_code="cy")
    for index in range(count):
        chapter = ChapterFactory(region=REGIONS[index % 3], towns="A\nB")
        home = chapter.site.root_page
        index_page = StoryIndexPage(title="Stories", slug="stories", locale=default)
        home.add_child(instance=index_page)
        index_page.save_revision().publish()
        StoryFactory(site=chapter.site)
        offer_languages(chapter.site, [welsh])
        set_site_text(chapter.site, "cy", tagline=f"Tagline {index}")


def test_queries_do_not_grow_with_the_number_of_chapters(client, network):
    """The finder in English and in Welsh, at 3 chapters and at 21 (grown once for both)."""
    paths = [URL, "/cy/local-groups/"]

    def queries(path) -> int:
        client.get(path)  # the menu, site and page caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200
        return len(captured)

    _chapters_with_stories(2)
    with_few = {path: queries(path) for path in paths}
    _chapters_with_stories(18)
    assert Chapter.objects.count() == 21
    assert {path: queries(path) for path in paths} == with_few
    assert Page.objects.type(StoryIndexPage).count() >= 21
