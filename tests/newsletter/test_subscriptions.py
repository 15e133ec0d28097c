"""Residents subscribe to a site's newsletter with double opt-in, manage their subscriptions
across the network and unsubscribe in one click. Links carry signed tokens: forged, expired and
reused ones get a clear page and change nothing; no input gives a 500, stores or sends anything
it should not; nothing is mailed in a request."""

import json
import re
import time
from datetime import timedelta
from email.utils import parseaddr
from unittest import mock

import pytest
from django.core.signing import TimestampSigner
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from kombu.exceptions import OperationalError

from cms.core import antispam
from cms.core.blocks import BaseStreamBlock
from newsletter import subscriptions as service
from newsletter import tasks
from newsletter.blocks import NewsletterSignupBlock
from newsletter.erasure import erase_everywhere
from newsletter.export import export_subscriber
from newsletter.forms import SubscribeForm
from newsletter.models import (
    ConsentRecord,
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from newsletter.tokens import confirm_token, unsubscribe_token
from newsletter.views import SUBSCRIBE_RATE_LIMIT
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.helpers import SCRIPT, with_overrides

SUBSCRIBE_URL = "/subscriptions/subscribe/"
THANKS_URL = "/subscriptions/subscribe/?thanks"
EMAIL = "amira@example.com"
CONFIRM_LINK = re.compile(r"(https?://[^/\s\"]+)(/subscriptions/confirm/[^/\s\"]+/)")


# --- helpers ---------------------------------------------------------------------------------


def form_started(age_seconds: float = 60) -> str:
    """A timestamp as the signup form would have signed it `age_seconds` ago."""
    return antispam.sign_timestamp(SubscribeForm.get_antispam_salt(), at=time.time() - age_seconds)


def signup_data(**overrides) -> dict:
    defaults = {
        "email": EMAIL,
        "name": "Amira Khan",
        "language": "en",
        "consent": "on",
        "website": "",
        "form_started": form_started(),
        "source": "http://coventry.localhost/newsletter/",
    }
    return with_overrides(defaults, overrides)


def post_signup(client, host=COVENTRY_HOST, **overrides):
    if host == NATIONAL_HOST and "source" not in overrides:
        overrides["source"] = "http://localhost/newsletter/"
    return client.post(SUBSCRIBE_URL, signup_data(**overrides), HTTP_HOST=host)


def subscribe(client, capture, host=COVENTRY_HOST, **overrides):
    """Subscribe as a browser would, running what is enqueued on commit."""
    with capture(execute=True):
        response = post_signup(client, host, **overrides)
    assert response.status_code == 303, response.content.decode()[:2000]
    assert response["Location"] == THANKS_URL
    return response


def subscription_for(site, email=EMAIL) -> Subscription:
    return Subscription.objects.select_related("subscriber").get(
        subscriber__email=email, newsletter_list__site=site
    )


def confirm_link(message) -> tuple[str, str]:
    """(scheme://host, path) of the confirm link in a confirmation email's text part."""
    match = CONFIRM_LINK.search(message.body)
    assert match, message.body
    return match.group(1), match.group(2)


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def headers_of(message) -> str:
    return message.message().as_string().split("\n\n", 1)[0]


def index_page(home) -> NewsletterIndexPage:
    """The site's /newsletter/ page (the demo may already have one)."""
    page = NewsletterIndexPage.objects.child_of(home).first()
    if page is None:
        page = NewsletterIndexPage(title="Newsletter", slug="newsletter", locale=home.locale)
        home.add_child(instance=page)
        page.save_revision().publish()
    return page


def pending_subscription(newsletter_list, email=EMAIL, **fields) -> Subscription:
    subscriber, _ = Subscriber.objects.get_or_create(email=email)
    subscription = Subscription.objects.create(
        subscriber=subscriber, newsletter_list=newsletter_list, **fields
    )
    return subscription


def backdate(subscription, **delta):
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now() - timedelta(**delta)
    )


def expired_confirm_token(subscription_id: int) -> str:
    """A confirm token signed eight days ago (links work for seven)."""
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        return confirm_token(subscription_id)


def csrf_client(url, host=COVENTRY_HOST) -> tuple[Client, str]:
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(url, HTTP_HOST=host).content.decode()
    return browser, re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def nothing_stored_for(email=EMAIL) -> bool:
    return not Subscriber.objects.filter(email=email).exists()


