"""Chapter form pages ("Volunteer", "Have a chat") built with Wagtail's form builder: a resident's
submission is stored with the page and mailed to the site's contact address by a worker; only the
chapter's own editors see, export or delete it; it is deleted after the site's retention period;
no input (spam, hostile, huge, malformed) gives a 500, stores anything or sends anything."""

import csv
import datetime
import io
import re
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Locale

from cms.core import antispam
from cms.formpages.models import SUBMISSION_LIMIT, FormPage, SpamProtectedFormBuilder
from cms.formpages.tasks import (
    delete_expired_submissions,
    months_ago,
    send_submission_notification,
)
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.formpages.support import (
    CHAT_URL,
    CHOICE_FIELDS,
    COVENTRY_CONTACT,
    FORMS,
    REQUIRED_FIELDS,
    SALT,
    TEXT_FIELDS,
    VOLUNTEER_URL,
    assert_safe_headers,
    chat_data,
    coventry_form,
    remaining_names,
    resident_mail,
    submission_aged,
    submissions_of,
    submit,
    team_mail,
    token,
    volunteer_data,
)
from tests.helpers import (
    ESCAPED_SCRIPT,
    EXPIRED,
    GENERIC,
    INJECTION,
    MEGABYTE,
    NUL,
    REQUIRED,
    SCRIPT,
    assert_form_rejected,
    assert_no_nul,
    assert_plain_text,
    assert_refused,
    body,
)

COVENTRY_SENDER = f"Connecting for Good Coventry <{settings.DEFAULT_FROM_EMAIL.split('<')[-1]}"

