"""The page cache, as residents and editors meet it: anonymous pages served from the cache with
no database query, never someone else's view of them, forms that still work, and every change
an editor makes live on the next request, on exactly the sites that show it."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.coalition.models.members import Member
from cms.core import antispam
from cms.stories.models.story import Story
from cms.stories.tasks import withdraw_lapsed_stories
from newsletter.models import Subscription
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST

CACHED_PAGES = [(NATIONAL_HOST, "/"), (NATIONAL_HOST, "/about/"), (NATIONAL_HOST, "/stories/")]
CACHED_PAGES += [(COVENTRY_HOST, "/"), (NATIONAL_HOST, "/cy/"), (NATIONAL_HOST, "/sitemap.xml")]
CACHED_PAGES += [(NATIONAL_HOST, "/robots.txt"), (COVENTRY_HOST, "/theme.css")]
CACHED_PAGES += [(NATIONAL_HOST, "/newsletter/")]


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_CACHE_SHARED_SECONDS = 120


def fetch(host: str, path: str = "/", client: Client | None = None, **extra):
    return (client or Client()).get(path, HTTP_HOST=host, **extra)


def served(host: str, path: str = "/"):
    """A second anonymous visit, its cache verdict and how many queries it made."""
    with CaptureQueriesContext(connection) as queries:
        response = fetch(host, path)
    return response, len(queries)


def text(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize(("host", "path"), CACHED_PAGES)
def test_the_second_anonymous_visit_comes_from_the_cache_without_a_query(network, host, path):
    first = fetch(host, path)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    second, queries = served(host, path)
    assert second["X-Page-Cache"] == "hit" and queries == 0
    assert second.status_code == 200 and second["Content-Type"] == first["Content-Type"]
    shared = "private" not in second["Cache-Control"]  # a page with a form is this server's
    assert shared == ("csrfmiddlewaretoken" not in text(second))
    assert ("s-maxage=120" in second["Cache-Control"]) == shared


def test_a_chapter_made_by_create_chapter_is_cached_and_purged_on_its_own(leeds, network):
    fetch(LEEDS_HOST)
    fetch(COVENTRY_HOST)
    assert served(LEEDS_HOST)[0]["X-Page-Cache"] == "hit"
    settings = SiteSettings.for_site(leeds.site)
    settings.tagline = "Leeds, together again"
    settings.save()
    response, _ = served(LEEDS_HOST)
    assert response["X-Page-Cache"] == "miss" and "Leeds, together again" in text(response)
    assert served(COVENTRY_HOST)[0]["X-Page-Cache"] == "hit"  # another site is not purged


def test_each_site_and_language_has_its_own_entry(network):
    national, coventry = fetch(NATIONAL_HOST), fetch(COVENTRY_HOST)
    welsh = fetch(NATIONAL_HOST, "/cy/")
    assert served(COVENTRY_HOST)[0].content == coventry.content != national.content
    assert 'lang="cy"' in text(served(NATIONAL_HOST, "/cy/")[0]) and 'lang="cy"' in text(welsh)
    assert 'lang="cy"' not in text(served(NATIONAL_HOST)[0])[:200]


def test_a_signed_in_editor_never_gets_or_leaves_a_cached_page(network, national_client):
    fetch(NATIONAL_HOST)
    editor_view = fetch(NATIONAL_HOST, client=national_client)
    assert "X-Page-Cache" not in editor_view  # not even looked up with a session cookie
    assert "wagtail-userbar" in text(editor_view)  # the editor's own view of the page
    assert served(NATIONAL_HOST)[0]["X-Page-Cache"] == "hit"


def test_a_draft_never_shows_and_publishing_it_shows_at_once(network):
    about = network.national_page("about")
    fetch(NATIONAL_HOST, "/about/")
    about.title = "About us, in draft"
    about.save_revision()
    response, _ = served(NATIONAL_HOST, "/about/")
    assert response["X-Page-Cache"] == "hit" and "About us, in draft" not in text(response)
    about.get_latest_revision().publish()
    response, _ = served(NATIONAL_HOST, "/about/")
    assert response["X-Page-Cache"] == "miss" and "About us, in draft" in text(response)
    # The menu of every page of the site names it: the home page was purged with it.
    assert served(NATIONAL_HOST)[0]["X-Page-Cache"] == "miss"


def test_unpublishing_and_deleting_a_page_answer_404_at_once(network):
    about = network.national_page("about")
    fetch(NATIONAL_HOST, "/about/")
    about.unpublish()
    assert served(NATIONAL_HOST, "/about/")[0].status_code == 404
    fetch(COVENTRY_HOST, "/")
    network.coventry_home.get_children().live().first().specific.delete()
    assert served(COVENTRY_HOST)[0]["X-Page-Cache"] == "miss"


def test_moving_a_page_purges_both_places(network):
    about = network.national_page("about")
    target = network.national_page("stories")
    fetch(NATIONAL_HOST, "/about/")
    fetch(NATIONAL_HOST)
    about.move(target, pos="last-child")
    old_address = served(NATIONAL_HOST, "/about/")[0]
    assert old_address.status_code == 301  # Wagtail's redirect to where it went, not the page
    assert old_address["Location"].endswith("/stories/about/")
    assert served(NATIONAL_HOST)[0]["X-Page-Cache"] == "miss"


def test_a_page_behind_a_password_is_never_shown_from_the_cache(network):
    about = network.national_page("about")
    fetch(NATIONAL_HOST, "/about/")
    assert served(NATIONAL_HOST, "/about/")[0]["X-Page-Cache"] == "hit"
    PageViewRestriction.objects.create(page=about, restriction_type="password", password="x")
    for _ in range(2):  # adding the restriction purged the site: the password form, not the page
        response = fetch(NATIONAL_HOST, "/about/")
        assert "Why now?" not in text(response) and 'name="password"' in text(response)


def test_posts_and_form_errors_are_never_cached(network):
    client = Client()
    page = client.post("/subscriptions/subscribe/", {"email": "nope"}, HTTP_HOST=NATIONAL_HOST)
    assert "X-Page-Cache" not in page
    again = client.get("/subscriptions/subscribe/", HTTP_HOST=NATIONAL_HOST)
    assert "nope" not in text(again)


def test_a_404_is_kept_briefly(network, settings):
    settings.PAGE_CACHE_NOT_FOUND_SECONDS = 30
    assert fetch(NATIONAL_HOST, "/no-such-page/").status_code == 404
    response, queries = served(NATIONAL_HOST, "/no-such-page/")
    assert response.status_code == 404 and response["X-Page-Cache"] == "hit" and queries == 0
    settings.PAGE_CACHE_NOT_FOUND_SECONDS = 0
    assert fetch(NATIONAL_HOST, "/also-missing/")["X-Page-Cache"] == "pass"


# --- forms on cached pages -----------------------------------------------------------------

NEWSLETTER = "/newsletter/"  # the newsletter page carries the signup form
SIGNUP_FORM = re.compile(r'<form class="form newsletter-signup__form".*?</form>', re.S)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')


class _Later:
    """time.time() 100 s on, for the spam checks' module: the moment a cached page is served."""

    def __init__(self, real):
        self.real = real

    def time(self):
        return self.real.time() + 100


