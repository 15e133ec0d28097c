"""Fixtures of the form-page tests: the other sites' forms with their submissions (Leeds is the
`leeds` of tests/conftest.py, made by create_chapter), and submissions of every age for the
retention task."""

import datetime

import pytest
from wagtail.contrib.forms.models import FormSubmission

from cms.formpages.models import FormPage
from tests.formpages.support import (
    coventry_form,
    make_national_form,
    submission_aged,
)


@pytest.fixture
def other_sites(network, leeds):
    """A national form and Leeds' two forms, each with a submission holding a secret."""
    national = make_national_form()
    FormSubmission.objects.create(
        page=national, form_data={"your_name": "Nadia National", "message": "Nat-0x5ecret"}
    )
    leeds_forms = {
        page.slug: page for page in FormPage.objects.filter(url_path__startswith="/leeds/")
    }
    assert set(leeds_forms) == {"volunteer", "have-a-chat"}  # provisioning made them
    for page in leeds_forms.values():
        FormSubmission.objects.create(
            page=page, form_data={"your_name": "Lee Leeds", "email_address": "leeds-0x5ecret@x.org"}
        )
    return {
        "national": national,
        "leeds volunteer": leeds_forms["volunteer"],
        "leeds chat": leeds_forms["have-a-chat"],
    }


@pytest.fixture
def aged_submissions(network, other_sites):
    volunteer, chat = coventry_form("volunteer"), coventry_form("have-a-chat")
    days = datetime.timedelta(days=1)
    return {
        "coventry 400 days": submission_aged(volunteer, 400 * days, "coventry 400 days"),
        "coventry chat 400 days": submission_aged(chat, 400 * days, "coventry chat 400 days"),
        "coventry 45 days": submission_aged(volunteer, 45 * days, "coventry 45 days"),
        "coventry 20 days": submission_aged(chat, 20 * days, "coventry 20 days"),
        "national 400 days": submission_aged(
            other_sites["national"], 400 * days, "national 400 days"
        ),
        "national 45 days": submission_aged(other_sites["national"], 45 * days, "national 45 days"),
        "leeds 45 days": submission_aged(
            other_sites["leeds volunteer"], 45 * days, "leeds 45 days"
        ),
        "leeds 300 days": submission_aged(other_sites["leeds chat"], 300 * days, "leeds 300 days"),
    }
