"""Confirming a subscription from the emailed link: opening it changes nothing, the button does
(with its CSRF token); forged, expired, replaced and reused links get a clear page and change
nothing. Subscriptions never confirmed are purged after 30 days.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter import subscriptions as service
from newsletter import tasks
from newsletter.models import ConsentRecord, Subscriber, Subscription
from newsletter.tokens import confirm_token, unsubscribe_token
from tests.conftest import COVENTRY_HOST
from tests.newsletter.subscriptions_support import (
    EMAIL,
    _confirmed,
    _tampered,
    backdate,
    confirm_link,
    csrf_client,
    expired_confirm_token,
    pending_subscription,
    subscribe,
    subscription_for,
)

# --- confirming ------------------------------------------------------------------------------


def test_opening_the_link_changes_nothing_and_the_button_confirms(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    _host, path = confirm_link(mailoutbox[0])
    subscription = subscription_for(network.coventry_site)

    for _ in range(2):  # a mail scanner, then the person
        page = client.get(path, HTTP_HOST=COVENTRY_HOST)
        assert page.status_code == 200
        html = page.content.decode()
        assert re.search(r'<form[^>]*method="post"[^>]*action="' + re.escape(path), html)
        assert 'name="csrfmiddlewaretoken"' in html
        assert ">Confirm</button>" in html
        assert page["Referrer-Policy"] == "same-origin"
    assert client.head(path, HTTP_HOST=COVENTRY_HOST).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.confirmed_at is None

    confirmed = client.post(path, HTTP_HOST=COVENTRY_HOST)
    assert confirmed.status_code == 200
    assert "You are subscribed" in confirmed.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.confirmed_at is not None
    actions = list(subscription.consent_records.values_list("action", "wording_version"))
    version = subscription.newsletter_list.consent_version
    assert actions == [("subscribed", version), ("confirmed", version)]
    record = subscription.consent_records.get(action="confirmed")
    assert record.source_url == "http://coventry.localhost/newsletter/"
    assert record.wording == subscription.newsletter_list.consent_wording

    again = client.post(path, HTTP_HOST=COVENTRY_HOST)  # reused: said clearly, nothing changes
    assert again.status_code == 200
    assert "Already confirmed" in again.content.decode()
    assert client.get(path, HTTP_HOST=COVENTRY_HOST).status_code == 200
    assert subscription.consent_records.filter(action="confirmed").count() == 1


def test_confirming_needs_the_csrf_token(coventry_list):
    subscription = pending_subscription(coventry_list)
    path = reverse("newsletter:confirm", args=[confirm_token(subscription.pk)])
    browser, csrf = csrf_client(path)
    assert browser.post(path, HTTP_HOST=COVENTRY_HOST).status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    response = browser.post(path, {"csrfmiddlewaretoken": csrf}, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


@pytest.mark.parametrize(
    "make_token",
    [
        lambda pk: "garbage",
        lambda pk: _tampered(confirm_token(pk)),
        lambda pk: unsubscribe_token(pk),  # another kind of token
        lambda pk: "x" * 5000,
        lambda pk: "%00",
    ],
    ids=["garbage", "tampered", "unsubscribe-token", "huge", "nul"],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_confirm_link_gets_a_clear_page_and_changes_nothing(
    client, coventry_list, make_token, method
):
    subscription = pending_subscription(coventry_list)
    url = f"/subscriptions/confirm/{make_token(subscription.pk)}/"
    response = getattr(client, method)(url, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    assert not subscription.consent_records.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_confirm_link_says_so_and_changes_nothing(client, coventry_list, method):
    subscription = pending_subscription(coventry_list)
    path = reverse("newsletter:confirm", args=[expired_confirm_token(subscription.pk)])
    response = getattr(client, method)(path, HTTP_HOST=COVENTRY_HOST)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This link has expired" in html
    assert "Subscribe again" in html
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING


def test_a_confirm_link_for_a_subscription_since_unsubscribed_changes_nothing(
    client, coventry_list
):
    subscription = pending_subscription(coventry_list)
    path = reverse("newsletter:confirm", args=[confirm_token(subscription.pk)])
    service.unsubscribe(subscription.pk)
    response = client.post(path, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 400
    assert "This subscription was cancelled" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED


def test_a_link_from_an_earlier_request_cannot_confirm_a_new_one(
    client, network, coventry_list, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    old_path = confirm_link(mailoutbox[0])[1]
    subscription = subscription_for(network.coventry_site)
    service.unsubscribe(subscription.pk)
    # Subscribed again an hour later: the first link, still within its week, is for the
    # earlier request and must not confirm this one.
    later = timezone.now() + timedelta(hours=1)
    with mock.patch("newsletter.subscriptions.timezone.now", return_value=later):
        service.subscribe(coventry_list, email=EMAIL, language="en")
    response = client.post(old_path, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 400
    assert "This link has been replaced" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING


def test_resubscribing_after_unsubscribing_starts_a_new_request(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    client.post(confirm_link(mailoutbox[0])[1], HTTP_HOST=COVENTRY_HOST)
    subscription = subscription_for(network.coventry_site)
    service.unsubscribe(subscription.pk)
    backdate(subscription, days=40)

    subscribe(client, django_capture_on_commit_callbacks)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.created_at > timezone.now() - timedelta(minutes=1)
    assert subscription.unsubscribed_at is None and subscription.confirmed_at is None
    assert len(mailoutbox) == 2
    client.post(confirm_link(mailoutbox[1])[1], HTTP_HOST=COVENTRY_HOST)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert list(subscription.consent_records.values_list("action", flat=True)) == [
        "subscribed",
        "confirmed",
        "unsubscribed",
        "subscribed",
        "confirmed",
    ]


def test_a_confirm_link_for_a_purged_subscription_says_so(client, coventry_list):
    subscription = pending_subscription(coventry_list)
    path = reverse("newsletter:confirm", args=[confirm_token(subscription.pk)])
    subscription.delete()
    response = client.get(path, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 404
    assert "We could not find this subscription" in response.content.decode()


# --- purging what was never confirmed --------------------------------------------------------


def test_unconfirmed_subscriptions_older_than_30_days_are_purged(coventry_list, national_list):
    stale = pending_subscription(coventry_list, email="stale@example.com")
    backdate(stale, days=31)
    recent = pending_subscription(coventry_list, email="recent@example.com")
    backdate(recent, days=29)
    old_confirmed = _confirmed(coventry_list, email="loyal@example.com")
    backdate(old_confirmed, days=400)
    # Pending on one list for too long, confirmed on another: only the pending one goes.
    partly = pending_subscription(coventry_list, email="partly@example.com")
    backdate(partly, days=31)
    _confirmed(national_list, email="partly@example.com")
    record = ConsentRecord.objects.create(
        subscription=stale, newsletter_list=coventry_list, action="subscribed"
    )

    assert tasks.purge_unconfirmed() >= 2
    assert not Subscriber.objects.filter(email="stale@example.com").exists()
    assert Subscription.objects.filter(pk=recent.pk).exists()
    assert Subscription.objects.filter(pk=old_confirmed.pk).exists()
    assert not Subscription.objects.filter(pk=partly.pk).exists()
    assert Subscriber.objects.filter(email="partly@example.com").exists()
    record.refresh_from_db()
    assert record.subscription_id is None  # the history stays, unlinked
    assert tasks.purge_unconfirmed() == 0


def test_the_tasks_are_registered_under_the_names_beat_uses():
    assert tasks.send_confirmation.name == "newsletter.subscriptions.send_confirmation"
    assert (
        tasks.send_pending_confirmations.name
        == "newsletter.subscriptions.send_pending_confirmations"
    )
    assert tasks.purge_unconfirmed.name == "newsletter.subscriptions.purge_unconfirmed"
