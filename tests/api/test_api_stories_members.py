"""/api/v2/stories/ and /api/v2/members/: what each site's /stories/ and /members/ show, and
nothing a reader of them cannot see (emails, consent details, join requests)."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale

from cms.coalition.models import JoinRequest
from cms.stories.models import Story, StoryIndexPage
from tests import shared_chapter
from tests.factories import MemberFactory, StoryFactory

pytestmark = pytest.mark.django_db

PRIVATE_FIELDS = ("submitter_email", "consent", "source", "reach", "live")


def get(client, path, host="localhost", **params):
    return client.get(path, params, HTTP_HOST=host)


def slugs(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["slug"] for item in response.json()["items"]}


def test_each_site_lists_the_network_stories_and_its_own(client, network):
    national = slugs(get(client, "/api/v2/stories/"))
    coventry = slugs(get(client, "/api/v2/stories/", "coventry.localhost"))

    network_stories = {"this-mum-runs", "zak-qpg-hub", "orla-and-jean"}
    assert national == network_stories
    assert coventry == network_stories | {"rose-coventry"}


def test_a_story_item_is_what_its_page_shows(client, network):
    response = get(client, "/api/v2/stories/", "coventry.localhost")
    rose = next(item for item in response.json()["items"] if item["slug"] == "rose-coventry")
    story = Story.objects.get(slug="rose-coventry")

    assert rose["title"] == story.title and rose["quote"] == story.quote
    assert rose["meta"]["html_url"] == "http://coventry.localhost/stories/rose-coventry/"
    assert rose["meta"]["detail_url"] == f"http://coventry.localhost/api/v2/stories/{story.pk}/"
    assert rose["image"]["url"].startswith("http://coventry.localhost/media/images/")
    assert rose["image"]["alt"] == story.image_alt
    assert not [key for key in rose if key.startswith(PRIVATE_FIELDS)]


def test_no_personal_data_leaves(client, network):
    story = Story.objects.get(slug="zak-qpg-hub", locale__language_code="en")
    story.submitter_email = "zak.private@example.org"
    story.save()
    JoinRequest.objects.create(
        organisation="Quiet Org",
        kind="charity",
        contact_name="Private Person",
        contact_email="private.person@example.org",
        region="national",
        reason="To join",
    )

    for path in ("/api/v2/stories/", f"/api/v2/stories/{story.pk}/", "/api/v2/members/"):
        response = get(client, path)
        assert response.status_code == 200
        body = response.content.decode()
        assert "zak-qpg-hub" in body or "age-uk" in body  # the item itself is there
        assert "zak.private@example.org" not in body
        assert "private.person@example.org" not in body and "Private Person" not in body


def test_a_local_story_is_404_on_other_sites(client, network):
    rose = Story.objects.get(slug="rose-coventry")

    assert get(client, f"/api/v2/stories/{rose.pk}/").status_code == 404
    assert get(client, f"/api/v2/stories/{rose.pk}/", "coventry.localhost").status_code == 200


def test_lapsed_consent_and_drafts_disappear(client, network):
    zak = Story.objects.get(slug="zak-qpg-hub", locale__language_code="en")
    zak.consent_expires_on = timezone.localdate() - datetime.timedelta(days=1)
    zak.consent_given_on = zak.consent_expires_on - datetime.timedelta(days=30)
    zak.save()
    StoryFactory(site=network.national_site, reach="network", live=False, publish=False)

    assert slugs(get(client, "/api/v2/stories/")) == {"this-mum-runs", "orla-and-jean"}
    assert get(client, f"/api/v2/stories/{zak.pk}/").status_code == 404
    # The Welsh version follows its English source's consent.
    assert "zak-qpg-hub" not in slugs(get(client, "/api/v2/stories/", locale="cy"))


def test_welsh_stories_where_the_site_offers_welsh(client, network):
    welsh = get(client, "/api/v2/stories/", locale="cy").json()["items"]

    assert {item["meta"]["locale"] for item in welsh} == {"cy"}
    assert {item["title"] for item in welsh} == set(
        Story.objects.filter(locale__language_code="cy", live=True).values_list("title", flat=True)
    )
    assert all(item["meta"]["html_url"].startswith("http://localhost/cy/") for item in welsh)
    refused = get(client, "/api/v2/stories/", "coventry.localhost", locale="cy")
    assert refused.status_code == 400
    assert refused.json()["message"] == "locale: this site is offered in en"


def test_story_filters_and_unknown_parameters(client, network):
    zak = Story.objects.get(slug="zak-qpg-hub", locale__language_code="en")
    assert slugs(get(client, "/api/v2/stories/", town=zak.town)) >= {"zak-qpg-hub"}
    assert slugs(get(client, "/api/v2/stories/", town="Nowhere")) == set()
    assert get(client, "/api/v2/stories/", town="Nowhere\x00").status_code == 400
    theme = zak.themes.first()
    assert "zak-qpg-hub" in slugs(get(client, "/api/v2/stories/", theme=theme.slug))
    unknown = get(client, "/api/v2/stories/", submitter_email="x@example.org")
    assert unknown.status_code == 400
    assert get(client, "/api/v2/stories/", limit=51).status_code == 400


def test_members_on_the_national_site_only(client, network):
    members = get(client, "/api/v2/members/", limit=50).json()
    assert members["meta"]["total_count"] == 8
    age_uk = next(item for item in members["items"] if item["slug"] == "age-uk")
    assert age_uk["meta"]["html_url"] == "http://localhost/members/age-uk/"
    assert age_uk["founding_member"] is True

    coventry = get(client, "/api/v2/members/", "coventry.localhost").json()
    assert coventry == {"meta": {"total_count": 0}, "items": []}
    assert get(client, f"/api/v2/members/{age_uk['id']}/", "coventry.localhost").status_code == 404

    charities = get(client, "/api/v2/members/", kind="charity", limit=50).json()["items"]
    assert charities and {item["kind"] for item in charities} == {"charity"}


def test_members_in_welsh(client, network):
    welsh = get(client, "/api/v2/members/", locale="cy", limit=50).json()["items"]

    assert welsh and {item["meta"]["locale"] for item in welsh} == {"cy"}
    assert all(item["meta"]["html_url"].startswith("http://localhost/cy/") for item in welsh)


def test_a_create_chapter_chapters_stories(client, leeds):
    own = StoryFactory(site=leeds.site, reach="local", slug="leeds-own")
    MemberFactory()

    leeds_slugs = slugs(get(client, "/api/v2/stories/", "leeds.localhost"))
    assert "leeds-own" in leeds_slugs and "zak-qpg-hub" in leeds_slugs
    assert "rose-coventry" not in leeds_slugs
    assert "leeds-own" not in slugs(get(client, "/api/v2/stories/"))
    assert "leeds-own" not in slugs(get(client, "/api/v2/stories/", "coventry.localhost"))
    assert get(client, f"/api/v2/stories/{own.pk}/", "leeds.localhost").status_code == 200
    assert get(client, f"/api/v2/stories/{own.pk}/").status_code == 404
    assert get(client, "/api/v2/members/", "leeds.localhost").json()["meta"]["total_count"] == 0


def test_no_welsh_stories_while_the_welsh_home_is_a_draft(client, leeds):
    shared_chapter.make_leeds(languages="en,cy")  # create_chapter again: Welsh offered
    cy = Locale.objects.get(language_code="cy")
    welsh_home = leeds.site.root_page.get_translation(cy)
    english_index = StoryIndexPage.objects.descendant_of(leeds.site.root_page).get()
    english_index.copy_for_translation(cy, copy_parents=False).save_revision().publish()

    draft_home = get(client, "/api/v2/stories/", "leeds.localhost", locale="cy").json()
    assert draft_home == {"meta": {"total_count": 0}, "items": []}
    welsh_home.specific.save_revision().publish()
    published = get(client, "/api/v2/stories/", "leeds.localhost", locale="cy").json()
    assert "zak-qpg-hub" in {item["slug"] for item in published["items"]}
