"""Fixtures of the network dashboard's tests: a national-team viewer made without the demo, and
sites with subscribers whose confirmations are dated."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone
from wagtail.models import Site

from newsletter.models import ConsentRecord, Subscription
from tests.factories import NewsletterListFactory, SiteFactory, SubscriptionFactory, UserFactory


@pytest.fixture
def network_viewer(db):
    """Sees every site's figures as the national team does (`view_newsletterlist`, global)."""
    user = UserFactory(username="figures-viewer")
    user.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
        Permission.objects.get(codename="view_newsletterlist"),
    )
    return user


def subscribe(newsletter_list, days_ago: float, *, left_days_ago: float | None = None, **record):
    """A subscription confirmed `days_ago` (and unsubscribed `left_days_ago`), with the
    confirmation's consent record (`record`: its source, origin) dated the same."""
    now = timezone.now()
    joined = now - datetime.timedelta(days=days_ago)
    left = now - datetime.timedelta(days=left_days_ago) if left_days_ago is not None else None
    subscription = SubscriptionFactory(
        newsletter_list=newsletter_list,
        confirmed_at=joined,
        unsubscribed_at=left,
        status=Subscription.Status.UNSUBSCRIBED if left else Subscription.Status.CONFIRMED,
    )
    confirmed = ConsentRecord.objects.create(
        subscription=subscription,
        newsletter_list=newsletter_list,
        action=ConsentRecord.Action.CONFIRMED,
        **record,
    )
    ConsentRecord.objects.filter(pk=confirmed.pk).update(at=joined)
    if left:
        ConsentRecord.objects.filter(
            pk=ConsentRecord.objects.create(
                subscription=subscription,
                newsletter_list=newsletter_list,
                action=ConsentRecord.Action.UNSUBSCRIBED,
            ).pk
        ).update(at=left)
    return subscription


@pytest.fixture
def two_sites(db):
    """A national (default) site and a chapter's, each with a list."""
    national = Site.objects.filter(is_default_site=True).first()
    if national is None:
        national = SiteFactory(is_default_site=True, site_name="Figures national")
    chapter = SiteFactory(site_name="Figures chapter")
    return NewsletterListFactory(site=national), NewsletterListFactory(site=chapter)
