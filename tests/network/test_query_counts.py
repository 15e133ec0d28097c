"""The Network page, its CSV, a measure's chart and a chapter editor's dashboard cost a fixed
number of queries: the same at 2 and 50 chapters, and at 100 and 100,000 subscribers (made
with one INSERT ... SELECT generate_series on PostgreSQL)."""

import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cms.network.snapshots import backfill
from tests.factories import NewsletterListFactory, SiteFactory
from tests.network.conftest import subscribe

PAGES = [
    reverse("network_admin:index") + "?ordering=-change_4w",
    reverse("network_admin:csv"),
    reverse("network_admin:measure", args=["subscribers"]) + "?weeks=52",
]


def queries(client: Client, url: str) -> int:
    """Queries of a warm request (the first fills the per-process caches: content types,
    the user's permissions in the session)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def add_chapters(count: int) -> None:
    for _number in range(count):
        newsletter_list = NewsletterListFactory(site=SiteFactory())
        subscribe(newsletter_list, days_ago=3)


def test_the_same_queries_at_2_and_50_chapters(client, network_viewer):
    client.force_login(network_viewer)
    add_chapters(2)
    backfill(4)
    few = {url: queries(client, url) for url in PAGES}
    add_chapters(48)
    backfill(4)
    many = {url: queries(client, url) for url in PAGES}
    assert many == few
    # 12 measures, the sites and their trees, past snapshots, last sends, the links (the
    # user's story sites and editable roots), and the admin's own (session, menu).
    assert few[PAGES[0]] <= 35, few


BULK_SUBSCRIBERS = """
WITH people AS (
    INSERT INTO newsletter_subscriber (email, language, token, created_at)
    SELECT 'bulk-' || n || '@example.test', 'en', md5('bulk' || n) || md5('token' || n), now()
    FROM generate_series(%(start)s, %(stop)s) AS n
    RETURNING id
), joined AS (
    INSERT INTO newsletter_subscription
        (subscriber_id, newsletter_list_id, name, status, language, created_at, confirmed_at)
    SELECT id, %(list)s, '', 'confirmed', '', now(), now() - interval '3 days' FROM people
    RETURNING id
)
INSERT INTO newsletter_consentrecord
    (subscription_id, newsletter_list_id, action, at, source_url, source, origin, wording)
SELECT id, %(list)s, 'confirmed', now() - interval '3 days', '', '', '', '' FROM joined
"""


def add_subscribers(newsletter_list, start: int, stop: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(BULK_SUBSCRIBERS, {"start": start, "stop": stop, "list": newsletter_list.pk})


def test_the_same_queries_at_100_and_100000_subscribers(client, network_viewer):
    if connection.vendor != "postgresql":
        pytest.skip("the 100,000 subscribers are made with PostgreSQL's generate_series")
    client.force_login(network_viewer)
    newsletter_list = NewsletterListFactory(site=SiteFactory())
    add_subscribers(newsletter_list, 1, 100)
    few = {url: queries(client, url) for url in PAGES}
    add_subscribers(newsletter_list, 101, 100_000)
    many = {url: queries(client, url) for url in PAGES}
    assert many == few
    started = time.perf_counter()
    body = client.get(PAGES[0]).content.decode()
    seconds = time.perf_counter() - started
    assert ">100000<" in body.replace(" ", "").replace("\n", "")
    print(f"Network page at 100,000 subscribers: {few[PAGES[0]]} queries, {seconds:.2f} s")


def test_a_chapter_editors_panel_costs_the_same_at_2_and_50_chapters(coventry_client, network):
    home = reverse("wagtailadmin_home")
    few = queries(coventry_client, home)
    add_chapters(48)
    assert queries(coventry_client, home) == few
