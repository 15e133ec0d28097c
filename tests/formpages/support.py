"""What the form-page tests share: Coventry's two demo forms ("Volunteer" and "Have a chat"),
the data a resident posts to each with its signed timestamp, the fields each has, submitting,
and submissions made with an age."""

import copy
import datetime
import time

from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from cms.core import antispam
from cms.formpages.models import FormField, FormPage
from tests.conftest import COVENTRY_HOST
from tests.helpers import (
    assert_no_injected_headers,
    with_overrides,
)

VOLUNTEER_URL = "/get-involved/volunteer/"
CHAT_URL = "/get-involved/have-a-chat/"
COVENTRY_CONTACT = "coventry@connectioncoalition.example"
SALT = "formpages.form"  # every form page's; checked below


def token(age_seconds: float = 60, salt: str | None = None) -> str:
    return antispam.sign_timestamp(salt or SALT, at=time.time() - age_seconds)


def volunteer_data(**overrides) -> dict:
    defaults = {
        "your_name": "Dev Okafor",
        "email_address": "dev.okafor@example.org",
        "phone_number": "024 7600 1234",
        "how_would_you_like_to_help": ["Befriending", "Digital skills"],
        "tell_us_a_little_about_yourself": "Retired nurse.\n\nFree on Tuesdays.",
        "website": "",
        "form_started": token(),
    }
    return with_overrides(defaults, overrides)


def chat_data(**overrides) -> dict:
    defaults = {
        "your_name": "Margaret Ellis",
        "email_address": "margaret.ellis@example.org",
        "phone_number": "",
        "best_time_to_call": "Evening",
        "what_would_you_like_to_talk_about": "Starting a walking group on our estate.",
        "website": "",
        "form_started": token(),
    }
    return with_overrides(defaults, overrides)


FORMS = {
    "volunteer": (VOLUNTEER_URL, volunteer_data),
    "have a chat": (CHAT_URL, chat_data),
}


TEXT_FIELDS = {
    "volunteer": ["your_name", "phone_number", "tell_us_a_little_about_yourself"],
    "have a chat": ["your_name", "phone_number", "what_would_you_like_to_talk_about"],
}


REQUIRED_FIELDS = {
    "volunteer": ["your_name", "email_address"],
    "have a chat": ["your_name", "email_address", "what_would_you_like_to_talk_about"],
}


CHOICE_FIELDS = {
    "volunteer": ("how_would_you_like_to_help", ["Befriending", "Hacking"]),
    "have a chat": ("best_time_to_call", "Midnight"),
}


def coventry_form(slug: str) -> FormPage:
    return FormPage.objects.get(url_path=f"/coventry/get-involved/{slug}/")


def submit(client, url, data, host=COVENTRY_HOST, **extra):
    return client.post(url, data, HTTP_HOST=host, **extra)


def submissions_of(page) -> list[FormSubmission]:
    return list(FormSubmission.objects.filter(page=page).order_by("pk"))


def make_national_form() -> FormPage:
    home = Site.objects.get(is_default_site=True).root_page
    page = FormPage(title="Contact the coalition", slug="contact", subject="Contact form")
    page.form_fields = [
        FormField(label="Your name", field_type="singleline", required=True),
        FormField(label="Message", field_type="multiline", required=True),
    ]
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def submission_aged(page, age: datetime.timedelta, label: str) -> FormSubmission:
    submission = FormSubmission.objects.create(page=page, form_data={"your_name": label})
    FormSubmission.objects.filter(pk=submission.pk).update(submit_time=timezone.now() - age)
    return submission


def remaining_names(*labels) -> set[str]:
    names = (submission.form_data.get("your_name") for submission in FormSubmission.objects.all())
    return {name for name in names if name in labels}


def team_mail(outbox, resident: str) -> list:
    """The messages to the form's team (every one not addressed to the resident)."""
    return [message for message in outbox if resident not in message.to]


def resident_mail(outbox, resident: str) -> list:
    return [message for message in outbox if message.to == [resident]]


def assert_safe_headers(message, reply_to: list[str]) -> None:
    """Only the headers Django builds, plus the Reply-To we expect: nothing else from input."""
    assert message.reply_to == reply_to
    raw_headers = message.message().as_string().split("\n\n", 1)[0]
    assert "evil@example.com" not in raw_headers and "Bcc" not in raw_headers
    without_reply_to = copy.copy(message)
    without_reply_to.reply_to = []
    assert_no_injected_headers(without_reply_to)
