"""Residents subscribe to a site's newsletter with double opt-in: the signup form on the site's
newsletter page (and in a page's signup block) with the list's own consent wording, one
confirmation email on the site's own host, lists kept apart per site, and nothing said to a
stranger about who is subscribed already; nothing is mailed in a request.
"""

import re
from datetime import timedelta
from email.utils import parseaddr

from django.test import RequestFactory
from django.utils import timezone
from django.utils.html import escape

from cms.core.blocks import BaseStreamBlock
from newsletter.blocks import NewsletterSignupBlock
from newsletter.models import (
    ConsentRecord,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
    Suppression,
)
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.newsletter.subscriptions_support import (
    EMAIL,
    SUBSCRIBE_URL,
    THANKS_URL,
    confirm_link,
    html_part,
    index_page,
    nothing_stored_for,
    post_signup,
    signup_data,
    subscribe,
    subscription_for,
)

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
