"""An editor sends an issue from a visible button on its edit page, confirms "Send now" on a
page that names the list and the number of recipients (a second POST; a GET never sends), and
cannot send or schedule an issue whose body is empty. On Coventry and on Leeds (made by
create_chapter)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from newsletter.models import Delivery, NewsletterList, Rendering, Send
from newsletter.pipeline.queueing import begin_send
from tests.helpers import body as text
from tests.newsletter.admin_support import (
    COVENTRY_LIST,
    add_issue_under,
    future,
    send_url,
    state,
)
from tests.newsletter.support import add_subscribers
from tests.shared_chapter import leeds_param


@pytest.fixture(params=["coventry", leeds_param()])
def editor_issue(request, network):
    """(a client logged in as the site's editor, a sendable issue, its list's name, recipients)."""
    if request.param == "coventry":
        return (
            request.getfixturevalue("coventry_client"),
            request.getfixturevalue("coventry_issue"),
            COVENTRY_LIST,
            3,
        )
    leeds = request.getfixturevalue("leeds")
    issue = add_issue_under(leeds.site.root_page, "Leeds news", "Leeds news", "Walks on Tuesdays.")
    newsletter_list = NewsletterList.for_site(leeds.site)
    add_subscribers(newsletter_list, 2, prefix="leeds")
    return request.getfixturevalue("leeds_client"), issue, newsletter_list.name, 2


def test_the_send_page_is_a_visible_button_on_the_issues_edit_page(editor_issue):
    client, issue, _list_name, _count = editor_issue
    page = text(client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])))
    form = page[page.index("<form") :]  # the edit form, not the header's "⋯" menu
    panel = form[form.index("data-newsletter-send-summary") :]
    assert f'<a class="button button-secondary" href="{send_url(issue)}">' in panel
    assert "Newsletter: test, send, progress" in panel and "Not sent yet" in panel


def test_send_now_asks_for_confirmation_naming_the_list_and_the_count(
    editor_issue, enqueued, django_capture_on_commit_callbacks
):
    client, issue, list_name, count = editor_issue
    before = state()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post(send_url(issue), {"action": "send_now"})
    page = text(asked)
    assert asked.status_code == 200
    assert f"will go to the list “{list_name}”: {count} confirmed subscribers" in page
    assert f"Yes, send to {count} subscribers" in page
    assert 'name="confirmed" value="yes"' in page and 'method="post"' in page
    # The demo gives Coventry a postal address; a new chapter has none until its editors add it.
    assert ("has no postal address" in page) == (list_name != COVENTRY_LIST)
    assert state() == before and enqueued.count() == 0  # nothing sent, nothing published

    # A GET with the same words is only the send page again.
    client.get(send_url(issue), {"action": "send_now", "confirmed": "yes"})
    assert state() == before

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(send_url(issue), {"action": "send_now", "confirmed": "yes"})
    assert sent.status_code == 302
    assert Send.objects.get(issue=issue).status == Send.Status.QUEUED
    assert enqueued.count("start_send") == 1


def test_an_issue_with_an_empty_body_cannot_be_sent_or_scheduled(
    editor_issue, enqueued, django_capture_on_commit_callbacks
):
    client, issue, _list_name, _count = editor_issue
    revision = issue.get_latest_revision_as_object()
    revision.body = []
    revision.save_revision()
    before = state()

    page = text(client.get(send_url(issue)))
    assert "nothing in its body yet" in page and 'value="send_now"' not in page
    for action in (
        {"action": "send_now", "confirmed": "yes"},
        {"action": "send_now"},
        {"action": "schedule", "scheduled_for": future()},
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(send_url(issue), action, follow=True)
        assert "nothing in its body yet" in text(response) and "Nothing was sent" in text(response)
    assert state() == before and enqueued.count() == 0

    with pytest.raises(CommandError, match="nothing in its body"):
        call_command("send_newsletter", str(issue.pk), "--no-wait", stdout=io.StringIO())
    assert not Send.objects.filter(issue=issue).exists()
    assert state() == before  # not published either


def test_a_scheduled_issue_emptied_since_is_paused_not_sent(coventry_client, coventry_issue):
    coventry_client.post(
        send_url(coventry_issue), {"action": "schedule", "scheduled_for": future()}
    )
    send = Send.objects.get(issue=coventry_issue)
    emptied = coventry_issue.get_latest_revision_as_object()
    emptied.body = []
    emptied.save_revision().publish()
    Send.objects.filter(pk=send.pk).update(scheduled_for=timezone.now())  # now due

    assert begin_send(send.pk) is None
    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED and "nothing in its body" in send.paused_reason
    assert not Delivery.objects.filter(send=send).exists()
    assert not Rendering.objects.filter(send=send).exists()
