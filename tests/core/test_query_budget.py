"""The home pages (and the national site's Welsh home) render in a fixed number of SQL queries,
however many chapters exist."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from chapters.models import Chapter
from chapters.provisioning import provision_chapter
from tests.conftest import COVENTRY_HOST

# Measured on a warm request: Wagtail's site-root-path cache was filled by an earlier request, as
# it is in production. (Filling that cache costs Wagtail one query per site, once an hour or
# after a Site changes; that is upstream behaviour, outside the request path measured here.)
# Changing these numbers is a decision: say why in the commit.
# The Welsh home also reads its Welsh site text, menu labels and the English page each link and
# story falls back to: a fixed number more, however many menu items and stories it shows.
BUDGET = {"national": 20, "national_cy": 27, "coventry": 17}  # each has a featured-stories block


def _grow_network_to(chapters: int) -> None:
    for index in range(Chapter.objects.count(), chapters):
        provision_chapter(f"town-{index}", f"Town {index}", f"town-{index}.localhost", city="Town")


def _queries(client, host: str, path: str = "/") -> int:
    assert client.get(path, HTTP_HOST=host).status_code == 200  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_home_pages_query_count_does_not_grow_with_chapters(client, network):
    _grow_network_to(2)
    small = {
        "national": _queries(client, "localhost"),
        "national_cy": _queries(client, "localhost", "/cy/"),
        "coventry": _queries(client, COVENTRY_HOST),
    }
    _grow_network_to(12)
    assert Chapter.objects.count() == 12
    large = {
        "national": _queries(client, "localhost"),
        "national_cy": _queries(client, "localhost", "/cy/"),
        "coventry": _queries(client, COVENTRY_HOST),
    }
    assert large == small
    assert small == BUDGET
