"""A year of the demo network's signups, so the Network dashboard's charts have a history to
draw (`load_demo` only: the test suite's demo network is without it). Each demo list gets
readers who confirmed over the past 52 weeks (more of them lately), some through a member's
widget, a few who left again; then the snapshots of those weeks are back-filled from these
timestamps, as `manage.py snapshot_network --backfill 52w` does. Idempotent: readers already
there are kept as they are."""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from wagtail.models import Site

from cms.network.snapshots import backfill
from newsletter.models import ConsentRecord, NewsletterList, Subscriber, Subscription

HISTORY_WEEKS = 52
SEED = 16
WIDGET_SOURCE = "community-centre"  # a member's own label on its signup widget
WIDGET_ORIGIN = "https://community-centre.example"


def _joined_at(rng: random.Random, now: datetime.datetime) -> datetime.datetime:
    """A moment in the past year, later ones likelier (a growing list)."""
    days = HISTORY_WEEKS * 7 * (1 - rng.random() ** 0.6)
    return now - datetime.timedelta(days=days, minutes=rng.randrange(24 * 60))


def _records(subscription: Subscription, joined, left, widget: bool) -> list[ConsentRecord]:
    source = {"source": WIDGET_SOURCE, "origin": WIDGET_ORIGIN} if widget else {}
    actions = [(ConsentRecord.Action.SUBSCRIBED, joined), (ConsentRecord.Action.CONFIRMED, joined)]
    if left:
        actions.append((ConsentRecord.Action.UNSUBSCRIBED, left))
    return [
        ConsentRecord(
            subscription=subscription,
            newsletter_list=subscription.newsletter_list,
            action=action,
            at=at,
            **source,
        )
        for action, at in actions
    ]


def add_past_readers(site: Site, count: int, rng: random.Random) -> None:
    """`count` readers of the site's list who joined over the past year (see the module)."""
    newsletter_list = NewsletterList.for_site(site)
    prefix = newsletter_list.slug
    now = timezone.now()
    emails = [f"{prefix}-reader-{number:03}@example.org" for number in range(count)]
    if Subscriber.objects.filter(email__in=emails).exists():
        return
    subscribers = Subscriber.objects.bulk_create([Subscriber(email=email) for email in emails])
    subscriptions, records = [], []
    for subscriber in subscribers:
        joined = _joined_at(rng, now)
        left = None
        if rng.random() < 0.12:
            left = joined + (now - joined) * rng.random()
        subscription = Subscription(
            subscriber=subscriber,
            newsletter_list=newsletter_list,
            status=Subscription.Status.UNSUBSCRIBED if left else Subscription.Status.CONFIRMED,
            confirmation_sent_at=joined,
            confirmed_at=joined,
            unsubscribed_at=left,
        )
        subscriptions.append(subscription)
        records.extend(_records(subscription, joined, left, widget=rng.random() < 0.3))
    Subscription.objects.bulk_create(subscriptions)
    for record in records:
        record.subscription_id = record.subscription.pk
    moments = [record.at for record in records]
    created = ConsentRecord.objects.bulk_create(records)  # `at` is auto_now_add: set again
    for record, at in zip(created, moments, strict=True):
        record.at = at
    ConsentRecord.objects.bulk_update(created, ["at"], batch_size=500)


@transaction.atomic
def build_network_history(sites: list[tuple[Site, int]]) -> None:
    """Past readers for each (site, how many), then a year of back-filled snapshots."""
    rng = random.Random(SEED)
    for site, count in sites:
        add_past_readers(site, count, rng)
    backfill(HISTORY_WEEKS)
