"""Residents share their own story at /stories/share/ on any site: it arrives as a draft of that
site, its editors are told by email, and no input (spam, hostile, huge, malformed) gives a 500,
stores anything or sends anything."""

import re
import time
from unittest import mock

import pytest
from django import forms
from django.core import mail
from django.core.signing import TimestampSigner
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Revision

from cms.core import antispam
from cms.stories.forms import ShareStoryForm
from cms.stories.models import Story, StoryIndexPage
from cms.stories.sharing import SHARE_RATE_LIMIT, story_body_html, story_quote
from cms.stories.tasks import notify_new_submission
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.helpers import ESCAPED_SCRIPT, EXPIRED, GENERIC, INJECTION, SCRIPT
from tests.stories.share_form import (
    COVENTRY_EDITORS,
    NATIONAL_EDITORS,
    SHARE_URL,
    THANKS_URL,
    corrupt_png,
    headers_of,
    image_bytes,
    latest_resident_story,
    photo,
    png_declaring,
    share,
    token,
    valid_data,
)

# --- the form page -------------------------------------------------------------------------


@pytest.mark.parametrize("host", [COVENTRY_HOST, NATIONAL_HOST])
def test_the_form_is_linked_from_stories_and_shows_the_intro(client, network, host):
    home = network.coventry_home if host == COVENTRY_HOST else network.national_home
    index_page = StoryIndexPage.objects.child_of(home).get()
    index_page.share_intro = "<p>Tell us <b>in your own words</b> & we will listen.</p>"
    index_page.save()
    index = client.get("/stories/", HTTP_HOST=host)
    assert f'href="{SHARE_URL}"' in index.content.decode()
    response = client.get(SHARE_URL, HTTP_HOST=host)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Tell us <b>in your own words</b> & we will listen.</p>" in html  # rich text
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ["name", "email", "town", "story", "photo", "photo_description", "consent"]:
        assert f'for="id_{field}"' in html
        assert f'id="id_{field}"' in html
    assert "no-store" in response["Cache-Control"]
    assert 'class="error-summary"' not in html


