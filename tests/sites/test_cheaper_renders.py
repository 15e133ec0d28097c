"""With the page cache on, what every page of a site repeats (its menu, its footer's links, the
story filters) is kept until the site is purged: a page built just after a purge costs fewer
queries than one built with the cache off, still the same however many chapters exist, and
still right for the page being read and after each change."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chapters.models import Chapter
from chapters.provisioning import provision_chapter
from cms.core import page_cache
from cms.stories.models.story import Story
from sites.page_cache import site_tag
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST


def grow_network_to(chapters: int) -> None:
    for index in range(Chapter.objects.count(), chapters):
        provision_chapter(f"town-{index}", f"Town {index}", f"town-{index}.localhost", city="Town")


def cold_queries(site, host: str, path: str, warm: str) -> int:
    """Queries of a page not in the page cache (just purged, as a publish does), on a site
    whose repeated parts another page has built since the purge."""
    Client().get(path, HTTP_HOST=host)  # Wagtail's own caches warm, as in production
    page_cache.purge(site_tag(site))
    Client().get(warm, HTTP_HOST=host)  # another page of the site builds them
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(path, HTTP_HOST=host)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    return len(captured.captured_queries)


def uncached_queries(host: str, path: str) -> int:
    Client().get(path, HTTP_HOST=host)
    with CaptureQueriesContext(connection) as captured:
        Client().get(path, HTTP_HOST=host)
    return len(captured.captured_queries)


# (site, host, the page measured, another page of the site built first since the purge)
PAGES = [("national", NATIONAL_HOST, "/", "/search/"), ("coventry", COVENTRY_HOST, "/", "/search/")]
PAGES += [("national", NATIONAL_HOST, "/cy/", "/cy/search/")]
# Another page of the story index: the filters (themes, towns) are the index's own.
PAGES += [("national", NATIONAL_HOST, "/stories/?page=1", "/stories/")]


def test_a_page_built_after_a_purge_costs_fewer_queries_at_any_size(network, settings):
    """Each page of PAGES, measured on the demo, then again once the network has grown to 12
    chapters (grown once for all of them: making a chapter is most of this test's time)."""
    sites = {"national": network.national_site, "coventry": network.coventry_site}
    measured = {}
    for which, host, path, warm in PAGES:
        settings.PAGE_CACHE_SECONDS = 0
        without = uncached_queries(host, path)
        settings.PAGE_CACHE_SECONDS = 600
        measured[host + path] = (without, cold_queries(sites[which], host, path, warm))
    grow_network_to(12)
    grown = {}
    for which, host, path, warm in PAGES:
        grown[host + path] = cold_queries(sites[which], host, path, warm)
        without, small = measured[host + path]
        print(f"{host}{path}: {without} queries uncached, {small} built after a purge")
    assert {page: small for page, (_, small) in measured.items()} == grown
    assert all(small < without for without, small in measured.values()), measured


def test_the_remembered_menu_marks_the_page_being_read(network, leeds, settings):
    settings.PAGE_CACHE_SECONDS = 600
    for host in (NATIONAL_HOST, LEEDS_HOST):
        Client().get("/", HTTP_HOST=host)  # the menu is remembered here
        about = Client().get("/about/", HTTP_HOST=host).content.decode()
        assert 'href="/about/" aria-current="page"' in about
        assert 'aria-current="page"' not in Client().get("/", HTTP_HOST=host).content.decode()


def test_the_story_filters_follow_a_published_story(network, settings):
    settings.PAGE_CACHE_SECONDS = 600
    before = Client().get("/stories/", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "Kenilworth" not in before
    story = Story.objects.filter(live=True, site=network.coventry_site).first()
    story.town = "Kenilworth"
    story.save_revision().publish()
    after = Client().get("/stories/", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert '<option value="Kenilworth"' in after or ">Kenilworth<" in after


def test_the_footer_links_follow_the_sites_settings(network, settings):
    from sites.models import SiteSettings

    settings.PAGE_CACHE_SECONDS = 600
    assert "mastodon" not in Client().get("/", HTTP_HOST=COVENTRY_HOST).content.decode()
    site_settings = SiteSettings.for_site(network.coventry_site)
    site_settings.social_links.create(platform="mastodon", url="https://mastodon.example/@cov")
    site_settings.save()
    page = Client().get("/", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "https://mastodon.example/@cov" in page


def test_story_cards_are_kept_until_the_story_is_published_again(network, settings):
    settings.PAGE_CACHE_SECONDS = 600
    story = Story.objects.filter(live=True, site=network.coventry_site).first()
    Client().get("/stories/", HTTP_HOST=COVENTRY_HOST)
    Story.objects.filter(pk=story.pk).update(quote="Changed behind the page cache's back")
    page_cache.purge("unrelated")  # nothing this site shows changed: the card is kept
    Client().get("/stories/?page=1", HTTP_HOST=COVENTRY_HOST)
    kept = Client().get("/stories/?page=1", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "Changed behind" not in kept
    story.refresh_from_db()
    story.quote = "Told again, and published"
    story.save_revision().publish()
    fresh = Client().get("/stories/", HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "Told again, and published" in fresh


def test_story_cards_are_built_every_time_with_the_page_cache_off(network, settings):
    settings.PAGE_CACHE_SECONDS = 0
    story = Story.objects.filter(live=True, site=network.coventry_site).first()
    Client().get("/stories/", HTTP_HOST=COVENTRY_HOST)
    Story.objects.filter(pk=story.pk).update(quote="Seen at once without a cache")
    assert "Seen at once" in Client().get("/stories/", HTTP_HOST=COVENTRY_HOST).content.decode()
