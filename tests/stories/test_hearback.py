"""Residents hear back about the story they shared: thanked in the site's name (once), told
with its link when it is published (once, whatever is published after), and the site's editors
get one notification per story. On Coventry and on Leeds (a chapter made by create_chapter)."""

from email.utils import parseaddr

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from cms.stories.models import PublicationNotice, Story
from cms.stories.tasks import acknowledge_shared_story, notify_story_published
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, LEEDS_HOST
from tests.helpers import ESCAPED_SCRIPT, SCRIPT, form_data, logged_in
from tests.shared_chapter import leeds_param
from tests.stories.library import story_url
from tests.stories.share_form import COVENTRY_EDITORS, latest_resident_story, share, valid_data

SENDER_ADDRESS = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
RESIDENT = "amira@example.com"
LEEDS_CONTACT = "hello@leeds.example"


@pytest.fixture(params=["coventry", leeds_param()])
def home(request, network):
    """Where the resident shares: (host, site, the editors' addresses, an editor who publishes)."""
    if request.param == "coventry":
        editor = get_user_model().objects.get(username="coventry-editor")
        return COVENTRY_HOST, network.coventry_site, COVENTRY_EDITORS, editor
    leeds = request.getfixturevalue("leeds")
    editor = request.getfixturevalue("leeds_editor")
    SiteSettings.objects.filter(site=leeds.site).update(contact_email=LEEDS_CONTACT)
    return LEEDS_HOST, leeds.site, {editor.email}, editor


def shared(client, host, captured, **overrides) -> Story:
    with captured(execute=True):
        response = share(client, valid_data(**overrides), host=host)
    assert response.status_code == 303
    return latest_resident_story()


def to_resident(outbox) -> list:
    return [message for message in outbox if message.to == [RESIDENT]]


def test_the_resident_is_thanked_in_the_sites_name_and_editors_are_told_once(
    client, home, mailoutbox, django_capture_on_commit_callbacks
):
    host, site, editors, _editor = home
    story = shared(client, host, django_capture_on_commit_callbacks, name=f"Amira {SCRIPT}")
    site_settings = SiteSettings.for_site(site)

    (thanks,) = to_resident(mailoutbox)
    assert parseaddr(thanks.from_email) == (site_settings.display_name, SENDER_ADDRESS)
    assert thanks.subject == f"Thank you for sharing your story with {site_settings.display_name}"
    assert thanks.reply_to == [site_settings.contact_email]
    assert "What happens next" in thanks.body and "we will email you its link" in thanks.body
    assert site_settings.display_name in thanks.body
    ((html, mimetype),) = thanks.alternatives
    assert mimetype == "text/html"
    for text in (thanks.body, html):
        assert ESCAPED_SCRIPT in text and "<script" not in text

    # One notification per story to each of the site's editors (not Wagtail's as well).
    to_editors = [m for m in mailoutbox if m is not thanks]
    assert sorted(address for m in to_editors for address in m.to) == sorted(editors)
    assert all(m.subject.startswith("New story to review") for m in to_editors)
    assert story.workflow_in_progress


def test_the_acknowledgement_is_sent_once_even_if_the_task_runs_twice(
    client, home, mailoutbox, django_capture_on_commit_callbacks
):
    story = shared(client, home[0], django_capture_on_commit_callbacks)
    assert acknowledge_shared_story(story.pk) == 0
    assert len(to_resident(mailoutbox)) == 1


def test_publishing_tells_the_resident_once_with_the_link_on_its_own_site(
    client, home, mailoutbox, django_capture_on_commit_callbacks
):
    host, site, _editors, _editor = home
    story = shared(client, host, django_capture_on_commit_callbacks)
    as_shared = story.latest_revision
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        as_shared.publish()

    (notice,) = mailoutbox
    assert notice.to == [RESIDENT]
    display_name = SiteSettings.for_site(site).display_name
    assert parseaddr(notice.from_email) == (display_name, SENDER_ADDRESS)
    assert notice.subject == f"Your story is now on {display_name}"
    link = f"http://{host}/stories/{story.slug}/"
    assert link in notice.body
    ((html, _mimetype),) = notice.alternatives
    assert f'href="{link}"' in html
    assert client.get(f"/stories/{story.slug}/", HTTP_HOST=host).status_code == 200
    story.refresh_from_db()

    # Published again (an edit, a revision republished, taken down and put back): nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        story.title = "Amira's story, edited"
        story.save_revision().publish()
        story.unpublish()
        as_shared.publish()  # a revision from before the notice
    assert len(mailoutbox) == 1
    assert PublicationNotice.objects.filter(story=story).count() == 1
    assert notify_story_published(story.pk) == 0


def test_publishing_in_the_admin_tells_the_resident_and_republishing_does_not(
    client, home, mailoutbox, django_capture_on_commit_callbacks
):
    host, _site, _editors, editor = home
    story = shared(client, host, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    editor_client = logged_in(editor)
    for _ in range(2):
        data = form_data(editor_client.get(story_url("edit", story.pk)))
        data["action-publish"] = ["action-publish"]
        with django_capture_on_commit_callbacks(execute=True):
            response = editor_client.post(story_url("edit", story.pk), data)
        assert response.status_code == 302
        assert Story.objects.get(pk=story.pk).live
    (notice,) = to_resident(mailoutbox)
    assert f"http://{host}/stories/{story.slug}/" in notice.body


@pytest.mark.parametrize(
    "stored", ["", "not-an-address", "amira@example.com\nBcc: evil@example.com"]
)
def test_no_valid_address_means_no_notice_and_publishing_still_works(
    client, home, mailoutbox, django_capture_on_commit_callbacks, stored
):
    story = shared(client, home[0], django_capture_on_commit_callbacks)
    story.submitter_email = stored  # as an editor, an import or an old row could leave it
    revision = story.save_revision(clean=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert Story.objects.get(pk=story.pk).live
    assert mailoutbox == []
    assert acknowledge_shared_story(story.pk) == 0


def test_a_story_an_editor_added_tells_nobody_when_published(
    client, home, mailoutbox, django_capture_on_commit_callbacks
):
    story = shared(client, home[0], django_capture_on_commit_callbacks)
    story.source = Story.Source.EDITOR
    revision = story.save_revision()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        revision.publish()
    assert Story.objects.get(pk=story.pk).live
    assert mailoutbox == []


BAD_ADDRESSES = {
    "no email": "",
    "malformed": "amira@",
    "header injection": "amira@example.com\r\nBcc: evil@example.com",
}


@pytest.mark.parametrize("case", BAD_ADDRESSES)
def test_a_bad_address_is_refused_and_nothing_is_sent(
    client, home, mailoutbox, django_capture_on_commit_callbacks, case
):
    before = Story.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = share(client, valid_data(email=BAD_ADDRESSES[case]), host=home[0])
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert Story.objects.count() == before
    assert mailoutbox == []