@pytest.fixture
def coventry_list(network) -> NewsletterList:
    return NewsletterList.for_site(network.coventry_site)


@pytest.fixture
def national_list(network) -> NewsletterList:
    return NewsletterList.for_site(network.national_site)


# --- subscribing -----------------------------------------------------------------------------


def test_subscribing_on_coventry_mails_a_confirmation_link_on_coventrys_host(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    newsletter_list = NewsletterList.for_site(network.coventry_site)
    newsletter_list.from_name = "Connecting for Good"
    newsletter_list.save()

    subscribe(client, django_capture_on_commit_callbacks)
    thanks = client.get(THANKS_URL, HTTP_HOST=COVENTRY_HOST)
    assert thanks.status_code == 200
    assert "Check your inbox" in thanks.content.decode()

    subscription = subscription_for(network.coventry_site)
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.confirmation_sent_at is not None
    assert subscription.name == "Amira Khan"
    assert subscription.subscriber.language == "en"
    [record] = subscription.consent_records.all()
    assert record.action == ConsentRecord.Action.SUBSCRIBED
    assert record.source_url == "http://coventry.localhost/newsletter/"
    assert record.wording == newsletter_list.consent_wording
    assert record.wording_version == newsletter_list.consent_version
    assert record.newsletter_list == newsletter_list

    [message] = mailoutbox
    assert message.to == [EMAIL]
    assert message.cc == [] and message.bcc == []
    assert "Connecting for Good" in message.subject
    assert parseaddr(message.from_email) == ("Connecting for Good", "hello@localhost")
    host, path = confirm_link(message)
    assert host == "http://coventry.localhost"
    assert path in html_part(message)
    assert "Amira" not in message.body + html_part(message) + message.subject


def test_the_signup_form_is_on_the_newsletter_page_with_the_lists_wording_and_archive(
    client, network
):
    page = index_page(network.coventry_home)
    newsletter_list = NewsletterList.for_site(network.coventry_site)
    newsletter_list.consent_wording = "Yes, send me Coventry's news & events."
    newsletter_list.save()
    sent_issue = NewsletterIssuePage(title="Spring news", slug="spring", subject="Spring")
    draft_issue = NewsletterIssuePage(title="Summer news", slug="summer", subject="Summer")
    for issue in (sent_issue, draft_issue):
        page.add_child(instance=issue)
        issue.save_revision().publish()
    Send.objects.create(issue=sent_issue, newsletter_list=newsletter_list, status="sent")
    Send.objects.create(issue=draft_issue, newsletter_list=newsletter_list, status="scheduled")

    response = client.get(page.relative_url(network.coventry_site), HTTP_HOST=COVENTRY_HOST)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="{SUBSCRIBE_URL}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Yes, send me Coventry&#x27;s news &amp; events." in html
    assert f'name="consent_version" value="{newsletter_list.consent_version}"' in html
    assert 'for="newsletter-1-email"' in html and 'id="newsletter-1-email"' in html
    assert "Spring news" in html
    assert "Summer news" not in html  # not sent: not in the archive
    assert "no-store" not in response.get("Cache-Control", "")  # an ordinary page


def test_the_signup_block_renders_the_form_for_the_requests_site(network):
    lists_before = NewsletterList.objects.count()
    request = RequestFactory().get("/", HTTP_HOST=COVENTRY_HOST)
    block = NewsletterSignupBlock()
    html = block.render(
        block.to_python({"heading": "Receive our latest news", "text": "Monthly."}),
        context={"request": request},
    )
    assert "Receive our latest news" in html
    assert f'action="{SUBSCRIBE_URL}"' in html
    wording = str(NewsletterList._meta.get_field("consent_wording").get_default())
    if NewsletterList.objects.filter(site=network.coventry_site).exists():
        wording = NewsletterList.for_site(network.coventry_site).consent_wording
    assert escape(wording) in html
    assert 'name="form_started"' in html and 'name="website"' in html
    assert "newsletter_signup" in BaseStreamBlock().child_blocks
    # Showing the form creates nothing: a list is made when someone subscribes.
    assert NewsletterList.objects.count() == lists_before


def test_the_standalone_form_page_answers_a_get(client, network):
    response = client.get(SUBSCRIBE_URL, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 200
    assert 'name="consent"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_coventry_and_national_lists_are_separate(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, host=COVENTRY_HOST)
    assert not Subscription.objects.filter(
        subscriber__email=EMAIL, newsletter_list__site=network.national_site
    ).exists()
    subscribe(client, django_capture_on_commit_callbacks, host=NATIONAL_HOST)
    coventry = subscription_for(network.coventry_site)
    national = subscription_for(network.national_site)
    assert coventry.subscriber_id == national.subscriber_id  # one person, two lists
    assert [confirm_link(m)[0] for m in mailoutbox] == [
        "http://coventry.localhost",
        "http://localhost",
    ]

    client.post(confirm_link(mailoutbox[0])[1], HTTP_HOST=COVENTRY_HOST)
    coventry.refresh_from_db()
    national.refresh_from_db()
    assert coventry.status == Subscription.Status.CONFIRMED
    assert national.status == Subscription.Status.PENDING


def test_an_existing_subscriber_gets_the_same_page_and_no_mail(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    client.post(confirm_link(mailoutbox[0])[1], HTTP_HOST=COVENTRY_HOST)
    mailoutbox.clear()

    # Someone else types the same address with another name: nothing changes.
    subscribe(client, django_capture_on_commit_callbacks, name="Mallory")
    assert mailoutbox == []
    subscription = subscription_for(network.coventry_site)
    assert subscription.status == Subscription.Status.CONFIRMED
    assert subscription.name == "Amira Khan"
    assert subscription.subscriber.language == "en"


def test_a_pending_subscriber_is_mailed_again_only_after_a_while(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks)
    subscribe(client, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1  # asked twice in a minute: one email

    subscription = subscription_for(network.coventry_site)
    Subscription.objects.filter(pk=subscription.pk).update(
        confirmation_sent_at=timezone.now() - timedelta(minutes=11)
    )
    subscribe(client, django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    # Both links work: they belong to the same request.
    client.post(confirm_link(mailoutbox[0])[1], HTTP_HOST=COVENTRY_HOST)
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED


def test_a_suppressed_address_gets_the_same_page_and_nothing_is_stored_or_sent(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    Suppression.suppress("Amira@Example.com ", Suppression.Reason.BOUNCED)
    records = ConsentRecord.objects.count()
    subscribe(client, django_capture_on_commit_callbacks, email="AMIRA@example.com")
    assert nothing_stored_for(EMAIL)
    assert ConsentRecord.objects.count() == records
    assert mailoutbox == []


def test_addresses_are_stored_normalised(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, email="  Amira@EXAMPLE.com ")
    assert Subscriber.objects.filter(email=EMAIL).exists()
    assert mailoutbox[0].to == [EMAIL]


def test_a_source_page_on_another_host_is_not_recorded(
    client, network, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, source="https://evil.example/x")
    record = subscription_for(network.coventry_site).consent_records.get()
    assert record.source_url == ""


def test_the_source_page_falls_back_to_the_referer_without_its_query(
    client, network, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            SUBSCRIBE_URL,
            signup_data(source=None),
            HTTP_HOST=COVENTRY_HOST,
            HTTP_REFERER="http://coventry.localhost/about/?email=amira@example.com#x",
        )
    record = subscription_for(network.coventry_site).consent_records.get()
    assert record.source_url == "http://coventry.localhost/about/"


def test_a_wording_changed_since_the_form_was_shown_is_asked_again(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    newsletter_list = NewsletterList.for_site(network.coventry_site)
    shown = newsletter_list.consent_version
    newsletter_list.consent_wording = "New words."
    newsletter_list.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, consent_version=str(shown))
    html = response.content.decode()
    assert response.status_code == 200
    assert "wording of this agreement has just changed" in html
    assert "New words." in html
    assert f'name="consent_version" value="{shown + 1}"' in html
    assert nothing_stored_for() and mailoutbox == []


def test_the_languages_offered_are_the_sites(client, network):
    """The national site offers English and Welsh; Coventry offers English only, so it asks
    nothing and a Welsh subscription is not accepted there."""
    national = client.get(SUBSCRIBE_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert re.search(r'<select name="language"[^>]*>', national)
    assert '<option value="cy">Welsh</option>' in national
    coventry = client.get(SUBSCRIBE_URL, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert '<input type="hidden" name="language" value="en"' in coventry
    response = post_signup(client, language="cy")
    assert response.status_code == 200
    assert "Choose one of the languages listed." in response.content.decode()
    assert nothing_stored_for()


def test_a_welsh_subscription_on_the_national_site_is_mailed_in_welsh(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    subscribe(client, django_capture_on_commit_callbacks, host=NATIONAL_HOST, language="cy")
    assert Subscriber.objects.get(email=EMAIL).language == "cy"
    [message] = mailoutbox
    assert confirm_link(message)[0] == "http://localhost"


# --- the bad input matrix --------------------------------------------------------------------


MEGABYTE = 1024 * 1024


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"consent": None}, "Tick the box"),
        ({"email": ""}, "Enter your email address."),
        ({"email": "not-an-address"}, "Enter an email address like"),
        ({"email": "amira@example.com\r\nBcc: victim@example.com"}, "Enter an email address like"),
        ({"email": "ami\x00ra@example.com"}, "Null characters are not allowed."),
        ({"email": f"{SCRIPT}@example.com"}, "Enter an email address like"),
        ({"name": "x" * MEGABYTE}, "Your name must be 120 characters or fewer."),
        ({"language": "xx"}, ""),
        ({"website": "http://spam.example"}, "Sorry, we could not accept this form."),
        ({"form_started": "forged"}, "Sorry, we could not accept this form."),
        ({"form_started": None}, "Sorry, we could not accept this form."),
        ({"form_started": "<signed just now>"}, "Sorry, we could not accept this form."),
        ({"form_started": form_started(age_seconds=3 * 3600)}, "This form has expired"),
        (
            {"form_started": TimestampSigner(salt="another form").sign(f"{time.time() - 60}")},
            "Sorry, we could not accept this form.",
        ),
    ],
    ids=[
        "no-consent",
        "no-email",
        "bad-email",
        "bcc-in-email",
        "nul-in-email",
        "script-in-email",
        "megabyte-name",
        "unknown-language",
        "honeypot",
        "forged-timestamp",
        "missing-timestamp",
        "too-fast",
        "expired-timestamp",
        "timestamp-of-another-form",
    ],
)
def test_bad_input_is_answered_with_the_form_and_stores_nothing(
    client, network, mailoutbox, django_capture_on_commit_callbacks, overrides, message
):
    if overrides.get("form_started") == "<signed just now>":
        overrides = {"form_started": form_started(age_seconds=0)}
    counts = (Subscriber.objects.count(), ConsentRecord.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(client, **overrides)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in html
    assert message in html
    assert SCRIPT not in html
    assert (Subscriber.objects.count(), ConsentRecord.objects.count()) == counts
    assert mailoutbox == []


@pytest.mark.parametrize(
    "name",
    [
        "Amira\r\nBcc: victim@example.com",
        "Ami\x00ra",
        SCRIPT,
        "Amira\u2028Bcc: victim@example.com",
    ],
    ids=["bcc", "nul", "script", "unicode-line-separator"],
)
def test_hostile_names_are_kept_as_plain_text_and_never_reach_the_email(
    client, network, mailoutbox, django_capture_on_commit_callbacks, name
):
    subscribe(client, django_capture_on_commit_callbacks, name=name)
    subscriber = Subscriber.objects.get(email=EMAIL)
    kept = subscriber.subscriptions.get().name
    assert "\x00" not in kept and "\n" not in kept
    assert "\r" not in kept and "\u2028" not in kept
    [message] = mailoutbox
    assert message.to == [EMAIL] and message.bcc == [] and message.cc == []
    headers = headers_of(message)
    assert "victim" not in headers and "Bcc" not in headers
    assert "victim" not in message.body and "<script>" not in html_part(message)
    preferences = client.get(
        reverse("newsletter:preferences", args=[subscriber.token]), HTTP_HOST=COVENTRY_HOST
    )
    assert SCRIPT not in preferences.content.decode()


@pytest.mark.parametrize(
    ("hidden", "recorded_source"),
    [
        ({"consent_version": "not a number"}, "http://coventry.localhost/newsletter/"),
        ({"consent_version": "\x00"}, "http://coventry.localhost/newsletter/"),
        ({"source": "http://coventry.localhost/\x00about/"}, "http://coventry.localhost/about/"),
        ({"source": "x" * MEGABYTE}, ""),
        ({"source": "javascript:alert(1)"}, ""),
        ({"source": "http://coventry.localhost.evil.example/"}, ""),
        ({"source": "//coventry.localhost/about/"}, ""),
    ],
    ids=[
        "version-garbage",
        "version-nul",
        "source-nul",
        "source-megabyte",
        "source-js",
        "source-lookalike-host",
        "source-scheme-relative",
    ],
)
def test_garbage_in_hidden_fields_is_ignored(
    client, network, mailoutbox, django_capture_on_commit_callbacks, hidden, recorded_source
):
    subscribe(client, django_capture_on_commit_callbacks, **hidden)
    record = subscription_for(network.coventry_site).consent_records.get()
    assert record.source_url == recorded_source
    assert len(mailoutbox) == 1


def test_a_burst_of_posts_is_rate_limited(client, network, mailoutbox):
    for _ in range(SUBSCRIBE_RATE_LIMIT):
        assert post_signup(client, consent=None).status_code == 200
    response = post_signup(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert nothing_stored_for() and mailoutbox == []


def test_other_methods_and_unreadable_bodies_get_no_500(client, network):
    assert client.put(SUBSCRIBE_URL, HTTP_HOST=COVENTRY_HOST).status_code == 405
    response = client.generic(
        "POST",
        SUBSCRIBE_URL,
        b'--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nbroken',
        content_type="multipart/form-data; boundary=x",
        HTTP_HOST=COVENTRY_HOST,
    )
    assert response.status_code in (200, 400)
    assert nothing_stored_for()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_a_body_too_big_to_read_gets_a_clear_page(client, network):
    response = post_signup(client, name="x" * 4096)
    assert response.status_code == 413
    assert "too long" in response.content.decode()
    assert nothing_stored_for()


def test_a_subscription_whose_enqueue_failed_is_stored_and_swept_later(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with mock.patch.object(
        tasks.send_confirmation, "delay", side_effect=OperationalError("Redis is down")
    ):
        subscribe(client, django_capture_on_commit_callbacks)
    subscription = subscription_for(network.coventry_site)
    assert subscription.status == Subscription.Status.PENDING
    assert subscription.confirmation_sent_at is None
    assert mailoutbox == []

    assert tasks.send_pending_confirmations() == 0  # too recent: its task may be on its way
    backdate(subscription, minutes=2)
    assert tasks.send_pending_confirmations() == 1
    assert tasks.send_pending_confirmations() == 0
    [message] = mailoutbox
    assert confirm_link(message)[0] == "http://coventry.localhost"
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is not None


def test_send_confirmation_sends_once_and_releases_its_claim_when_mail_fails(
    coventry_list, mailoutbox
):
    subscription = pending_subscription(coventry_list)
    with (
        mock.patch(
            "django.core.mail.backends.locmem.EmailBackend.send_messages",
            side_effect=ConnectionError("SMTP down"),
        ),
        pytest.raises(ConnectionError),
    ):
        tasks.send_confirmation(subscription.pk)
    subscription.refresh_from_db()
    assert subscription.confirmation_sent_at is None  # the sweep will try again

    assert tasks.send_confirmation(subscription.pk) is True
    assert tasks.send_confirmation(subscription.pk) is False
    assert len(mailoutbox) == 1


def test_no_confirmation_goes_to_an_address_suppressed_after_subscribing(coventry_list, mailoutbox):
    subscription = pending_subscription(coventry_list)
    Suppression.suppress(EMAIL, Suppression.Reason.BOUNCED)
    assert tasks.send_confirmation(subscription.pk) is False
    assert mailoutbox == []


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


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


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


# --- one-click unsubscribe -------------------------------------------------------------------


def _confirmed(newsletter_list, email=EMAIL) -> Subscription:
    return pending_subscription(
        newsletter_list, email=email, status="confirmed", confirmed_at=timezone.now()
    )


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


@pytest.fixture
def on_both_lists(coventry_list, national_list) -> Subscriber:
    _confirmed(coventry_list)
    _confirmed(national_list)
    return Subscriber.objects.get(email=EMAIL)


def preferences_path(subscriber) -> str:
    return reverse("newsletter:preferences", args=[subscriber.token])


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
