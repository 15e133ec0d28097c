"""The widget's signup (POST /embed/signup/ from a member's website): double opt-in as on the
site's own form, the consent record keeping the widget's data-source and the page's origin,
the list of the host's own site only, field errors as 400 JSON, spam refused, a rate limit
(429 JSON), and never a 500 whatever is sent."""

import json

import pytest

from newsletter.models import ConsentRecord, NewsletterList, Subscription
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.embed.support import EMAIL, MEMBER_ORIGIN, post_signup, signup_body
from tests.newsletter.subscriptions_support import confirm_link, form_started, nothing_stored_for


def _subscribe(client, capture, host, **overrides):
    with capture(execute=True):
        response = post_signup(client, host=host, **overrides)
    assert response.status_code == 202, response.content.decode()
    return response


def _confirm(client, message):
    host, path = confirm_link(message)
    response = client.post(path, HTTP_HOST=host.split("//")[1])
    assert response.status_code == 200
    return host


def test_a_signup_from_a_members_website_is_confirmed_by_email_and_keeps_its_source(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    response = _subscribe(client, django_capture_on_commit_callbacks, COVENTRY_HOST)
    assert "Check your email" in response.json()["message"]
    subscription = Subscription.objects.get(
        subscriber__email=EMAIL, newsletter_list__site=network.coventry_site
    )
    assert subscription.status == Subscription.Status.PENDING
    (message,) = mailoutbox
    assert message.to == [EMAIL]

    host = _confirm(client, message)
    assert host.startswith("http://coventry.localhost")
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED
    records = ConsentRecord.objects.filter(subscription=subscription).order_by("pk")
    assert [(r.action, r.source, r.origin) for r in records] == [
        ("subscribed", "age-uk-coventry", MEMBER_ORIGIN),
        ("confirmed", "age-uk-coventry", MEMBER_ORIGIN),
    ]
    assert records[0].wording == NewsletterList.for_site(network.coventry_site).consent_wording


def test_a_chapter_made_by_create_chapter_takes_signups_for_its_own_list(
    client, leeds, mailoutbox, django_capture_on_commit_callbacks
):
    newsletter_list = NewsletterList.objects.get(site=leeds.site)
    assert newsletter_list.slug == "leeds"
    _subscribe(
        client, django_capture_on_commit_callbacks, LEEDS_HOST, list="leeds", source="leeds-uni"
    )
    (message,) = mailoutbox
    assert _confirm(client, message).startswith("http://leeds.localhost")
    record = ConsentRecord.objects.get(newsletter_list=newsletter_list, action="confirmed")
    assert (record.source, record.origin) == ("leeds-uni", MEMBER_ORIGIN)


@pytest.mark.parametrize(
    ("host", "slug"),
    [(NATIONAL_HOST, "coventry"), (COVENTRY_HOST, "localhost"), (COVENTRY_HOST, "leeds")],
)
def test_a_list_of_another_site_is_refused_whatever_the_widget_names(
    client, leeds, mailoutbox, host, slug
):
    response = post_signup(client, host=host, list=slug)
    assert response.status_code == 404
    assert response.json()["message"] == "This site has no newsletter list of that name."
    assert nothing_stored_for(EMAIL)
    assert mailoutbox == []


def test_field_errors_come_back_as_400_json_with_each_fields_message_and_a_fresh_token(
    client, network
):
    response = post_signup(client, email="not-an-address", consent=False)
    assert response.status_code == 400
    answer = response.json()
    assert answer["errors"] == {
        "email": ["Enter an email address like name@example.com."],
        "consent": ["Tick the box to say you agree, or we cannot subscribe you."],
    }
    assert answer["token"]
    assert nothing_stored_for("not-an-address")
    # The fresh token works: the corrected form goes through.
    assert post_signup(client, form_started=form_started()).status_code == 202


@pytest.mark.parametrize(
    "overrides",
    [
        {"website": "http://spam.example"},  # the honeypot filled in
        {"form_started": "forged"},
        {"form_started": None},
        {"form_started": form_started(age_seconds=3 * 60 * 60)},  # expired
    ],
)
def test_bots_are_refused_with_one_generic_message(client, network, mailoutbox, overrides):
    response = post_signup(client, **overrides)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["form"]
    assert nothing_stored_for(EMAIL)
    assert mailoutbox == []


def test_a_form_sent_back_faster_than_a_person_types_is_refused(client, network, settings):
    settings.ANTISPAM_MIN_SECONDS = 3
    response = post_signup(client, form_started=form_started(age_seconds=0.5))
    assert response.status_code == 400
    assert "could not accept this form" in response.json()["errors"]["form"][0]
    assert nothing_stored_for(EMAIL)


def test_the_eleventh_signup_in_ten_minutes_from_one_client_gets_429_json(client, network):
    for number in range(10):
        response = post_signup(client, email=f"reader{number}@example.org")
        assert response.status_code == 202
    response = post_signup(client, email="one-too-many@example.org")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert 0 < int(response["Retry-After"]) <= 600
    assert response.json()["retry_after"] == int(response["Retry-After"])
    assert response["Access-Control-Allow-Origin"] == "*"  # the widget can read it
    assert nothing_stored_for("one-too-many@example.org")


@pytest.mark.parametrize(
    ("source", "status", "kept"),
    [
        ("Age-UK-Coventry", 202, "age-uk-coventry"),
        ("", 202, ""),
        ("a" * 64, 202, "a" * 64),
        ("a" * 65, 400, None),
        ("age uk", 400, None),
        ("<script>", 400, None),
        (["list"], 400, None),
    ],
)
def test_the_source_is_a_short_slug_or_refused(client, network, source, status, kept):
    response = post_signup(client, source=source)
    assert response.status_code == status
    if kept is None:
        assert response.json()["errors"] == {"source": ["The widget's data-source is not valid."]}
    else:
        assert ConsentRecord.objects.get(subscription__subscriber__email=EMAIL).source == kept


@pytest.mark.parametrize(
    ("origin", "kept"),
    [
        ("https://www.ageuk-coventry.example", "https://www.ageuk-coventry.example"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123"),
        ("null", ""),
        ("https://example.org/path?email=someone@example.org", ""),
        ("javascript:alert(1)", ""),
        ("https://" + "a" * 300 + ".example", ""),
    ],
)
def test_only_a_real_origin_is_recorded(client, network, origin, kept):
    assert post_signup(client, origin=origin).status_code == 202
    assert ConsentRecord.objects.get(subscription__subscriber__email=EMAIL).origin == kept


def test_a_second_signup_of_a_subscribed_address_gets_the_same_answer(client, network):
    first = post_signup(client)
    second = post_signup(client, form_started=form_started())
    assert (first.status_code, second.status_code) == (202, 202)
    assert first.json() == second.json()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ("[1, 2]", "application/json", 400),
        ('"just a string"', "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        ("email=a@example.org", "application/x-www-form-urlencoded", 415),
        ("{}", "text/plain", 415),
        ("{}", "application/json", 404),  # no list named
    ],
)
def test_bad_bodies_get_a_clear_json_error_never_a_500(client, network, body, content_type, status):
    response = client.generic(
        "POST", "/embed/signup/", body, content_type=content_type, HTTP_HOST=COVENTRY_HOST
    )
    assert response.status_code == status
    assert response.json()["message"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"email": ["a@example.org"]},
        {"email": {"$ne": ""}},
        {"email": "nul\x00@example.org"},
        {"name": "x" * 10_000},
        {"language": 7},
        {"consent": "yes please"},
        {"lang": ["cy"]},
        {"list": 42},
    ],
)
def test_odd_values_in_the_json_are_field_errors_not_a_500(client, network, overrides):
    response = post_signup(client, body=json.dumps(signup_body(**overrides)))
    assert response.status_code in (202, 400, 404)
    assert response["Content-Type"] == "application/json"


def test_get_is_not_allowed_and_nothing_sets_a_cookie(client, network):
    assert client.get("/embed/signup/", HTTP_HOST=COVENTRY_HOST).status_code == 405
    response = post_signup(client)
    assert response.status_code == 202
    assert not response.cookies


def test_a_welsh_widget_on_a_site_with_welsh_mails_the_confirmation_in_welsh(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_signup(
            client, host=NATIONAL_HOST, list="localhost", lang="cy", language="cy"
        )
    assert response.status_code == 202
    assert response.json()["message"].startswith("Diolch.")
    (message,) = mailoutbox
    assert message.message()["Content-Language"] == "cy"
    assert "http://localhost/cy/subscriptions/confirm/" in message.body
    subscription = Subscription.objects.get(subscriber__email=EMAIL)
    assert (subscription.language, subscription.subscriber.language) == ("cy", "cy")