# --- the form pages -------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_the_form_page_shows_its_fields_and_spam_checks(client, network, form):
    url, build = FORMS[form]
    response = client.get(url, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    for name in build():
        if name not in ("website", "form_started"):
            assert f'name="{name}"' in html
    hidden = re.search(r'<div class="form-extra" aria-hidden="true">(.*?)</div>', html, re.S)
    assert 'name="website"' in hidden.group(1) and 'tabindex="-1"' in hidden.group(1)
    assert re.search(r'name="form_started" value="[^"]+"', html)
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'class="error-summary"' not in html


def test_every_form_page_signs_its_timestamp_with_the_same_salt(network):
    form_class = coventry_form("volunteer").get_form_class()
    assert issubclass(form_class, antispam.AntiSpamFormMixin)
    assert form_class.get_antispam_salt() == SALT
    assert FormPage.form_builder is SpamProtectedFormBuilder


def test_the_forms_are_coventrys_and_not_on_the_national_site(client, network):
    assert client.get(VOLUNTEER_URL, HTTP_HOST=NATIONAL_HOST).status_code == 404
    assert submit(client, VOLUNTEER_URL, volunteer_data(), host=NATIONAL_HOST).status_code == 404
    assert FormSubmission.objects.filter(page=coventry_form("volunteer")).count() == 1  # demo


# --- a resident volunteers ------------------------------------------------------------------


def test_a_volunteer_is_stored_and_coventry_is_told_by_email(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    page = coventry_form("volunteer")
    before = submissions_of(page)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = submit(client, VOLUNTEER_URL, volunteer_data())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Thank you" in html and 'class="error-summary"' not in html
    assert len(callbacks) == 2  # the team's notification, the resident's acknowledgement

    stored = submissions_of(page)
    assert len(stored) == len(before) + 1
    submission = stored[-1]
    assert submission.form_data == {
        "your_name": "Dev Okafor",
        "email_address": "dev.okafor@example.org",
        "phone_number": "024 7600 1234",
        "how_would_you_like_to_help": ["Befriending", "Digital skills"],
        "tell_us_a_little_about_yourself": "Retired nurse.\n\nFree on Tuesdays.",
    }  # nothing of the spam checks

    (message,) = team_mail(mailoutbox, "dev.okafor@example.org")
    assert message.to == [COVENTRY_CONTACT]
    assert message.subject == page.subject == "Volunteer form"
    assert message.from_email == COVENTRY_SENDER
    assert_safe_headers(message, reply_to=["dev.okafor@example.org"])
    for value in ["Dev Okafor", "dev.okafor@example.org", "024 7600 1234", "Free on Tuesdays"]:
        assert value in message.body
        assert value not in message.subject and value not in str(message.message()["From"])
    assert "Connecting for Good Coventry" in message.body
    assert_plain_text(message)


def test_the_chosen_ways_to_help_read_as_words_in_the_email(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, VOLUNTEER_URL, volunteer_data())
    body = mailoutbox[0].body
    assert "Befriending, Digital skills" in body
    assert "['" not in body


def test_a_chat_request_is_stored_and_sent(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    page = coventry_form("have-a-chat")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, CHAT_URL, chat_data())
    assert response.status_code == 200
    submission = submissions_of(page)[-1]
    assert submission.form_data["best_time_to_call"] == "Evening"
    assert submission.form_data["your_name"] == "Margaret Ellis"
    assert set(submission.form_data) == set(chat_data()) - {"website", "form_started"}
    assert [m.to for m in mailoutbox] == [[COVENTRY_CONTACT], ["margaret.ellis@example.org"]]
    assert mailoutbox[0].subject == "Have a chat form"
    assert mailoutbox[0].reply_to == ["margaret.ellis@example.org"]
    assert "Starting a walking group" in mailoutbox[0].body


def test_the_pages_own_addresses_win_over_the_sites_contact(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    page = coventry_form("volunteer")
    page.to_address = "team@coventry.example, lead@coventry.example"
    page.from_address = "forms@coventry.example"  # an old page's: mail goes in the site's name
    page.save()
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, VOLUNTEER_URL, volunteer_data())
    (message,) = team_mail(mailoutbox, "dev.okafor@example.org")
    assert message.to == ["team@coventry.example", "lead@coventry.example"]
    assert message.from_email == COVENTRY_SENDER


def test_no_address_anywhere_stores_the_submission_and_tells_only_the_resident(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    SiteSettings.objects.filter(site=network.coventry_site).update(contact_email="")
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, VOLUNTEER_URL, volunteer_data())
    assert response.status_code == 200
    assert submissions_of(coventry_form("volunteer"))[-1].form_data["your_name"] == "Dev Okafor"
    assert team_mail(mailoutbox, "dev.okafor@example.org") == []
    (thanks,) = resident_mail(mailoutbox, "dev.okafor@example.org")
    assert thanks.reply_to == []  # no contact address to offer


def test_the_notification_task_ignores_a_missing_submission(network, mailoutbox):
    assert send_submission_notification(999_999) == 0
    assert mailoutbox == []


def test_a_broker_outage_does_not_lose_the_submission(
    client, network, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(send_submission_notification, "delay", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = submit(client, VOLUNTEER_URL, volunteer_data())
    assert response.status_code == 200
    assert submissions_of(coventry_form("volunteer"))[-1].form_data["your_name"] == "Dev Okafor"


# --- accepted, stored as typed --------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_unicode_is_stored_intact(
    client, network, mailoutbox, django_capture_on_commit_callbacks, form
):
    url, build = FORMS[form]
    values = {
        TEXT_FIELDS[form][0]: "Zoë 🌻 أحمد \u05e9\u05dc\u05d5\u05dd\u200f",
        TEXT_FIELDS[form][1]: "☎ +44 (0)24 7600",
        TEXT_FIELDS[form][2]: "مرحبا 👋🏽\n\n家族 👨‍👩‍👧 — Ça va?",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url, build(**values))
    assert response.status_code == 200
    submission = FormSubmission.objects.latest("pk")
    for name, value in values.items():
        assert submission.form_data[name] == value
    assert all(value in mailoutbox[0].body for value in values.values())


@pytest.mark.parametrize("form", FORMS)
def test_markup_is_stored_as_text_and_escaped_wherever_it_is_shown(
    client, network, coventry_editor, mailoutbox, django_capture_on_commit_callbacks, form
):
    url, build = FORMS[form]
    values = {name: f"{SCRIPT} <img src=x onerror=alert(2)>" for name in TEXT_FIELDS[form]}
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url, build(**values))
    assert response.status_code == 200
    assert SCRIPT not in response.content.decode()  # the thanks page
    submission = FormSubmission.objects.latest("pk")
    for name, value in values.items():
        assert submission.form_data[name] == value

    message = mailoutbox[0]
    assert SCRIPT in message.body and ESCAPED_SCRIPT not in message.body  # literal, plain text
    assert_plain_text(message)
    assert "<script" not in message.subject

    client.force_login(coventry_editor)
    listing = client.get(reverse("wagtailforms:list_submissions", args=[submission.page_id]))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert SCRIPT not in html and "<img src=x" not in html
    assert ESCAPED_SCRIPT in html


@pytest.mark.parametrize("form", FORMS)
def test_line_breaks_in_every_field_never_reach_a_header(
    client, network, mailoutbox, django_capture_on_commit_callbacks, form
):
    url, build = FORMS[form]
    values = {name: "Dev" + INJECTION for name in TEXT_FIELDS[form]}
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url, build(**values))
    assert response.status_code == 200
    submission = FormSubmission.objects.latest("pk")
    for name in values:
        assert "\r" not in submission.form_data[name]
    assert len(mailoutbox) == 2  # the team's and the resident's
    resident = build()["email_address"]
    team, thanks = mailoutbox
    assert_safe_headers(team, reply_to=[resident])
    assert_safe_headers(thanks, reply_to=[COVENTRY_CONTACT])
    assert [team.recipients(), thanks.recipients()] == [[COVENTRY_CONTACT], [resident]]


# --- rejected: nothing stored, nothing sent, never a 500 -------------------------------------


def _cases(form: str) -> dict:
    _, build = FORMS[form]
    single, phone, multiline = TEXT_FIELDS[form]
    choice_field, bad_choice = CHOICE_FIELDS[form]
    cases = {
        "everything missing": (lambda: {"form_started": token()}, REQUIRED),
        "whitespace name": (lambda: build(your_name=" \t\n "), REQUIRED),
        f"1 MB {single}": (lambda: build(**{single: MEGABYTE}), "at most 255 characters"),
        f"1 MB {phone}": (lambda: build(**{phone: MEGABYTE}), "at most 255 characters"),
        f"1 MB {multiline}": (lambda: build(**{multiline: MEGABYTE}), "characters"),
        "1 MB email": (lambda: build(email_address=MEGABYTE + "@x.org"), "Enter a valid email"),
        f"NUL in {single}": (lambda: build(**{single: "Dev\x00"}), NUL),
        f"NUL in {phone}": (lambda: build(**{phone: "\x00"}), NUL),
        f"NUL in {multiline}": (lambda: build(**{multiline: "a\x00b"}), NUL),
        "NUL in email": (lambda: build(email_address="dev\x00@example.org"), NUL),
        f"NUL in {choice_field}": (
            lambda: build(**{choice_field: "Evening\x00"}),
            "Select a valid choice",
        ),
        f"unknown {choice_field}": (
            lambda: build(**{choice_field: bad_choice}),
            "Select a valid choice",
        ),
        "bad email": (lambda: build(email_address="not-an-email"), "Enter a valid email"),
        "header injection in email": (
            lambda: build(email_address="dev@example.org" + INJECTION),
            "Enter a valid email",
        ),
        "markup in email": (
            lambda: build(email_address=f"{SCRIPT}@example.org"),
            "Enter a valid email",
        ),
        "honeypot filled": (lambda: build(website="https://spam.example"), GENERIC),
        "timestamp missing": (lambda: build(form_started=None), GENERIC),
        "timestamp forged": (lambda: build(form_started="1700000000.000:1rX:abc"), GENERIC),
        "timestamp of another form": (
            lambda: build(form_started=token(salt="coalition.join")),
            GENERIC,
        ),
        "timestamp tampered": (lambda: build(form_started="9" + token()[1:]), GENERIC),
        "too fast": (lambda: build(form_started=token(age_seconds=0.5)), GENERIC),
        "expired": (lambda: build(form_started=token(age_seconds=3 * 3600)), EXPIRED),
    }
    for name in REQUIRED_FIELDS[form]:
        cases[f"missing {name}"] = (lambda name=name: build(**{name: None}), REQUIRED)
    return cases


REJECTED = [(form, case, *spec) for form in FORMS for case, spec in _cases(form).items()]


@pytest.mark.parametrize(
    "form, case, build, expected",
    REJECTED,
    ids=[f"{form}: {case}" for form, case, _, _ in REJECTED],
)
def test_bad_input_is_answered_with_the_form_and_nothing_is_kept(
    client, network, mailoutbox, django_capture_on_commit_callbacks, form, case, build, expected
):
    url, _ = FORMS[form]
    before = FormSubmission.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = submit(client, url, build())
    assert_form_rejected(response, expected)
    assert FormSubmission.objects.count() == before
    assert callbacks == []
    assert mailoutbox == [] and mail.outbox == []


def test_nul_bytes_never_reach_the_database(client, network):
    for field in ["your_name", "phone_number", "tell_us_a_little_about_yourself"]:
        submit(client, VOLUNTEER_URL, volunteer_data(**{field: "a\x00b"}), REMOTE_ADDR=field)
    for submission in FormSubmission.objects.all():
        assert_no_nul(submission.form_data.values())
    assert len(submissions_of(coventry_form("volunteer"))) == 1  # the demo one


@pytest.mark.parametrize("form", FORMS)
def test_a_burst_over_the_rate_limit_gets_429_and_nothing_more_is_stored(
    client, network, mailoutbox, django_capture_on_commit_callbacks, form
):
    url, build = FORMS[form]
    limit, window = SUBMISSION_LIMIT
    for _ in range(limit):
        assert submit(client, url, build(your_name=None)).status_code == 200
    before = FormSubmission.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url, build())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= window
    html = response.content.decode()
    assert "Please wait a moment" in html
    assert "Connecting for Good Coventry" in html
    assert "no-store" in response["Cache-Control"]
    assert FormSubmission.objects.count() == before
    assert mailoutbox == []
    # Reading is not limited; another client is not held up; the limit is per form.
    assert client.get(url, HTTP_HOST=COVENTRY_HOST).status_code == 200
    assert submit(client, url, build(), REMOTE_ADDR="192.0.2.7").status_code == 200
    other_url, other_build = FORMS["have a chat" if form == "volunteer" else "volunteer"]
    assert submit(client, other_url, other_build()).status_code == 200
    assert FormSubmission.objects.count() == before + 2


