"""/stories/ and a story page render in a fixed number of SQL queries, whether the library
holds 20 stories or 10,000."""

import datetime
import itertools

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, Locale

from cms.stories.models import Story, Theme
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST

# Measured on a warm request, as tests/core/test_query_budget.py does (Wagtail's site-root-path and
# rendition caches filled by the request before). Of these, the site, locale, settings, page,
# navigation and footer cost 13 to 15 on any page; the rest is the library's: on the index a
# count, the page of stories, their themes, their images and those images' renditions (both
# prefetched, so a cold rendition cache costs no more), the theme and town filter lists; on a
# story page the story (its home site and that site's root page joined to it), its themes and
# its home site's story index (for the canonical URL).
# Changing these numbers is a decision: say why in the commit.
BUDGET = {"national index": 21, "coventry index": 20, "theme filter": 21, "story page": 16}

SMALL, LARGE = 20, 10_000
THEME_SLUG = "budget-theme"
DETAIL_SLUG = "bulk-00004"  # has a photo and two themes
TOWNS = ["Bristol", "Leeds", "London", "Coventry", "Hull"]


def _grow_library_to(total: int, network, theme: Theme) -> None:
    """Bulk-insert live network stories until the library holds `total` (demo ones included).
    Every fourth has a photo and a second theme; every one has `theme`."""
    existing = Story.objects.count()
    start = Story.objects.filter(slug__startswith="bulk-").count()
    images = list(
        Story.objects.filter(image__isnull=False).values_list("image", flat=True).distinct()
    )
    kindness = Theme.objects.get(slug="kindness", locale=theme.locale)
    stories = [
        Story(
            slug=f"bulk-{index:05d}",
            title=f"Bulk story {index}",
            quote=f"Words from bulk story number {index}, told in the first person.",
            person_name=f"Person {index}",
            person_role="volunteer",
            town=TOWNS[index % len(TOWNS)],
            site=network.national_site,
            reach=Story.Reach.NETWORK,
            live=True,
            locale=theme.locale,
            consent_given_on=datetime.date(2025, 1, 1),
            image_id=images[(index // 4) % len(images)] if index % 4 == 0 else None,
            image_alt=f"Photo {index}" if index % 4 == 0 else "",
            photo_credit="Bulk" if index % 4 == 0 else "",
        )
        for index in range(start, start + total - existing)
    ]
    created = Story.objects.bulk_create(stories, batch_size=2000)
    assert all(story.pk for story in created)
    Through = Story.themes.through
    links = itertools.chain.from_iterable(
        [Through(story_id=story.pk, theme_id=theme.pk)]
        + ([Through(story_id=story.pk, theme_id=kindness.pk)] if index % 4 == 0 else [])
        for index, story in enumerate(created, start=start)
    )
    Through.objects.bulk_create(links, batch_size=2000)
    assert Story.objects.count() == total


def _queries(client, path: str, host: str) -> int:
    assert client.get(path, HTTP_HOST=host).status_code == 200  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return len(captured.captured_queries)


def _measure(client) -> dict[str, int]:
    return {
        "national index": _queries(client, "/stories/", NATIONAL_HOST),
        "coventry index": _queries(client, "/stories/", COVENTRY_HOST),
        "theme filter": _queries(client, f"/stories/?theme={THEME_SLUG}", NATIONAL_HOST),
        "story page": _queries(client, f"/stories/{DETAIL_SLUG}/", COVENTRY_HOST),
    }


def test_story_pages_query_count_does_not_grow_with_the_library(client, network):
    theme = Theme.objects.create(name="Budget", slug=THEME_SLUG, locale=Locale.get_default())
    _grow_library_to(SMALL, network, theme)
    small = _measure(client)
    _grow_library_to(LARGE, network, theme)
    large = _measure(client)
    assert large == small
    assert small == BUDGET


def _cold_rendition_queries(client, path: str, host: str) -> int:
    """Queries for a page whose renditions exist but are not in the cache (Django's default
    cache timeout is 300 s, so in production this is the state every five minutes)."""
    client.get(path, HTTP_HOST=host)  # renditions created, caches warm
    cache.clear()
    client.get("/about/", HTTP_HOST=host)  # Wagtail's site root paths back in the cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_card_photos_do_not_cost_a_query_each(client, network):
    """The index prefetches its cards' renditions: a page of twelve photos costs what a page
    of one does, even when the renditions are not in the cache."""
    theme = Theme.objects.create(name="Budget", slug=THEME_SLUG, locale=Locale.get_default())
    _grow_library_to(SMALL, network, theme)
    newest = list(Story.objects.filter(slug__startswith="bulk-").order_by("-pk")[:12])
    Story.objects.filter(pk__in=[story.pk for story in newest]).update(image=None, image_alt="")
    Image = get_image_model()
    photos = [
        Image.objects.create(
            title=f"Card photo {n}",
            file=get_test_image_file(f"card-{n}.png", size=(800, 500)),
            collection=Collection.get_first_root_node(),
        )
        for n in range(12)
    ]
    Story.objects.filter(pk=newest[0].pk).update(image=photos[0], image_alt="A photo")
    one = _cold_rendition_queries(client, "/stories/", COVENTRY_HOST)
    for story, photo in zip(newest, photos, strict=True):
        Story.objects.filter(pk=story.pk).update(image=photo, image_alt="A photo")
    twelve = _cold_rendition_queries(client, "/stories/", COVENTRY_HOST)
    assert twelve == one, f"{twelve - one} extra queries for 11 more photos"
