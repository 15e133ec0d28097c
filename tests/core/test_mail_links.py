"""Links in mail lead to the right host: a chapter's item on that chapter's site (Site.root_url),
the password reset on the host the editor asked on when it is one of our Sites (never a forged
Host header), WAGTAILADMIN_BASE_URL only when there is neither."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Site

from cms.coalition.models.members import JoinRequest
from cms.coalition.tasks import notify_national_editors
from cms.formpages.models import FormPage
from cms.formpages.tasks import send_submission_notification
from cms.stories.models import Story
from cms.stories.tasks import notify_new_submission
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.helpers import _settings_in_subprocess

LINK = re.compile(r"https?://[^\s/]+(?::\d+)?/\S*")


def links(message) -> list[str]:
    return LINK.findall(message.body)


def resident_story(site: Site) -> Story:
    return Story.objects.create(
        title="Amira's story",
        slug="amira",
        site=site,
        quote="Jean knocked on my door every day.",
        person_name="Amira",
        source=Story.Source.RESIDENT,
        submitter_email="amira@example.com",
    )


# --- a chapter's item: its own site ----------------------------------------------------------


@pytest.mark.parametrize("chapter", ["coventry", "leeds"])
def test_a_shared_story_notification_links_to_the_stories_own_site(
    network, leeds, leeds_editor, mailoutbox, chapter
):
    site, host = (
        (leeds.site, LEEDS_HOST) if chapter == "leeds" else (network.coventry_site, COVENTRY_HOST)
    )
    story = resident_story(site)
    assert notify_new_submission(story.pk) >= 1
    for message in mailoutbox:
        assert f"http://{host}/admin/snippets/stories/story/edit/{story.pk}/" in links(message)
        assert all(link.startswith(f"http://{host}/") for link in links(message)), links(message)


@pytest.mark.parametrize("chapter", ["coventry", "leeds"])
def test_a_form_submission_notification_links_to_the_forms_own_site(
    network, leeds, mailoutbox, chapter
):
    host = LEEDS_HOST if chapter == "leeds" else COVENTRY_HOST
    page = FormPage.objects.get(url_path=f"/{chapter}/get-involved/volunteer/")
    page.to_address = f"team@{chapter}.example"
    page.save()
    submission = FormSubmission.objects.create(page=page, form_data={"your_name": "Dev"})
    assert send_submission_notification(submission.pk) == 1
    (message,) = mailoutbox
    assert links(message) == [f"http://{host}/admin/forms/submissions/{page.pk}/"]


def test_a_leeds_page_submitted_for_moderation_links_to_leeds(
    network, leeds, leeds_editor, mailoutbox, django_capture_on_commit_callbacks
):
    moderator = get_user_model().objects.create_user(
        "leeds-moderator", email="moderator@leeds.example", password="demo"
    )
    moderator.groups.add(leeds.moderators_group)
    page = leeds.site.root_page.get_children().first().specific
    page.save_revision(user=leeds_editor)
    with django_capture_on_commit_callbacks(execute=True):
        page.get_workflow().start(page, leeds_editor)
    (message,) = [m for m in mailoutbox if m.to == ["moderator@leeds.example"]]
    assert f"http://{LEEDS_HOST}/admin/pages/{page.pk}/edit/" in links(message)
    assert all(link.startswith(f"http://{LEEDS_HOST}/") for link in links(message)), links(message)


def test_join_request_notifications_link_to_the_national_site(
    network, mailoutbox, national_editor, settings
):
    """Join requests belong to the national site: its host, whatever WAGTAILADMIN_BASE_URL."""
    settings.WAGTAILADMIN_BASE_URL = "http://wrong.example:8000"
    join_request = JoinRequest.objects.create(
        organisation="Tile Hill Lunch Club",
        kind=JoinRequest._meta.get_field("kind").choices[0][0],
        contact_name="Jean",
        contact_email="jean@example.org",
        region=JoinRequest._meta.get_field("region").choices[0][0],
        reason="We feed forty people a week.",
    )
    assert notify_national_editors(join_request.pk) >= 1
    decide = (
        f"http://{NATIONAL_HOST}{reverse('coalition_join_requests:decide', args=[join_request.pk])}"
    )
    for message in mailoutbox:
        assert decide in links(message)
        assert not any("wrong.example" in link for link in links(message))


# --- the password reset: the host asked on, if it is ours --------------------------------------


def reset_link(mailoutbox) -> str:
    (message,) = mailoutbox
    (link,) = [link for link in links(message) if "/password_reset/confirm/" in link]
    return link


@pytest.mark.parametrize("host", [LEEDS_HOST, NATIONAL_HOST, COVENTRY_HOST])
def test_the_password_reset_link_uses_the_requests_host(
    network, leeds, leeds_editor, mailoutbox, settings, host
):
    settings.WAGTAILADMIN_BASE_URL = "http://wrong.example:8000"
    response = Client().post(
        "/admin/password_reset/", {"email": "editor@leeds.example"}, HTTP_HOST=host
    )
    assert response.status_code == 302
    link = reset_link(mailoutbox)
    assert link.startswith(f"http://{host}/admin/password_reset/confirm/")
    # The link works where it points.
    assert Client().get(link.removeprefix(f"http://{host}"), HTTP_HOST=host).status_code == 302


def test_the_password_reset_link_keeps_the_port_and_https_of_the_request(
    network, leeds, leeds_editor, mailoutbox
):
    Client().post(
        "/admin/password_reset/",
        {"email": "editor@leeds.example"},
        HTTP_HOST=f"{LEEDS_HOST}:8443",
        secure=True,
    )
    assert reset_link(mailoutbox).startswith(
        f"https://{LEEDS_HOST}:8443/admin/password_reset/confirm/"
    )


@pytest.mark.parametrize("forged", ["evil.example", "evil.localhost", "leeds.localhost.evil.io"])
def test_a_forged_host_never_gets_the_reset_link(
    network, leeds, leeds_editor, mailoutbox, settings, forged
):
    """A host that is not one of our Sites (ALLOWED_HOSTS may be a wildcard) gets the link on
    WAGTAILADMIN_BASE_URL, not on the forged host that would leak the token."""
    settings.WAGTAILADMIN_BASE_URL = "https://connection.example.org"
    response = Client().post(
        "/admin/password_reset/", {"email": "editor@leeds.example"}, HTTP_HOST=forged
    )
    assert response.status_code == 302
    link = reset_link(mailoutbox)
    assert link.startswith("https://connection.example.org/admin/password_reset/confirm/")
    assert forged not in mailoutbox[0].body


def test_a_host_outside_allowed_hosts_sends_no_mail(network, leeds_editor, mailoutbox, settings):
    settings.ALLOWED_HOSTS = [".localhost"]
    response = Client().post(
        "/admin/password_reset/", {"email": "editor@leeds.example"}, HTTP_HOST="evil.example"
    )
    assert response.status_code == 400
    assert mailoutbox == []


# --- WAGTAILADMIN_BASE_URL's defaults ---------------------------------------------------------


def test_the_demo_base_url_follows_port():
    assert (
        _settings_in_subprocess(
            {"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "PORT": "8123"},
            "settings.WAGTAILADMIN_BASE_URL",
        )
        == "http://localhost:8123"
    )


def test_production_base_url_is_the_national_host_over_https():
    production = {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": ".connection.example.org,connection.example.org",
        "DATABASE_URL": "postgres://cms:cms@db.internal:5432/cms",
    }
    expression = "settings.WAGTAILADMIN_BASE_URL"
    assert _settings_in_subprocess(production, expression) == "https://connection.example.org"
    production["WAGTAILADMIN_BASE_URL"] = "https://admin.example.org"
    assert _settings_in_subprocess(production, expression) == "https://admin.example.org"
