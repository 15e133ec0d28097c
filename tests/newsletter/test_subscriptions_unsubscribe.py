"""Leaving and managing subscriptions: one-click unsubscribe (RFC 8058) from any link ever sent,
the preferences page across the network (language, unsubscribe, a JSON export of everything
held), and erasure, which keeps only a suppression hash.
"""

import json
import re
import time
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from newsletter import subscriptions as service
from newsletter.erasure import erase_everywhere
from newsletter.export import export_subscriber
from newsletter.models import (
    ConsentRecord,
    Delivery,
    NewsletterIssuePage,
    Send,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from newsletter.tokens import confirm_token, unsubscribe_token
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.newsletter.subscriptions_support import (
    EMAIL,
    _confirmed,
    _tampered,
    confirm_link,
    csrf_client,
    index_page,
    nothing_stored_for,
    preferences_path,
    subscribe,
    subscription_for,
)

# --- one-click unsubscribe -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"),
        ("", "application/x-www-form-urlencoded"),
        ("", ""),
        ("\x00\xff not a form at all", "multipart/form-data; boundary=nothing"),
    ],
    ids=["rfc8058", "empty", "no-content-type", "garbage"],
)
def test_one_click_unsubscribe_needs_no_cookie_or_csrf_and_is_idempotent(
    coventry_list, body, content_type
):
    subscription = _confirmed(coventry_list)
    path = reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscription.pk)])
    mail_provider = Client(enforce_csrf_checks=True)
    for _ in range(2):
        response = mail_provider.generic(
            "POST", path, body, content_type=content_type, HTTP_HOST=COVENTRY_HOST
        )
        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED
    assert subscription.unsubscribed_at is not None
    [record] = subscription.consent_records.filter(action="unsubscribed")
    assert record.source_url == "http://coventry.localhost/subscriptions/unsubscribe/"
    assert mail_provider.cookies.get("csrftoken") is None


def test_opening_the_unsubscribe_link_shows_a_button_and_changes_nothing(client, coventry_list):
    subscription = _confirmed(coventry_list)
    path = reverse("newsletter:unsubscribe", args=[unsubscribe_token(subscription.pk)])
    response = client.get(path, HTTP_HOST=COVENTRY_HOST)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form[^>]*method="post"[^>]*action="' + re.escape(path), html)
    assert ">Unsubscribe</button>" in html
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    client.post(path, HTTP_HOST=COVENTRY_HOST)
    assert "You are unsubscribed" in client.get(path, HTTP_HOST=COVENTRY_HOST).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_forged_unsubscribe_link_changes_nothing(coventry_list, method):
    subscription = _confirmed(coventry_list)
    token = unsubscribe_token(subscription.pk)
    mail_provider = Client(enforce_csrf_checks=True)
    for forged in [_tampered(token), confirm_token(subscription.pk), "nope"]:
        path = f"/subscriptions/unsubscribe/{forged}/"
        response = getattr(mail_provider, method)(path, HTTP_HOST=COVENTRY_HOST)
        assert response.status_code == 400
        assert "This link does not work" in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    assert not subscription.consent_records.exists()


