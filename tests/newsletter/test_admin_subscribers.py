"""A list's subscribers in the admin: search, export and erase, each through that list only and
by those who may see it.
"""

import json

from django.urls import reverse

from newsletter.models import (
    ConsentRecord,
    Delivery,
    NewsletterList,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from tests.helpers import assert_refused, logged_in
from tests.helpers import body as text
from tests.newsletter.admin_support import (
    COVENTRY_LIST,
    NATIONAL_LIST,
    _subscribers_url,
    _subscription,
)

# --- subscribers: search, export, erase ---------------------------------------------------


def test_subscriber_search_finds_people_on_the_list_only(coventry_client):
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    found = text(coventry_client.get(_subscribers_url(coventry), {"q": "priya"}))
    assert "priya.patel@example.org" in found
    national_only = text(coventry_client.get(_subscribers_url(coventry), {"q": "amira"}))
    assert "amira.khan@example.org" not in national_only


def test_chapter_editor_cannot_reach_another_lists_subscribers(coventry_editor, national_editor):
    national = NewsletterList.objects.get(name=NATIONAL_LIST)
    amira = _subscription("amira.khan@example.org", NATIONAL_LIST)
    client = logged_in(coventry_editor)
    secrets = ["amira.khan@example.org", "Amira Khan"]
    before = (Subscriber.objects.count(), Suppression.objects.count())
    assert_refused(
        client, client.get(_subscribers_url(national), {"q": "amira"}), secrets, "subscribers"
    )
    for name in ("export", "erase"):
        url = reverse(f"newsletter_admin:{name}", args=[national.pk, amira.pk])
        assert_refused(client, client.get(url), secrets, f"GET {name}")
    erase = reverse("newsletter_admin:erase", args=[national.pk, amira.pk])
    assert_refused(client, client.post(erase), secrets, "POST erase")
    # Through their own list's URL, another list's subscription does not exist.
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    own_list_url = reverse("newsletter_admin:export", args=[coventry.pk, amira.pk])
    assert client.get(own_list_url).status_code == 404
    assert (Subscriber.objects.count(), Suppression.objects.count()) == before
    # Positive control.
    export = logged_in(national_editor).get(
        reverse("newsletter_admin:export", args=[national.pk, amira.pk])
    )
    assert export.status_code == 200


def test_export_returns_the_subscribers_data_as_json(coventry_client):
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    priya = _subscription("priya.patel@example.org", COVENTRY_LIST)
    response = coventry_client.get(reverse("newsletter_admin:export", args=[coventry.pk, priya.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email"] == "priya.patel@example.org"
    subscription = data["subscription"]
    assert subscription["name"] == "Priya Patel"
    assert subscription["list"] == COVENTRY_LIST
    assert subscription["status"] == "confirmed"
    assert [record["action"] for record in subscription["consent_records"]] == [
        "subscribed",
        "confirmed",
    ]


def test_a_lists_export_holds_that_list_only_whoever_asks(coventry_editor, national_editor):
    """Sam is on both lists: through Coventry's list, Coventry's editor and the national team
    alike get Coventry's subscription only, and nothing saying there is another. (Changed on
    purpose: it used to count the withheld lists, and give the national team everything.)"""
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    sam = _subscription("sam.taylor@example.org", COVENTRY_LIST)
    url = reverse("newsletter_admin:export", args=[coventry.pk, sam.pk])
    for user in (coventry_editor, national_editor):
        data = json.loads(logged_in(user).get(url).content)
        assert data["subscription"]["list"] == COVENTRY_LIST
        assert set(data) == {"email", "language", "subscription", "exported_at"}
        assert NATIONAL_LIST not in json.dumps(data)


def test_erase_asks_first_then_removes_from_this_list_keeping_a_list_hash(coventry_client):
    """Tom is on Coventry's list only: his subscription and (being his last) his person go; the
    hash kept stops Coventry's list only. (Changed on purpose: it was a network-wide erasure.)"""
    coventry = NewsletterList.objects.get(name=COVENTRY_LIST)
    tom = _subscription("tom.walsh@example.org", COVENTRY_LIST)
    url = reverse("newsletter_admin:erase", args=[coventry.pk, tom.pk])
    confirm = coventry_client.get(url)
    assert confirm.status_code == 200
    assert "tom.walsh@example.org" in text(confirm)
    assert Subscription.objects.filter(pk=tom.pk).exists()  # a GET changes nothing

    response = coventry_client.post(url)
    assert response.status_code == 302
    assert not Subscriber.objects.filter(email="tom.walsh@example.org").exists()
    assert not Subscription.objects.filter(pk=tom.pk).exists()
    [suppression] = Suppression.objects.filter(email_hash=email_hash("tom.walsh@example.org"))
    assert suppression.newsletter_list == coventry
    assert not Delivery.objects.filter(email="tom.walsh@example.org").exists()
    assert not ConsentRecord.objects.filter(source_url__icontains="tom.walsh").exists()
    assert ConsentRecord.objects.filter(
        newsletter_list=coventry, action=ConsentRecord.Action.ERASED
    ).exists()