def test_the_consent_wording_names_the_sites_contact_address(client, network):
    html = client.get(SHARE_URL, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "websites and social media" in html
    assert "withdraw your consent at any time by emailing coventry@connectioncoalition.example" in (
        html
    )
    assert 'aria-describedby="id_consent_helptext"' in html


def test_the_honeypot_is_hidden_from_people_and_the_timestamp_is_signed(client, network):
    html = client.get(SHARE_URL, HTTP_HOST=COVENTRY_HOST).content.decode()
    wrapper = re.search(r'<div class="form-extra" aria-hidden="true">(.*?)</div>', html, re.S)
    assert wrapper, "the honeypot sits in a hidden wrapper"
    assert "Leave this empty" in wrapper.group(1)
    field = re.search(r'<input[^>]*name="website"[^>]*>', wrapper.group(1)).group(0)
    assert 'tabindex="-1"' in field
    assert 'autocomplete="off"' in field
    started = re.search(r'name="form_started" value="([^"]+)"', html).group(1)
    signer = TimestampSigner(salt=ShareStoryForm.get_antispam_salt())
    assert abs(float(signer.unsign(started, max_age=60)) - time.time()) < 60


def test_the_form_works_with_csrf_checks_on(network):
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(SHARE_URL, HTTP_HOST=COVENTRY_HOST).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    refused = share(browser, valid_data())
    assert refused.status_code == 403
    accepted = share(browser, valid_data(csrfmiddlewaretoken=csrf))
    assert accepted.status_code == 303


def test_other_methods_are_refused(client, network):
    assert client.put(SHARE_URL, HTTP_HOST=COVENTRY_HOST).status_code == 405


# --- a resident shares a story ---------------------------------------------------------------


def test_a_story_shared_on_coventry_is_a_coventry_draft_and_its_editors_are_told(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    before = Story.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = share(client, valid_data())

    assert response.status_code == 303
    assert response["Location"] == THANKS_URL
    assert Story.objects.count() == before + 1
    story = latest_resident_story()
    assert story.site == network.coventry_site
    assert story.live is False
    assert story.has_unpublished_changes
    assert story.latest_revision is not None
    assert Revision.objects.for_instance(story).count() == 1
    assert story.reach == Story.Reach.LOCAL
    assert story.source == Story.Source.RESIDENT
    assert story.submitter_email == "amira@example.com"
    assert story.person_name == "Amira Khan"
    assert story.town == "Coventry"
    assert story.title == "Amira Khan's story"
    assert story.slug.startswith("amira-khans-story-") and story.slug != "share"
    assert story.locale_id == StoryIndexPage.objects.get(url_path__contains="coventry").locale_id
    assert story.consent_given_on == timezone.localdate()
    assert story.consent_scope == Story.ConsentScope.WEBSITE_SOCIAL
    assert story.quote.startswith("When my mum went into hospital") and "\n" not in story.quote
    assert story.body == (
        "<p>When my mum went into hospital, Jean from the lunch club knocked on my door every "
        "day.</p><p>She brought soup, and news, and company.<br/>I will never forget it.</p>"
    )
    assert story.image is None

    # Sent by workers after the commit: one note to each editor (not also Wagtail's "waiting
    # for your approval", though the story entered moderation) and the resident's thanks.
    assert len(callbacks) == 2
    assert story.workflow_in_progress
    to_editors = [m for m in mailoutbox if "amira@example.com" not in m.to]
    recipients = [address for message in to_editors for address in message.to]
    assert sorted(recipients) == sorted(COVENTRY_EDITORS)  # one message per editor, once
    assert not NATIONAL_EDITORS & set(recipients)
    (message,) = to_editors
    assert message.subject.startswith("New story to review")
    assert "Amira" not in message.subject and "Coventry" in message.subject
    assert f"/admin/snippets/stories/story/edit/{story.pk}/" in message.body
    assert "Amira Khan" in message.body and "amira@example.com" in message.body
    (thanked,) = [m for m in mailoutbox if m.to == ["amira@example.com"]]
    assert thanked.subject == "Thank you for sharing your story with Connecting for Good Coventry"

    thanks = client.get(THANKS_URL, HTTP_HOST=COVENTRY_HOST)
    assert thanks.status_code == 200
    assert "Thank you for sharing your story" in thanks.content.decode()


def test_a_story_shared_on_the_national_site_is_a_national_draft(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = share(client, valid_data(), host=NATIONAL_HOST)
    assert response.status_code == 303
    story = latest_resident_story()
    assert story.site == network.national_site
    assert story.live is False
    recipients = {address for message in mailoutbox for address in message.to}
    assert recipients == NATIONAL_EDITORS | {"amira@example.com"}
    assert not COVENTRY_EDITORS & recipients


def test_the_notification_is_sent_once_even_if_the_task_runs_twice(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        share(client, valid_data())
    sent = len(mailoutbox)
    assert notify_new_submission(latest_resident_story().pk) == 0
    assert len(mailoutbox) == sent


def test_a_broker_outage_does_not_lose_the_story_or_fail_the_request(
    client, network, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(notify_new_submission, "delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = share(client, valid_data())
    assert response.status_code == 303
    assert latest_resident_story().person_name == "Amira Khan"


@pytest.mark.parametrize("host", [COVENTRY_HOST, NATIONAL_HOST])
def test_the_draft_is_not_shown_on_any_site(client, network, host):
    share(client, valid_data(name="Hidden Person"))
    story = latest_resident_story()
    for reader_host in (COVENTRY_HOST, NATIONAL_HOST):
        index = client.get("/stories/", HTTP_HOST=reader_host).content.decode()
        assert "Hidden Person" not in index
        assert client.get(f"/stories/{story.slug}/", HTTP_HOST=reader_host).status_code == 404


def test_the_editor_finds_it_as_a_draft_in_the_admin(client, network, coventry_client):
    share(client, valid_data())
    story = latest_resident_story()
    edit = coventry_client.get(reverse("wagtailsnippets_stories_story:edit", args=[story.pk]))
    assert edit.status_code == 200
    assert "Draft" in edit.content.decode()
    listing = coventry_client.get(reverse("wagtailsnippets_stories_story:list"))
    assert "Amira Khan&#x27;s story" in listing.content.decode()


def test_a_photo_is_stored_in_the_sites_collection_with_its_description(client, network):
    response = share(
        client,
        valid_data(
            photo=photo(image_bytes((40, 30), "JPEG"), "holiday.png", "image/png"),
            photo_description="Jean and me at the lunch club",
        ),
    )
    assert response.status_code == 303
    story = latest_resident_story()
    assert story.image is not None
    assert story.image_alt == "Jean and me at the lunch club"
    assert story.image.collection == network.coventry.collection
    assert (story.image.width, story.image.height) == (40, 30)
    # Named by the detected format, not the uploaded name.
    assert story.image.file.name.endswith(".jpg")
    assert "holiday" not in story.image.file.name


def test_a_national_photo_goes_to_the_national_collection(client, network):
    share(
        client,
        valid_data(photo=photo(image_bytes(fmt="WEBP"), "p.webp"), photo_description="A hall"),
        host=NATIONAL_HOST,
    )
    assert latest_resident_story().image.collection == Collection.objects.get(name="National")


# --- accepted, but cleaned ------------------------------------------------------------------


def test_unicode_is_stored_intact(client, network):
    name = "Zoë 🌻 أحمد"
    town = "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd\u200f"  # Hebrew, with a right-to-left mark
    story_text = "مرحبا بالعالم 👋🏽 — 家族 👨‍👩‍👧 שלום"
    response = share(client, valid_data(name=name, town=town, story=story_text))
    assert response.status_code == 303
    story = latest_resident_story()
    assert story.person_name == name
    assert story.town == town
    assert story.quote == story_text
    assert story.body == f"<p>{story_text}</p>"


def test_nul_and_control_characters_are_stripped(client, network):
    response = share(
        client,
        valid_data(
            name="Jo\x00e\x07", town="Cov\x1bentry", story="First\x00 line\tend\r\n\r\nNext"
        ),
    )
    assert response.status_code == 303
    story = latest_resident_story()
    assert story.person_name == "Joe"
    assert story.town == "Coventry"
    assert story.body == "<p>First line\tend</p><p>Next</p>"


def test_line_breaks_in_name_and_town_never_reach_a_header(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = share(client, valid_data(name="Amira" + INJECTION, town="Coventry" + INJECTION))
    assert response.status_code == 303
    story = latest_resident_story()
    assert story.person_name == "Amira Bcc: evil@example.com"
    assert "\n" not in story.town and "\r" not in story.town
    assert mailoutbox
    for message in mailoutbox:
        assert message.bcc == []
        assert "evil@example.com" not in message.recipients()
        headers = headers_of(message)
        assert "Bcc" not in headers and "evil@example.com" not in headers
        assert "Amira" not in message.subject


def test_markup_is_escaped_in_the_admin_the_preview_the_email_and_the_page(
    client, network, coventry_client, mailoutbox, django_capture_on_commit_callbacks
):
    data = valid_data(
        name=SCRIPT,
        town=SCRIPT,
        story=f"{SCRIPT}\n\n<b>bold</b> & <img src=x onerror=alert(2)>",
        photo=photo(image_bytes()),
        photo_description=SCRIPT,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = share(client, data)
    assert response.status_code == 303
    story = latest_resident_story()
    assert "<script" not in story.body and "<img" not in story.body and "<b>" not in story.body
    assert ESCAPED_SCRIPT in story.body
    assert story.person_name == SCRIPT  # plain text, escaped wherever it is shown

    edit = coventry_client.get(reverse("wagtailsnippets_stories_story:edit", args=[story.pk]))
    preview = coventry_client.get(
        reverse(
            "wagtailsnippets_stories_story:revisions_view",
            args=[story.pk, story.latest_revision_id],
        )
    )
    listing = coventry_client.get(reverse("wagtailsnippets_stories_story:list"))
    for response in (edit, preview, listing):
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html
        assert "<img src=x" not in html
    for response in (edit, preview):  # the text is there, escaped
        assert ESCAPED_SCRIPT in response.content.decode()

    assert mailoutbox
    for message in mailoutbox:
        assert "<script" not in message.body
        assert "<script" not in message.subject and "alert" not in message.subject
    # Our note and the resident's thanks quote the resident, escaped, in text and in HTML.
    (note,) = [m for m in mailoutbox if m.subject.startswith("New story to review")]
    assert ESCAPED_SCRIPT in note.body
    (thanks,) = [m for m in mailoutbox if m.to == ["amira@example.com"]]
    assert ESCAPED_SCRIPT in thanks.body
    ((html, _mimetype),) = thanks.alternatives
    assert "<script" not in html and ESCAPED_SCRIPT in html

    # Once an editor publishes it, the public page escapes it too.
    story.latest_revision.publish()
    page = client.get(f"/stories/{story.slug}/", HTTP_HOST=COVENTRY_HOST)
    assert page.status_code == 200
    assert "<script>alert" not in page.content.decode()
    assert "<img src=x" not in page.content.decode()


# --- rejected: nothing stored, nothing sent, never a 500 -------------------------------------

REJECTED = {
    "missing consent": (lambda: valid_data(consent=None), "Tick the box"),
    "missing name": (lambda: valid_data(name=None), "Enter your name."),
    "missing email": (lambda: valid_data(email=None), "Enter your email address."),
    "missing town": (lambda: valid_data(town=None), "Enter your town or city."),
    "missing story": (lambda: valid_data(story=None), "Tell us your story."),
    "everything missing": (lambda: {"form_started": token()}, "Enter your name."),
    "whitespace only": (lambda: valid_data(name=" \t\n "), "Enter your name."),
    "invisible only": (lambda: valid_data(name="\u200b\u200f\x00"), "Enter your name."),
    "NUL-only story": (lambda: valid_data(story="\x00\x00 \x00"), "Tell us your story."),
    "1 MB story": (lambda: valid_data(story="word " * 200_000), "5,000 characters or fewer"),
    "5,001 characters": (lambda: valid_data(story="x" * 5001), "5,000 characters or fewer"),
    "long name": (lambda: valid_data(name="n" * 121), "120 characters or fewer"),
    "long town": (lambda: valid_data(town="t" * 81), "80 characters or fewer"),
    "bad email": (lambda: valid_data(email="not-an-email"), "Enter an email address like"),
    "header injection in email": (
        lambda: valid_data(email="amira@example.com\r\nBcc: evil@example.com"),
        "Enter an email address like",
    ),
    "NUL in email": (lambda: valid_data(email="am\x00ira@example.com"), "Null characters"),
    "markup in email": (lambda: valid_data(email=f"{SCRIPT}@example.com"), "Enter an email"),
    "honeypot filled": (lambda: valid_data(website="http://spam.example"), GENERIC),
    "timestamp missing": (lambda: valid_data(form_started=None), GENERIC),
    "timestamp forged": (lambda: valid_data(form_started="1700000000.000:1rX:abc"), GENERIC),
    "timestamp of another form": (lambda: valid_data(form_started=token(salt="other")), GENERIC),
    "timestamp tampered": (lambda: valid_data(form_started="9" + token()[1:]), GENERIC),
    "too fast": (lambda: valid_data(form_started=token(age_seconds=0.5)), GENERIC),
    "expired": (lambda: valid_data(form_started=token(age_seconds=3 * 3600)), EXPIRED),
    "not an image": (
        lambda: valid_data(
            photo=photo(b"#!/bin/sh\necho hi\n", "photo.jpg", "image/jpeg"), photo_description="x"
        ),
        "JPEG, PNG or WebP",
    ),
    "a GIF named .png": (
        lambda: valid_data(photo=photo(image_bytes(fmt="GIF")), photo_description="x"),
        "JPEG, PNG or WebP",
    ),
    "an empty file": (lambda: valid_data(photo=photo(b""), photo_description="x"), "empty"),
    "a 6 MB photo": (
        lambda: valid_data(
            photo=photo(image_bytes() + b"\0" * (6 * 1024 * 1024)), photo_description="x"
        ),
        "up to 5 MB",
    ),
    "a PNG bomb": (
        lambda: valid_data(photo=photo(png_declaring(20000, 20000)), photo_description="x"),
        "6000 × 6000 pixels",
    ),
    "too wide": (
        lambda: valid_data(photo=photo(png_declaring(7000, 10)), photo_description="x"),
        "7000 × 10 pixels",
    ),
    "a damaged PNG": (
        lambda: valid_data(photo=photo(corrupt_png()), photo_description="x"),
        "could not read that photo",
    ),
    "photo without a description": (
        lambda: valid_data(photo=photo(image_bytes())),
        "Describe the photo",
    ),
}


@pytest.mark.parametrize("case", REJECTED, ids=list(REJECTED))
def test_bad_input_is_answered_with_the_form_and_nothing_is_kept(
    case, client, network, mailoutbox, django_capture_on_commit_callbacks
):
    build, expected = REJECTED[case]
    stories, images = Story.objects.count(), get_image_model().objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = share(client, build())
    assert response.status_code == 200
    html = response.content.decode()
    assert expected in html.replace("&#x27;", "'")
    assert 'class="error-summary"' in html and 'role="alert"' in html
    assert "<title>Error:" in html
    assert Story.objects.count() == stories
    assert get_image_model().objects.count() == images
    assert mailoutbox == []
    assert mail.outbox == []


def test_field_errors_are_linked_from_the_summary_and_described_on_the_field(client, network):
    html = share(client, valid_data(name=None, consent=None)).content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert '<a href="#id_name">Enter your name.</a>' in summary
    assert '<a href="#id_consent">' in summary
    name_input = re.search(r'<input[^>]*name="name"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in name_input
    assert "id_name_error" in name_input
    assert 'id="id_name_error"' in html
    email_input = re.search(r'<input[^>]*name="email"[^>]*>', html).group(0)
    assert "aria-invalid" not in email_input
    # What the resident typed is kept, escaped.
    html = share(client, valid_data(town=SCRIPT, consent=None)).content.decode()
    assert ESCAPED_SCRIPT in html
    assert SCRIPT not in html


def test_an_expired_form_comes_back_with_a_fresh_timestamp(client, network):
    old = token(age_seconds=3 * 3600)
    html = share(client, valid_data(form_started=old)).content.decode()
    fresh = re.search(r'name="form_started" value="([^"]+)"', html).group(1)
    assert fresh != old
    signer = TimestampSigner(salt=ShareStoryForm.get_antispam_salt())
    assert signer.unsign(fresh, max_age=60)


def test_a_person_correcting_errors_keeps_their_timestamp(client, network):
    started = token(age_seconds=30)
    html = share(client, valid_data(consent=None, form_started=started)).content.decode()
    assert f'name="form_started" value="{started}"' in html


@override_settings(ANTISPAM_MIN_SECONDS=0)
def test_the_minimum_time_can_be_switched_off_by_a_setting(client, network):
    assert share(client, valid_data(form_started=token(age_seconds=0))).status_code == 303


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_a_request_too_big_to_read_gets_a_clear_answer(client, network, mailoutbox):
    before = Story.objects.count()
    response = share(client, valid_data(story="x" * 20_000))
    assert response.status_code == 413
    assert "too long to send" in response.content.decode()
    assert Story.objects.count() == before


# --- rate limit ------------------------------------------------------------------------------


def test_a_burst_over_the_rate_limit_gets_429_and_nothing_is_created(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    for _ in range(SHARE_RATE_LIMIT):
        assert share(client, valid_data(consent=None)).status_code == 200
    before = Story.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = share(client, valid_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert "Connecting for Good Coventry" in html  # branded like the 404 page
    assert Story.objects.count() == before
    assert mailoutbox == []
    # Another client is not held up.
    assert share(client, valid_data(), REMOTE_ADDR="192.0.2.7").status_code == 303


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, network):
    for number in range(SHARE_RATE_LIMIT):
        share(client, valid_data(consent=None), HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
    response = share(client, valid_data(), HTTP_X_FORWARDED_FOR="198.51.100.200")
    assert response.status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted():
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert antispam.client_ip(request) == "10.0.0.1"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        assert antispam.client_ip(request) == "203.0.113.9"
    with override_settings(TRUSTED_PROXY_COUNT=2):
        assert antispam.client_ip(request) == "6.6.6.6"


def test_the_rate_limit_key_holds_no_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")
    assert antispam.rate_limited(request, "test", limit=1, window_seconds=60) is False
    assert antispam.rate_limited(request, "test", limit=1, window_seconds=60) is True
    keys = list(antispam.cache._cache.keys()) if hasattr(antispam.cache, "_cache") else []
    assert keys and not any("203.0.113.9" in key for key in keys)


# --- the antispam mixin on other forms --------------------------------------------------------


class OrganisationForm(antispam.AntiSpamFormMixin, forms.Form):
    antispam_salt = "org"
    website = forms.URLField(required=False, assume_scheme="https")


def test_the_honeypot_never_replaces_a_real_field():
    data = {"website": "https://example.org", "homepage": "", "form_started": token(salt="org")}
    form = OrganisationForm(data)
    assert form.honeypot_field_name == "homepage"
    assert isinstance(form.fields["website"], forms.URLField)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["website"] == "https://example.org"
    assert not OrganisationForm({**data, "homepage": "spam"}).is_valid()


def test_the_honeypot_is_named_like_a_real_field_by_default():
    assert ShareStoryForm().honeypot_field_name == "website"


# --- the text helpers -----------------------------------------------------------------------


def test_the_quote_is_cut_at_a_word():
    text = "word " * 100
    quote = story_quote(text)
    assert len(quote) <= 281 and quote.endswith("word…")
    assert story_quote("short story") == "short story"


def test_the_body_is_escaped_paragraphs():
    assert story_body_html("a <b>\n\n\n  c & d\ne  ") == "<p>a &lt;b&gt;</p><p>c &amp; d<br/>e</p>"
