"""The API's listings cost a fixed number of queries however many items a page holds."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail_factories import ImageFactory

from tests.factories import MemberFactory, StoryFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def queries(client, path) -> int:
    client.get(path)  # every rendition made
    cache.clear()  # renditions looked up in the database, not Wagtail's cache of them
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


def test_stories_and_members_listings_do_not_grow_with_their_items(client, network):
    theme = ThemeFactory()
    few_stories = queries(client, "/api/v2/stories/?limit=50")
    few_members = queries(client, "/api/v2/members/?limit=50")

    for _number in range(10):  # each with a photo of its own: a rendition each to look up
        story = StoryFactory(
            site=network.national_site, reach="network", image=ImageFactory(), image_alt="A photo"
        )
        story.themes.add(theme)
        MemberFactory(logo=ImageFactory())
    assert client.get("/api/v2/stories/?limit=50").json()["meta"]["total_count"] == 13

    assert queries(client, "/api/v2/stories/?limit=50") == few_stories
    assert queries(client, "/api/v2/members/?limit=50") == few_members