def test_a_cached_form_gets_a_fresh_token_and_timestamp_and_still_subscribes(
    network, settings, monkeypatch
):
    fetch(NATIONAL_HOST, NEWSLETTER)
    monkeypatch.setattr(antispam, "time", _Later(time))
    resident = Client(enforce_csrf_checks=True)
    page = fetch(NATIONAL_HOST, NEWSLETTER, client=resident)
    assert page["X-Page-Cache"] == "hit" and "private" in page["Cache-Control"]
    assert "csrftoken" in page.cookies  # the token the form carries has its cookie
    fields = dict(HIDDEN.findall(SIGNUP_FORM.search(text(page))[0]))
    assert "\x00" not in text(page) and fields["csrfmiddlewaretoken"]
    signed_at = float(fields["form_started"].split(":")[0])
    assert signed_at > time.time() + 90  # signed as this visit was served, not when stored
    monkeypatch.setattr(antispam, "time", time)
    settings.ANTISPAM_MIN_SECONDS = -200  # the token is from "the future" of the real clock
    response = resident.post(
        "/subscriptions/subscribe/",
        {**fields, "email": "resident@example.org", "consent": "on", "language": "en"},
        HTTP_HOST=NATIONAL_HOST,
    )
    assert response.status_code == 303
    assert Subscription.objects.filter(subscriber__email="resident@example.org").exists()