# --- who sees the submissions ---------------------------------------------------------------


def test_coventrys_editor_sees_and_exports_coventrys_submissions(
    client, network, coventry_client, other_sites
):
    volunteer = coventry_form("volunteer")
    submit(client, VOLUNTEER_URL, volunteer_data(your_name="Ravi Resident"))

    index = coventry_client.get(reverse("wagtailforms:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert "Volunteer" in html and "Have a chat" in html
    own = {coventry_form("volunteer").pk, coventry_form("have-a-chat").pk}
    listed = {int(pk) for pk in re.findall(r"/admin/forms/submissions/(\d+)/", html)}
    assert listed == own
    assert "Contact the coalition" not in html

    url = reverse("wagtailforms:list_submissions", args=[volunteer.pk])
    listing = coventry_client.get(url)
    assert listing.status_code == 200
    assert "Dev Patel" in listing.content.decode()  # the demo volunteer
    assert "Ravi Resident" in listing.content.decode()

    export = coventry_client.get(url, {"export": "csv"})
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][1:] == [
        "Your name",
        "Email address",
        "Phone number",
        "How would you like to help?",
        "Tell us a little about yourself",
    ]
    names = {row[1] for row in rows[1:]}
    assert names == {"Dev Patel", "Ravi Resident"}
    assert "0x5ecret" not in body.decode()


# What another site's submissions hold: none of it may reach a refused editor.
OTHER_SITES_SECRETS = ["0x5ecret", "Lee Leeds", "Nadia National", "Dev Patel", "Margaret Ellis"]


@pytest.mark.parametrize("target", ["national", "leeds volunteer", "leeds chat"])
def test_coventrys_editor_cannot_reach_other_sites_submissions(
    coventry_client, network, other_sites, target
):
    page = other_sites[target]
    submission = FormSubmission.objects.get(page=page)
    index = coventry_client.get(reverse("wagtailforms:index")).content.decode()
    assert f"/admin/forms/submissions/{page.pk}/" not in index
    assert "0x5ecret" not in index and "Lee Leeds" not in index

    listing_url = reverse("wagtailforms:list_submissions", args=[page.pk])
    results_url = reverse("wagtailforms:list_submissions_results", args=[page.pk])
    delete_url = reverse("wagtailforms:delete_submissions", args=[page.pk])
    selected = f"?selected-submissions={submission.pk}"
    for method, url, data in [
        ("get", listing_url, {}),
        ("get", results_url, {}),
        ("get", listing_url, {"export": "csv"}),
        ("get", listing_url, {"export": "xlsx"}),
        ("get", delete_url + selected, {}),
        ("post", delete_url + selected, {}),
    ]:
        response = getattr(coventry_client, method)(url, data)
        assert_refused(coventry_client, response, OTHER_SITES_SECRETS, f"{method.upper()} {url}")
    assert FormSubmission.objects.filter(pk=submission.pk).exists()


def test_deleting_through_an_own_form_cannot_reach_another_sites_submissions(
    coventry_client, network, other_sites
):
    foreign = FormSubmission.objects.get(page=other_sites["national"])
    own_page = coventry_form("volunteer")
    url = reverse("wagtailforms:delete_submissions", args=[own_page.pk])
    response = coventry_client.post(f"{url}?selected-submissions={foreign.pk}")
    assert response.status_code == 302
    assert FormSubmission.objects.filter(pk=foreign.pk).exists()


def test_coventrys_editor_can_delete_coventrys_submissions(coventry_client, network):
    submission = submissions_of(coventry_form("volunteer"))[0]
    url = reverse("wagtailforms:delete_submissions", args=[submission.page_id])
    confirm = coventry_client.get(f"{url}?selected-submissions={submission.pk}")
    assert confirm.status_code == 200
    response = coventry_client.post(f"{url}?selected-submissions={submission.pk}")
    assert response.status_code == 302
    assert not FormSubmission.objects.filter(pk=submission.pk).exists()


def test_the_national_editor_cannot_see_coventrys_submissions(
    national_client, network, other_sites
):
    """National editors hold permissions on the national tree only: Coventry's forms are not
    listed for them, and the submissions, export and delete views refuse them."""
    index = national_client.get(reverse("wagtailforms:index"))
    assert index.status_code == 200
    html = index.content.decode()
    listed = {int(pk) for pk in re.findall(r"/admin/forms/submissions/(\d+)/", html)}
    assert listed == {other_sites["national"].pk}
    volunteer = coventry_form("volunteer")
    listing_url = reverse("wagtailforms:list_submissions", args=[volunteer.pk])
    delete_url = reverse("wagtailforms:delete_submissions", args=[volunteer.pk])
    demo = submissions_of(volunteer)[0]
    for method, url, data in [
        ("get", listing_url, {}),
        ("get", listing_url, {"export": "csv"}),
        ("post", f"{delete_url}?selected-submissions={demo.pk}", {}),
    ]:
        response = getattr(national_client, method)(url, data)
        assert_refused(national_client, response, OTHER_SITES_SECRETS, f"{method.upper()} {url}")
    assert FormSubmission.objects.filter(pk=demo.pk).exists()
    own = national_client.get(
        reverse("wagtailforms:list_submissions", args=[other_sites["national"].pk]),
        {"export": "csv"},
    )
    assert own.status_code == 200 and "Nat-0x5ecret" in body(own)


def test_a_superuser_sees_every_sites_forms(client, superuser, network, other_sites):
    client.force_login(superuser)
    html = client.get(reverse("wagtailforms:index")).content.decode()
    listed = {int(pk) for pk in re.findall(r"/admin/forms/submissions/(\d+)/", html)}
    expected = {page.pk for page in other_sites.values()} | {
        coventry_form("volunteer").pk,
        coventry_form("have-a-chat").pk,
    }
    assert listed == expected


# --- retention --------------------------------------------------------------------------------


def test_submissions_older_than_a_year_are_deleted_by_default(network, aged_submissions):
    assert SiteSettings.for_site(network.coventry_site).form_retention_months == 12
    before = FormSubmission.objects.count()
    assert delete_expired_submissions() == 3
    assert FormSubmission.objects.count() == before - 3
    assert remaining_names(*aged_submissions) == set(aged_submissions) - {
        "coventry 400 days",
        "coventry chat 400 days",
        "national 400 days",
    }
    # The demo submissions, made today, stay.
    assert len(submissions_of(coventry_form("volunteer"))) == 2
    assert delete_expired_submissions() == 0


def test_a_site_with_a_shorter_retention_loses_only_its_own_older_submissions(
    network, aged_submissions
):
    site_settings = SiteSettings.for_site(network.coventry_site)
    site_settings.form_retention_months = 1
    site_settings.save()
    assert delete_expired_submissions() == 4
    assert remaining_names(*aged_submissions) == {
        "coventry 20 days",
        "national 45 days",
        "leeds 45 days",
        "leeds 300 days",
    }


def test_a_translated_form_page_follows_its_sites_retention(network):
    welsh, _ = Locale.objects.get_or_create(language_code="cy")
    english = coventry_form("volunteer")
    welsh_page = english.get_translations().filter(locale=welsh).first()
    if welsh_page is None:
        welsh_page = english.copy_for_translation(welsh, copy_parents=True)
    welsh_page = welsh_page.specific
    assert welsh_page.get_site() == network.coventry_site
    submission_aged(welsh_page, datetime.timedelta(days=400), "welsh 400 days")
    submission_aged(welsh_page, datetime.timedelta(days=20), "welsh 20 days")
    assert delete_expired_submissions() == 1
    assert remaining_names("welsh 400 days", "welsh 20 days") == {"welsh 20 days"}


def test_months_ago_handles_month_ends_and_year_boundaries():
    now = datetime.datetime(2025, 3, 31, 12, 0, tzinfo=datetime.UTC)
    assert months_ago(1, now) == datetime.datetime(2025, 2, 28, 12, 0, tzinfo=datetime.UTC)
    assert months_ago(12, now) == datetime.datetime(2024, 3, 28, 12, 0, tzinfo=datetime.UTC)
    assert months_ago(3, datetime.datetime(2025, 1, 15, tzinfo=datetime.UTC)) == (
        datetime.datetime(2024, 10, 15, tzinfo=datetime.UTC)
    )