def test_an_old_unsubscribe_link_still_works(coventry_list):
    subscription = _confirmed(coventry_list)
    years_ago = time.time() - 5 * 365 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=years_ago):
        token = unsubscribe_token(subscription.pk)
    response = Client().post(f"/subscriptions/unsubscribe/{token}/", HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.UNSUBSCRIBED


def test_unsubscribing_skips_what_is_still_queued_for_them(network, coventry_list):
    subscription = _confirmed(coventry_list)
    issue = NewsletterIssuePage(title="Issue", slug="issue-unsub", subject="Issue")
    index_page(network.coventry_home).add_child(instance=issue)
    send = Send.objects.create(issue=issue, newsletter_list=coventry_list, status="sending")
    delivery = Delivery.objects.create(send=send, subscription=subscription, email=EMAIL)
    assert service.unsubscribe(subscription.pk) is True
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED


# --- preferences, export, erasure ------------------------------------------------------------


def test_preferences_list_every_subscription_across_the_network(client, network, on_both_lists):
    response = client.get(preferences_path(on_both_lists), HTTP_HOST=COVENTRY_HOST)
    html = response.content.decode()
    assert response.status_code == 200
    assert network.coventry_site.site_name in html
    assert network.national_site.site_name in html
    assert html.count('name="action" value="unsubscribe"') == 2
    assert 'name="action" value="export"' in html
    assert 'name="action" value="language"' in html
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_preferences_change_language_and_unsubscribe_by_post_with_csrf(
    network, on_both_lists, coventry_list
):
    path = preferences_path(on_both_lists)
    browser, csrf = csrf_client(path)
    refused = browser.post(path, {"action": "language", "language": "cy"}, HTTP_HOST=COVENTRY_HOST)
    assert refused.status_code == 403
    on_both_lists.refresh_from_db()
    assert on_both_lists.language == "en"

    response = browser.post(
        path,
        {"action": "language", "language": "cy", "csrfmiddlewaretoken": csrf},
        HTTP_HOST=COVENTRY_HOST,
    )
    assert response.status_code == 303
    on_both_lists.refresh_from_db()
    assert on_both_lists.language == "cy"

    coventry = subscription_for(network.coventry_site)
    response = browser.post(
        path,
        {"action": "unsubscribe", "subscription": coventry.pk, "csrfmiddlewaretoken": csrf},
        HTTP_HOST=COVENTRY_HOST,
        follow=True,
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    coventry.refresh_from_db()
    assert coventry.status == Subscription.Status.UNSUBSCRIBED
    assert subscription_for(network.national_site).status == Subscription.Status.CONFIRMED


def test_preferences_refuse_bad_posts(client, network, on_both_lists, national_list):
    path = preferences_path(on_both_lists)
    someone_else = _confirmed(national_list, email="someone@example.com")
    for data in [
        {"action": "unsubscribe", "subscription": someone_else.pk},
        {"action": "unsubscribe", "subscription": "x\x00"},
        {"action": "language", "language": "xx"},
        {"action": "delete-everything"},
        {},
    ]:
        response = client.post(path, data, HTTP_HOST=COVENTRY_HOST)
        assert response.status_code in (200, 400), data
    someone_else.refresh_from_db()
    assert someone_else.status == Subscription.Status.CONFIRMED
    on_both_lists.refresh_from_db()
    assert on_both_lists.language == "en"
    assert not Subscription.objects.filter(status="unsubscribed").exists()


@pytest.mark.parametrize("token", ["unknown", "x" * 200, "%00"])
def test_an_unknown_preferences_link_gets_a_clear_404(client, network, token):
    response = client.get(f"/subscriptions/preferences/{token}/", HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 404
    assert "We could not find this subscription" in response.content.decode()


def test_the_export_is_a_json_download_of_everything_held(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, host=COVENTRY_HOST)
    subscribe(client, django_capture_on_commit_callbacks, host=NATIONAL_HOST)
    client.post(confirm_link(mailoutbox[0])[1], HTTP_HOST=COVENTRY_HOST)
    subscriber = Subscriber.objects.get(email=EMAIL)

    response = client.post(
        preferences_path(subscriber), {"action": "export"}, HTTP_HOST=NATIONAL_HOST
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["email"] == EMAIL and data["language"] == "en"
    assert {item["name"] for item in data["subscriptions"]} == {"Amira Khan"}
    by_site = {item["site"]: item for item in data["subscriptions"]}
    assert set(by_site) == {network.coventry_site.site_name, network.national_site.site_name}
    coventry = by_site[network.coventry_site.site_name]
    assert coventry["status"] == "confirmed" and coventry["confirmed_at"]
    assert [r["action"] for r in coventry["consent_records"]] == ["subscribed", "confirmed"]
    assert coventry["consent_records"][0]["wording_version"] >= 1
    assert coventry["consent_records"][0]["source_url"] == "http://coventry.localhost/newsletter/"
    assert by_site[network.national_site.site_name]["status"] == "pending"
    json.dumps(export_subscriber(subscriber))  # JSON-able as it is


def test_erasure_keeps_only_a_suppression_hash_and_refuses_resubscribing(
    client, network, mailoutbox, django_capture_on_commit_callbacks, national_list, superuser
):
    subscribe(client, django_capture_on_commit_callbacks, host=COVENTRY_HOST)
    subscribe(client, django_capture_on_commit_callbacks, host=NATIONAL_HOST)
    client.post(confirm_link(mailoutbox[0])[1], HTTP_HOST=COVENTRY_HOST)
    subscriber = Subscriber.objects.get(email=EMAIL)
    coventry = subscription_for(network.coventry_site)
    issue = NewsletterIssuePage(title="Issue", slug="issue-erase", subject="Issue")
    index_page(network.coventry_home).add_child(instance=issue)
    send = Send.objects.create(
        issue=issue, newsletter_list=coventry.newsletter_list, status="sending"
    )
    delivery = Delivery.objects.create(send=send, subscription=coventry, email=EMAIL)
    theirs = set(
        ConsentRecord.objects.filter(subscription__subscriber=subscriber).values_list(
            "pk", flat=True
        )
    )
    before = set(ConsentRecord.objects.values_list("pk", flat=True))

    erasure = erase_everywhere(EMAIL.upper(), erased_by=superuser)

    assert (erasure.erased_by, erasure.subscriptions_removed) == (superuser, 2)
    assert erasure.email_hash == email_hash(EMAIL)

    assert not Subscriber.objects.filter(email=EMAIL).exists()
    assert not Subscription.objects.filter(subscriber_id=subscriber.pk).exists()
    assert Suppression.objects.filter(email_hash=email_hash(EMAIL), reason="erased").exists()
    kept = ConsentRecord.objects.filter(pk__in=theirs)
    assert kept.count() == len(theirs) == 3  # subscribed twice, confirmed once
    assert not kept.filter(subscription__isnull=False).exists()
    erased = ConsentRecord.objects.exclude(pk__in=before)
    assert sorted(erased.values_list("action", "newsletter_list__site")) == sorted(
        [("erased", network.coventry_site.pk), ("erased", network.national_site.pk)]
    )
    assert not erased.filter(subscription__isnull=False).exists()
    for record in ConsentRecord.objects.all():
        assert EMAIL not in record.source_url + record.wording
    delivery.refresh_from_db()
    assert delivery.email == "" and delivery.subscription_id is None
    assert delivery.status == Delivery.Status.SKIPPED

    mailoutbox.clear()
    subscribe(client, django_capture_on_commit_callbacks, host=NATIONAL_HOST)
    assert nothing_stored_for() and mailoutbox == []
    old_link = client.get(preferences_path(subscriber), HTTP_HOST=COVENTRY_HOST)
    assert old_link.status_code == 404