def test_a_cached_form_without_its_csrf_cookie_is_refused_as_ever(network):
    fetch(NATIONAL_HOST, NEWSLETTER)
    page = fetch(NATIONAL_HOST, NEWSLETTER)
    fields = dict(HIDDEN.findall(SIGNUP_FORM.search(text(page))[0]))
    stranger = Client(enforce_csrf_checks=True)
    response = stranger.post(
        "/subscriptions/subscribe/",
        {**fields, "email": "bot@example.org", "consent": "on"},
        HTTP_HOST=NATIONAL_HOST,
    )
    assert response.status_code == 403


# --- what purges: stories, members, settings -------------------------------------------------


def _story(network, **fields) -> Story:
    return Story.objects.filter(live=True, **fields).first()


def test_a_local_story_purges_its_site_only(network):
    story = _story(network, site=network.coventry_site, reach=Story.Reach.LOCAL)
    fetch(COVENTRY_HOST, "/stories/")
    fetch(NATIONAL_HOST, "/stories/")
    story.title = "A Coventry story, retold"
    story.save_revision().publish()
    response, _ = served(COVENTRY_HOST, "/stories/")
    assert response["X-Page-Cache"] == "miss" and "A Coventry story, retold" in text(response)
    assert served(NATIONAL_HOST, "/stories/")[0]["X-Page-Cache"] == "hit"


def test_a_network_story_purges_every_site(network, leeds):
    story = _story(network, reach=Story.Reach.NETWORK)
    for host in (NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST):
        fetch(host, "/stories/")
    story.unpublish()
    for host in (NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST):
        response, _ = served(host, "/stories/")
        assert response["X-Page-Cache"] == "miss" and story.title not in text(response)


def test_a_story_whose_consent_lapses_leaves_the_cached_pages(network):
    story = _story(network, reach=Story.Reach.NETWORK)
    fetch(COVENTRY_HOST, "/stories/")
    Story.objects.filter(pk=story.pk).update(consent_withdrawn_at="2026-01-01T00:00:00Z")
    withdraw_lapsed_stories()
    assert story.title not in text(served(COVENTRY_HOST, "/stories/")[0])


def test_a_member_change_purges_every_site(network):
    member = Member.objects.first()
    fetch(NATIONAL_HOST)
    fetch(COVENTRY_HOST)
    member.name = "Renamed member"
    member.save()
    assert served(NATIONAL_HOST)[0]["X-Page-Cache"] == "miss"
    assert served(COVENTRY_HOST)[0]["X-Page-Cache"] == "miss"


def test_a_sites_settings_purge_that_site_only(network):
    fetch(NATIONAL_HOST)
    fetch(COVENTRY_HOST)
    settings = SiteSettings.for_site(network.coventry_site)
    settings.tagline = "A new Coventry tagline"
    settings.save()
    assert "A new Coventry tagline" in text(served(COVENTRY_HOST)[0])
    assert served(NATIONAL_HOST)[0]["X-Page-Cache"] == "hit"
