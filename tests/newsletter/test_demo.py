"""The demo's newsletters (`load_demo`): a list per site with confirmed subscribers and their
consent, Coventry's draft issue ready to send, the national issue sent, built idempotently.
"""

from unittest import mock

from django.core.management import call_command

from newsletter.demo import COVENTRY_ISSUE_SLUG, NATIONAL_ISSUE_SLUG
from newsletter.models import Delivery, NewsletterIssuePage, NewsletterList, Send, Subscription
from sites.models import NavigationItem
from tests.newsletter.admin_support import (
    COVENTRY_LIST,
    NATIONAL_LIST,
    _demo_counts,
    newsletter_index,
)

# --- the demo -----------------------------------------------------------------------------


def test_demo_newsletters(network):
    national_list = NewsletterList.objects.get(site=network.national_site)
    coventry_list = NewsletterList.objects.get(site=network.coventry_site)
    assert national_list.name == NATIONAL_LIST
    assert coventry_list.name == COVENTRY_LIST
    assert national_list.reply_to == "hello@connectioncoalition.example"
    assert coventry_list.reply_to == "coventry@connectioncoalition.example"
    for newsletter_list in (national_list, coventry_list):
        confirmed = newsletter_list.subscriptions.filter(status=Subscription.Status.CONFIRMED)
        assert confirmed.count() >= 3
        for subscription in confirmed:
            assert set(subscription.consent_records.values_list("action", flat=True)) == {
                "subscribed",
                "confirmed",
            }

    draft = NewsletterIssuePage.objects.get(slug=COVENTRY_ISSUE_SLUG)
    assert draft.title == "Receive our latest news: spring update"
    assert not draft.live and draft.get_site() == network.coventry_site
    latest = draft.get_latest_revision_as_object()
    assert {block.block_type for block in latest.body} >= {
        "featured_stories",
        "news_links",
        "call_to_action",
    }
    assert not Send.objects.filter(issue=draft).exists()

    sent = NewsletterIssuePage.objects.get(
        slug=NATIONAL_ISSUE_SLUG,
        locale__language_code="en",  # the demo has it in Welsh too
    )
    assert sent.live and sent.get_site() == network.national_site
    send = Send.objects.get(issue=sent)
    assert send.status == Send.Status.SENT
    national_confirmed = national_list.subscriptions.filter(status="confirmed").count()
    assert send.deliveries.filter(status=Delivery.Status.SENT).count() == national_confirmed
    assert send.recipients == national_confirmed

    newsletter_page = newsletter_index(network.national_home)
    assert network.national_site.root_page.specific  # the navigation links the page
    assert NavigationItem.objects.filter(page=newsletter_page).exists()


def test_demo_builds_idempotently(network):
    # The first run adds load_demo's year of signups (cms/demo/network_history.py), which the
    # test suite's demo network is built without; a second run changes nothing.
    call_command("load_demo", "--port", "80", stdout=mock.MagicMock())
    before = _demo_counts()
    call_command("load_demo", "--port", "80", stdout=mock.MagicMock())
    assert _demo_counts() == before
