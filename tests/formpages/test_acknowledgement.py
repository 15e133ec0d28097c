"""Residents hear back: whoever fills in "Volunteer" or "Have a chat" is thanked by email in the
site's name, once, and told what happens next; the site's team is told with the resident's
address as Reply-To. On Coventry and on Leeds (a chapter made by create_chapter). Bad input
never sends and never gives a 500."""

from email.utils import parseaddr

import pytest
from django.conf import settings
from django.core import mail
from wagtail.contrib.forms.models import FormSubmission

from cms.formpages.models import FormPage
from cms.formpages.tasks import send_submission_acknowledgement, send_submission_notification
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, LEEDS_HOST
from tests.formpages.support import (
    FORMS,
    assert_safe_headers,
    resident_mail,
    submit,
    team_mail,
)
from tests.helpers import ESCAPED_SCRIPT, INJECTION, SCRIPT
from tests.shared_chapter import leeds_param

SENDER_ADDRESS = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
LEEDS_CONTACT = "hello@leeds.example"


@pytest.fixture(params=["coventry", leeds_param()])
def site_under_test(request, network):
    """(host, the site's display name, its contact address) on Coventry, then on Leeds."""
    if request.param == "coventry":
        site = network.coventry_site
    else:
        site = request.getfixturevalue("leeds").site
        SiteSettings.objects.filter(site=site).update(contact_email=LEEDS_CONTACT)
    site_settings = SiteSettings.for_site(site)
    host = COVENTRY_HOST if request.param == "coventry" else LEEDS_HOST
    return host, site_settings.display_name, site_settings.contact_email


def post(client, form, host, captured, **overrides):
    url, build = FORMS[form]
    data = build(**overrides)
    with captured(execute=True):
        response = submit(client, url, data, host=host)
    return response, data


@pytest.mark.parametrize("form", FORMS)
def test_the_resident_is_thanked_in_the_sites_name_and_told_what_happens_next(
    client, site_under_test, mailoutbox, django_capture_on_commit_callbacks, form
):
    host, site_name, contact = site_under_test
    response, data = post(client, form, host, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    resident = data["email_address"]

    (thanks,) = resident_mail(mailoutbox, resident)
    assert parseaddr(thanks.from_email) == (site_name, SENDER_ADDRESS)
    assert thanks.subject == f"Thank you for getting in touch with {site_name}"
    assert_safe_headers(thanks, reply_to=[contact])
    assert site_name in thanks.body
    assert "What happens next" in thanks.body and "get in touch with you" in thanks.body
    assert f"Dear {data['your_name']}," in thanks.body
    assert f"http://{host}" in thanks.body
    ((html, mimetype),) = thanks.alternatives
    assert mimetype == "text/html"
    assert site_name in html and "What happens next" in html

    # The team hears of it from the site, and answering reaches the resident.
    (team,) = team_mail(mailoutbox, resident)
    assert team.to == [contact]
    assert parseaddr(team.from_email) == (site_name, SENDER_ADDRESS)
    assert_safe_headers(team, reply_to=[resident])


@pytest.mark.parametrize("form", FORMS)
def test_what_the_resident_typed_is_escaped_in_their_acknowledgement(
    client, site_under_test, mailoutbox, django_capture_on_commit_callbacks, form
):
    host, _site_name, _contact = site_under_test
    _response, data = post(client, form, host, django_capture_on_commit_callbacks, your_name=SCRIPT)
    (thanks,) = resident_mail(mailoutbox, data["email_address"])
    ((html, _mimetype),) = thanks.alternatives
    for text in (thanks.body, html):
        assert "<script" not in text and ESCAPED_SCRIPT in text
    assert "script" not in thanks.subject


def test_the_acknowledgement_is_sent_once_even_if_the_task_runs_twice(
    client, site_under_test, mailoutbox, django_capture_on_commit_callbacks
):
    host, _site_name, _contact = site_under_test
    post(client, "volunteer", host, django_capture_on_commit_callbacks)
    submission = FormSubmission.objects.latest("pk")
    assert len(resident_mail(mailoutbox, "dev.okafor@example.org")) == 1
    assert send_submission_acknowledgement(submission.pk) == 0
    assert len(resident_mail(mailoutbox, "dev.okafor@example.org")) == 1


BAD_ADDRESSES = {
    "no email": "",
    "malformed": "dev.okafor@",
    "header injection": "dev.okafor@example.org" + INJECTION,
    "two addresses": "dev@example.org, evil@example.com",
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", BAD_ADDRESSES)
def test_a_bad_address_is_refused_and_nothing_is_sent(
    client, site_under_test, mailoutbox, django_capture_on_commit_callbacks, form, case
):
    host, _site_name, _contact = site_under_test
    before = FormSubmission.objects.count()
    response, _data = post(
        client, form, host, django_capture_on_commit_callbacks, email_address=BAD_ADDRESSES[case]
    )
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert FormSubmission.objects.count() == before
    assert mailoutbox == [] and mail.outbox == []


@pytest.mark.parametrize("stored", ["", "not-an-address", "a@example.org\nBcc: evil@example.com"])
def test_a_stored_submission_without_a_valid_address_is_not_acknowledged(
    site_under_test, mailoutbox, stored
):
    """Submissions kept from before (or a form whose email field is optional): the team is
    still told, with no Reply-To; the resident is not written to."""
    host, _site_name, contact = site_under_test
    prefix = "/leeds/" if host == LEEDS_HOST else "/coventry/"
    page = FormPage.objects.get(url_path=f"{prefix}get-involved/volunteer/")
    submission = FormSubmission.objects.create(
        page=page, form_data={"your_name": "Dev", "email_address": stored}
    )
    assert send_submission_acknowledgement(submission.pk) == 0
    assert send_submission_notification(submission.pk) == 1
    (team,) = mailoutbox
    assert team.to == [contact]
    assert_safe_headers(team, reply_to=[])
