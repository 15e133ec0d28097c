"""Sending newsletter issues: rendering once per language, the personal links and headers of
each email, recording deliveries once, the guard against sending twice, who is skipped, SMTP
errors, the sweep and the management commands (tasks eager, any database); then one issue
end to end through a real Celery worker, Redis and an SMTP server (PostgreSQL only)."""

import io
import re
import smtplib
from datetime import timedelta
from email import message_from_bytes, policy
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from newsletter import tasks, verp
from newsletter.conf import retry_delay
from newsletter.models import (
    Delivery,
    NewsletterIssuePage,
    Rendering,
    Send,
    Subscription,
    Suppression,
    email_hash,
)
from newsletter.pipeline.batch import claim_batch
from newsletter.pipeline.compose import DeliveryEmails, recipient_of
from newsletter.pipeline.queueing import begin_send, queue_send, record_deliveries
from newsletter.pipeline.sweep import sweep
from newsletter.rendering import PREFERENCES_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER, render_issue
from newsletter.tokens import read_unsubscribe_token
from tests.newsletter.harness import wait_for
from tests.newsletter.support import (
    add_issue,
    add_subscribers,
    address,
    build_newsletter,
    form_inputs,
)

HOST = "unit.example.test"
Row = Delivery.Status


@pytest.fixture
def newsletter(db):
    """A list with three confirmed readers, one pending, one confirmed but suppressed."""
    newsletter = build_newsletter(HOST)
    newsletter.readers = add_subscribers(newsletter.newsletter_list, 3)
    add_subscribers(
        newsletter.newsletter_list, 1, prefix="pending", status=Subscription.Status.PENDING
    )
    add_subscribers(newsletter.newsletter_list, 1, prefix="bounced")
    Suppression.suppress(address("bounced", 0), Suppression.Reason.BOUNCED)
    return newsletter


def reader(number: int) -> str:
    return address("reader", number)


def queue(issue) -> Send:
    outcome = queue_send(issue)
    assert outcome.changed
    return outcome.send


def statuses(send: Send) -> dict[str, str]:
    return dict(Delivery.objects.filter(send=send).values_list("email", "status"))


def email_of(send: Send, delivery: Delivery):
    """The delivery's email as the pipeline sends it, parsed."""
    send = Send.objects.select_related("newsletter_list__site").get(pk=send.pk)
    envelope = DeliveryEmails(send, list(send.renderings.all())).envelope(recipient_of(delivery))
    return message_from_bytes(envelope.data, policy=policy.default)


def recipients(messages) -> list[str]:
    return sorted(parseaddr(message.to[0])[1] for message in messages)


class ScriptedBackend(BaseEmailBackend):
    """A mail server whose answers the test writes: per address, exceptions raised in turn by
    successive attempts; open_errors raised by successive logins; on_send called per email."""

    sent: list = []
    script: dict = {}
    open_errors: list = []
    opened = 0
    on_send = None

    @classmethod
    def reset(cls) -> None:
        cls.sent, cls.script, cls.open_errors, cls.opened, cls.on_send = [], {}, [], 0, None

    def open(self):
        ScriptedBackend.opened += 1
        if ScriptedBackend.open_errors:
            raise ScriptedBackend.open_errors.pop(0)
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            to = parseaddr(message.to[0])[1]
            errors = ScriptedBackend.script.get(to)
            if errors:
                raise errors.pop(0)
            ScriptedBackend.sent.append(message)
            if ScriptedBackend.on_send is not None:
                ScriptedBackend.on_send(to)
        return len(messages)


@pytest.fixture
def scripted(settings):
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.reset()
    yield ScriptedBackend
    ScriptedBackend.reset()


# --- rendering ------------------------------------------------------------------------------


def test_render_issue_makes_an_email_with_absolute_links_and_placeholders(newsletter):
    rendered = render_issue(newsletter.issue, "en")
    html = re.sub(r' style="[^"]*"', "", rendered.html)  # the inlined CSS aside

    assert rendered.subject == "June news: neighbours, walks and tea"
    assert "<h2>What we did this month</h2>" in html
    assert f'href="https://{HOST}/about/"' in rendered.html  # a site-relative link made absolute
    assert 'href="/' not in rendered.html and 'src="/' not in rendered.html
    button = re.search(r'<a [^>]*class="button"[^>]*>', html)[0]  # CTA to the home page
    assert f'href="https://{HOST}/"' in button
    assert "Three things to do this month" in rendered.html  # the preheader
    assert f"https://{HOST}/newsletter/june-news/" in rendered.html  # view in the browser
    for part in (rendered.html, rendered.text):
        assert PREFERENCES_PLACEHOLDER in part
        assert UNSUBSCRIBE_PLACEHOLDER in part
    assert f"Read about us (https://{HOST}/about/)" in rendered.text
    assert "- Tea mornings" in rendered.text
    assert "Visit our site (https://" in rendered.text
    assert "<" not in rendered.text.replace("<ul>", "")  # no markup in the text part


def test_render_issue_in_another_language_translates_the_frame(newsletter):
    rendered = render_issue(newsletter.issue, "cy")
    assert '<html lang="cy">' in rendered.html
    assert "What we did this month" in rendered.html  # no Welsh translation: the original


def test_images_are_absolute_renditions(newsletter):
    from wagtail.models import Collection

    from cms.demo.media import draw_photo, get_or_create_image

    image = get_or_create_image(
        "Tea morning",
        draw_photo(("#336699", "#99ccff"), "Tea"),
        "tea.jpg",
        Collection.get_first_root_node(),
    )
    issue = add_issue(
        newsletter,
        "With a photo",
        body=[
            {
                "type": "image",
                "value": {
                    "image": {"image": image.pk, "alt_text": "Tea and cake", "decorative": False},
                    "caption": "At the library",
                    "credit": "Sam",
                },
            }
        ],
    )
    rendered = render_issue(issue, "en")
    assert f'src="https://{HOST}/media/images/' in rendered.html
    assert 'alt="Tea and cake"' in rendered.html
    assert "[Tea and cake: At the library] (Photo credit: Sam)" in rendered.text


def test_each_recipients_email_has_their_own_links(newsletter):
    send = queue(newsletter.issue)
    begin_send(send.pk)
    delivery = Delivery.objects.select_related("subscription__subscriber").get(
        send=send, email=reader(1)
    )

    message = email_of(send, delivery)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()

    subscription = delivery.subscription
    token_path = f"https://{HOST}/subscriptions/unsubscribe/"
    assert token_path in html and token_path in text
    unsubscribe = text.split("Unsubscribe: ")[1].split()[0]
    token = urlsplit(unsubscribe).path.rstrip("/").rsplit("/", 1)[1]
    assert read_unsubscribe_token(token) == subscription.pk
    preferences = f"https://{HOST}/subscriptions/preferences/{subscription.subscriber.token}/"
    assert preferences in html and preferences in text
    assert "%%" not in html + text


# --- sending --------------------------------------------------------------------------------


def test_each_confirmed_subscriber_gets_one_email_with_the_list_headers(newsletter):
    send = queue(newsletter.issue)

    assert tasks.start_send(send.pk) == 3

    assert recipients(mail.outbox) == [reader(0), reader(1), reader(2)]
    send.refresh_from_db()
    assert send.status == Send.Status.SENT and send.finished_at and send.recipients == 3
    assert set(statuses(send).values()) == {Row.SENT}
    message = next(m for m in mail.outbox if reader(1) in m.to[0])
    delivery = Delivery.objects.get(send=send, email=reader(1))
    headers = message.extra_headers
    https, mailto = (part.strip().strip("<>") for part in headers["List-Unsubscribe"].split(","))
    assert https.startswith(f"https://{HOST}/subscriptions/unsubscribe/")
    assert mailto.startswith("mailto:hello@localhost?subject=unsubscribe%20")
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    list_pk = newsletter.newsletter_list.pk
    assert headers["List-Id"] == f'"Connecting News" <list-{list_pk}.{HOST}>'
    assert headers["Message-ID"] == f"<newsletter.{send.pk}.{delivery.pk}@{HOST}>"
    assert headers["From"] == "Connecting for Good <hello@localhost>"
    # The envelope sender is the delivery's VERP return path (newsletter.verp).
    assert message.from_email == verp.return_path(delivery.pk)
    assert verp.delivery_id(message.from_email) == delivery.pk
    assert message.reply_to == ["editor@news.example.test"]
    assert message.to == [f"Reader 1 <{reader(1)}>"]
    assert message.subject == "June news: neighbours, walks and tea"
    assert message.alternatives[0][1] == "text/html"
    assert https in message.alternatives[0][0]
    assert https in message.body
    raw = message.message().as_string()
    assert "multipart/alternative" in raw and "text/plain" in raw and "text/html" in raw


def test_message_id_is_stable_across_attempts(newsletter):
    send = queue(newsletter.issue)
    begin_send(send.pk)
    delivery = Delivery.objects.select_related("subscription__subscriber").first()
    first, again = email_of(send, delivery)["Message-ID"], email_of(send, delivery)["Message-ID"]
    assert first == again == f"<newsletter.{send.pk}.{delivery.pk}@{HOST}>"


def test_starting_twice_records_each_delivery_once(newsletter):
    send = queue(newsletter.issue)

    assert begin_send(send.pk) == 3
    assert begin_send(send.pk) is None  # already sending: nothing to do
    send.refresh_from_db()
    assert record_deliveries(send) == 3  # and recording again adds nothing

    assert Delivery.objects.filter(send=send).count() == 3
    assert Rendering.objects.filter(send=send).count() == 1
    assert send.status == Send.Status.SENDING and send.recipients == 3


def test_two_send_now_make_one_send_and_one_email_each(newsletter):
    first = queue_send(newsletter.issue)
    second = queue_send(NewsletterIssuePage.objects.get(pk=newsletter.issue.pk))

    assert first.changed and not second.changed
    assert first.send.pk == second.send.pk
    assert Send.objects.filter(issue=newsletter.issue).count() == 1
    tasks.start_send(first.send.pk)
    tasks.start_send(second.send.pk)
    assert len(mail.outbox) == 3


def test_a_scheduled_send_starts_only_when_due(newsletter):
    later = timezone.now() + timedelta(hours=1)
    send = queue_send(newsletter.issue, scheduled_for=later).send
    assert send.status == Send.Status.SCHEDULED

    assert tasks.start_send(send.pk) == 0  # not due: beat will start it
    assert sweep().to_start == []

    Send.objects.filter(pk=send.pk).update(scheduled_for=timezone.now() - timedelta(seconds=1))
    assert sweep().to_start == [send.pk]
    assert tasks.start_send(send.pk) == 3
    assert len(mail.outbox) == 3


def test_pending_and_suppressed_addresses_get_no_delivery(newsletter):
    send = queue(newsletter.issue)
    begin_send(send.pk)
    assert sorted(statuses(send)) == [reader(0), reader(1), reader(2)]


def test_unsubscribed_or_suppressed_after_recording_are_skipped(newsletter):
    send = queue(newsletter.issue)
    begin_send(send.pk)
    Subscription.objects.filter(pk=newsletter.readers[0].pk).update(
        status=Subscription.Status.UNSUBSCRIBED
    )
    Suppression.suppress(reader(1), Suppression.Reason.COMPLAINED)

    tasks.send_batch(send.pk)

    assert recipients(mail.outbox) == [reader(2)]
    assert statuses(send) == {reader(0): Row.SKIPPED, reader(1): Row.SKIPPED, reader(2): Row.SENT}
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_unsubscribing_during_a_batch_stops_the_rest(newsletter, scripted, monkeypatch):
    # re-read before every email
    monkeypatch.setattr("newsletter.pipeline.batch.CHECKPOINT_SECONDS", 0)
    send = queue(newsletter.issue)
    begin_send(send.pk)

    def unsubscribe_the_last(to):
        Subscription.objects.filter(pk=newsletter.readers[2].pk).update(
            status=Subscription.Status.UNSUBSCRIBED
        )

    scripted.on_send = unsubscribe_the_last
    tasks.send_batch(send.pk)

    assert recipients(scripted.sent) == [reader(0), reader(1)]
    assert statuses(send)[reader(2)] == Row.SKIPPED


# --- SMTP errors ----------------------------------------------------------------------------


def refused(to: str, code: int) -> smtplib.SMTPRecipientsRefused:
    return smtplib.SMTPRecipientsRefused({to: (code, b"5.1.1 no" if code >= 500 else b"later")})


def test_a_temporary_refusal_is_retried_after_a_backoff(newsletter, scripted):
    scripted.script[reader(1)] = [refused(reader(1), 451)]
    send = queue(newsletter.issue)

    tasks.start_send(send.pk)

    delivery = Delivery.objects.get(send=send, email=reader(1))
    assert delivery.status == Row.QUEUED and delivery.attempts == 1
    assert delivery.not_before > timezone.now() and delivery.last_error.startswith("451")
    assert recipients(scripted.sent) == [reader(0), reader(2)]
    send.refresh_from_db()
    assert send.status == Send.Status.SENDING  # one email still to go

    Delivery.objects.filter(pk=delivery.pk).update(not_before=timezone.now())
    tasks.send_batch(send.pk)

    assert recipients(scripted.sent) == [reader(0), reader(1), reader(2)]
    delivery.refresh_from_db()
    assert delivery.status == Row.SENT and delivery.attempts == 2
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_backoff_grows_and_is_capped(settings):
    settings.NEWSLETTER_RETRY_BASE_SECONDS = 10
    settings.NEWSLETTER_RETRY_MAX_SECONDS = 60
    for attempts, (low, high) in {1: (5, 10), 2: (10, 20), 3: (20, 40), 9: (30, 60)}.items():
        for _ in range(20):
            assert low <= retry_delay(attempts).total_seconds() <= high


def test_a_temporary_refusal_fails_after_the_last_attempt(newsletter, scripted, settings):
    settings.NEWSLETTER_MAX_ATTEMPTS = 2
    scripted.script[reader(0)] = [refused(reader(0), 451), refused(reader(0), 421)]
    send = queue(newsletter.issue)
    tasks.start_send(send.pk)
    Delivery.objects.filter(send=send).update(not_before=None)
    tasks.send_batch(send.pk)

    delivery = Delivery.objects.get(send=send, email=reader(0))
    assert delivery.status == Row.FAILED and delivery.attempts == 2
    assert delivery.last_error.startswith("Gave up after 2 attempts: 421")
    assert not Suppression.is_suppressed(reader(0))  # never refused for good


def test_a_permanent_refusal_fails_and_suppresses_the_address(newsletter, scripted):
    scripted.script[reader(2)] = [refused(reader(2), 550)]
    send = queue(newsletter.issue)

    tasks.start_send(send.pk)

    delivery = Delivery.objects.get(send=send, email=reader(2))
    assert delivery.status == Row.FAILED and delivery.last_error.startswith("550")
    suppression = Suppression.objects.get(email_hash=email_hash(reader(2)))
    assert suppression.reason == "bounced"
    assert suppression.newsletter_list == newsletter.newsletter_list  # that list only
    send.refresh_from_db()
    assert send.status == Send.Status.SENT
    assert recipients(scripted.sent) == [reader(0), reader(1)]


def test_an_email_that_cannot_be_built_fails_alone(newsletter):
    send = queue(newsletter.issue)
    begin_send(send.pk)
    broken = "reader\nBcc: everyone@example.org"  # header injection: refused by Django
    Delivery.objects.filter(send=send, email=reader(1)).update(email=broken)

    tasks.send_batch(send.pk)

    delivery = Delivery.objects.get(send=send, email=broken)
    assert delivery.status == Row.FAILED
    assert delivery.last_error.startswith("Could not build the email")
    assert not Suppression.objects.filter(reason="bounced").exclude(
        email_hash=email_hash(address("bounced", 0))
    )
    assert recipients(mail.outbox) == [reader(0), reader(2)]


def test_a_dropped_connection_retries_that_email_and_reconnects(newsletter, scripted):
    scripted.script[reader(1)] = [smtplib.SMTPServerDisconnected("Connection unexpectedly closed")]
    send = queue(newsletter.issue)

    tasks.start_send(send.pk)

    assert scripted.opened == 2  # once for the batch, once after the drop
    assert recipients(scripted.sent) == [reader(0), reader(2)]
    assert statuses(send)[reader(1)] == Row.QUEUED


def test_a_refused_login_pauses_the_send_and_loses_nothing(newsletter, scripted):
    scripted.open_errors = [smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials")]
    send = queue(newsletter.issue)

    tasks.start_send(send.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert "refused our login" in send.paused_reason and "535" in send.paused_reason
    assert set(statuses(send).values()) == {Row.QUEUED}  # nothing claimed, failed or sent
    assert scripted.sent == []

    # An editor fixes the password and resumes (the admin's conditional update, then the task).
    Send.objects.filter(pk=send.pk, status=Send.Status.PAUSED).update(
        status=Send.Status.SENDING, paused_reason=""
    )
    tasks.resume_send(send.pk)
    assert recipients(scripted.sent) == [reader(0), reader(1), reader(2)]
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_an_unreachable_server_releases_the_batch_for_later(newsletter, scripted):
    scripted.open_errors = [ConnectionRefusedError(111, "Connection refused")]
    send = queue(newsletter.issue)

    tasks.start_send(send.pk)

    send.refresh_from_db()
    assert send.status == Send.Status.SENDING
    rows = Delivery.objects.filter(send=send)
    assert {row.status for row in rows} == {Row.QUEUED}
    assert all(row.not_before > timezone.now() and row.attempts == 0 for row in rows)


def test_an_issue_that_cannot_be_rendered_pauses_its_send(newsletter, monkeypatch):
    def broken(issue, language, request=None):
        raise ValueError("a block template is missing")

    monkeypatch.setattr("newsletter.pipeline.queueing.render_issue", broken)
    send = queue(newsletter.issue)

    assert tasks.start_send(send.pk) == 0

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED
    assert "a block template is missing" in send.paused_reason
    assert not Delivery.objects.filter(send=send).exists()  # all or nothing


# --- the sweep ------------------------------------------------------------------------------


def test_the_sweep_takes_back_claims_of_a_dead_worker(newsletter, settings):
    send = queue(newsletter.issue)
    begin_send(send.pk)
    token, ids = claim_batch(send.pk, size=2)
    assert len(ids) == 2
    long_ago = timezone.now() - timedelta(seconds=settings.NEWSLETTER_CLAIM_TIMEOUT + 1)
    Delivery.objects.filter(pk=ids[0]).update(claimed_at=long_ago)

    report = sweep()

    assert report.requeued == 1
    rows = {row.pk: row for row in Delivery.objects.filter(pk__in=ids)}
    assert rows[ids[0]].status == Row.QUEUED and rows[ids[0]].attempts == 1
    assert rows[ids[1]].status == Row.CLAIMED  # alive: left alone


def test_the_sweep_restarts_a_send_whose_batches_were_lost(newsletter, settings):
    send = queue(newsletter.issue)
    begin_send(send.pk)

    assert sweep().to_resume == {send.pk: 1}  # due rows, and no claim lately

    claim_batch(send.pk, size=1)
    assert sweep().to_resume == {}  # a batch is at work

    Delivery.objects.filter(send=send).update(status=Row.SENT)
    report = sweep()
    assert report.finished == [send.pk]
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_the_sweep_task_sends_what_was_left(newsletter):
    send = queue(newsletter.issue)
    begin_send(send.pk)  # as if start_send died before enqueueing its batches

    tasks.sweep_sends()

    assert len(mail.outbox) == 3
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


def test_a_test_email_goes_to_one_address(newsletter):
    assert tasks.send_test(newsletter.issue.pk, "editor@example.org")
    (message,) = mail.outbox
    assert message.subject == "[Test] June news: neighbours, walks and tea"
    assert message.to == ["editor@example.org"]
    assert "%%" not in message.body
    assert not Delivery.objects.exists() or not Send.objects.filter(issue=newsletter.issue)


# --- the management commands ----------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_send_newsletter_sends_in_process_and_says_how_it_went(newsletter):
    out = io.StringIO()
    call_command("send_newsletter", str(newsletter.issue.pk), stdout=out)

    output = out.getvalue()
    assert f"Issue {newsletter.issue.pk} “June news” queued for Connecting News." in output
    assert "sending from this process" in output
    assert "3/3 done: 3 sent, 0 failed, 0 skipped, 0 remaining" in output
    assert "Send sent: 3 sent, 0 failed, 0 skipped, 0 remaining, of 3." in output
    assert "\r" not in output  # plain lines when not on a terminal
    assert len(mail.outbox) == 3

    again = io.StringIO()
    call_command("send_newsletter", str(newsletter.issue.pk), stdout=again)
    assert "is already sent" in again.getvalue() and "not queued again" in again.getvalue()
    assert len(mail.outbox) == 3


def test_send_newsletter_draws_a_progress_bar_on_a_terminal(newsletter):
    out = Terminal()
    call_command("send_newsletter", str(newsletter.issue.pk), stdout=out)
    assert "\r[" + "#" * 30 + "] 100% 3/3 done" in out.getvalue()


def test_send_newsletter_refuses_an_unknown_issue(db):
    with pytest.raises(CommandError, match="no newsletter issue with id 999999"):
        call_command("send_newsletter", "999999", stdout=io.StringIO())


def test_send_newsletter_reports_a_paused_send(newsletter, scripted):
    scripted.open_errors = [smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials")]
    with pytest.raises(CommandError, match="The send is paused: The mail server refused"):
        call_command("send_newsletter", str(newsletter.issue.pk), stdout=io.StringIO())


def test_list_newsletters_prints_one_line_per_issue(newsletter):
    draft = add_issue(newsletter, "July news", publish=False)
    send = queue(newsletter.issue)
    tasks.start_send(send.pk)
    Delivery.objects.filter(send=send, email=reader(0)).update(status=Row.FAILED)

    out = io.StringIO()
    call_command("list_newsletters", stdout=out)

    lines = {line.split()[0]: line.split() for line in out.getvalue().splitlines()[1:]}
    sent_line = lines[str(newsletter.issue.pk)]
    assert sent_line[1] == HOST and "June" in sent_line
    assert sent_line[-6:] == ["sent", "0", "2", "1", "0", "3"]
    draft_line = lines[str(draft.pk)]
    assert draft_line[-6:] == ["draft", "0", "0", "0", "0", "0"]


# --- end to end through a real worker -----------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_issue_goes_out_through_a_real_worker_once_per_reader(worker_env, client, settings):
    """A resident subscribes on the site and confirms from the email the worker sent; with
    three confirmed readers, one pending, one suppressed: exactly one issue each for the four,
    with the headers; one unsubscribes with the one-click POST; the next issue skips them."""
    smtp = worker_env.mail
    host, resident = "e2e.example.test", "amira@mail.example.test"
    newsletter = build_newsletter(host)
    readers = add_subscribers(newsletter.newsletter_list, 3)
    add_subscribers(
        newsletter.newsletter_list, 1, prefix="pending", status=Subscription.Status.PENDING
    )
    add_subscribers(newsletter.newsletter_list, 1, prefix="bounced")
    Suppression.suppress(address("bounced", 0), Suppression.Reason.BOUNCED)

    # Subscribing: the form on /newsletter/, the confirmation email from the worker over SMTP,
    # the link opened (nothing changes), then the "Confirm" button (a POST).
    settings.ANTISPAM_MIN_SECONDS = 0
    page = client.get("/newsletter/", HTTP_HOST=host, secure=True)
    data = form_inputs(page.content.decode(), "/subscriptions/subscribe/")
    data.update(email=resident, name="Amira", language="en", consent="on")
    response = client.post("/subscriptions/subscribe/", data, HTTP_HOST=host, secure=True)
    assert response.status_code == 303
    wait_for(lambda: smtp.count(resident) == 1, timeout=60, what="the confirmation email")
    (confirmation,) = smtp.messages_to(resident)
    confirm_path = urlsplit(
        re.search(
            r"https://\S+/subscriptions/confirm/\S+/",
            confirmation.get_body(("plain",)).get_content(),
        ).group(0)
    ).path
    subscription = Subscription.objects.get(subscriber__email=resident)
    assert client.get(confirm_path, HTTP_HOST=host, secure=True).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    forged = confirm_path[:-3] + "xx/"
    assert client.post(forged, HTTP_HOST=host, secure=True).status_code == 400
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.PENDING
    assert client.post(confirm_path, HTTP_HOST=host, secure=True).status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == Subscription.Status.CONFIRMED

    send = queue_send(newsletter.issue).send
    tasks.start_send.delay(send.pk)
    wait_for(
        lambda: Send.objects.filter(pk=send.pk, status=Send.Status.SENT).exists(),
        timeout=60,
        what="the worker to send the issue",
        tick=tasks.sweep_sends,
    )

    assert {reader(n): smtp.count(reader(n)) for n in range(3)} == {
        reader(0): 1,
        reader(1): 1,
        reader(2): 1,
    }
    assert smtp.count(resident) == 2  # the confirmation, then the issue
    assert smtp.count(address("pending", 0)) == 0
    assert smtp.count(address("bounced", 0)) == 0
    (message,) = smtp.messages_to(reader(1))
    delivery = Delivery.objects.get(send=send, email=reader(1))
    assert message["Message-ID"] == f"<newsletter.{send.pk}.{delivery.pk}@e2e.example.test>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    list_pk = newsletter.newsletter_list.pk
    assert message["List-Id"] == f'"Connecting News" <list-{list_pk}.e2e.example.test>'
    assert str(message["From"]) == "Connecting for Good <hello@localhost>"
    assert str(message["Reply-To"]) == "editor@news.example.test"
    links = [part.strip().strip("<>") for part in str(message["List-Unsubscribe"]).split(",")]
    assert links[0].startswith("https://e2e.example.test/subscriptions/unsubscribe/")
    assert links[1].startswith("mailto:")
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = re.sub(r' style="[^"]*"', "", message.get_body(("html",)).get_content())
    assert "WHAT WE DID THIS MONTH" in text and "<h2>What we did this month</h2>" in html
    assert links[0] in text

    # One-click unsubscribe, as a mail provider does it (RFC 8058): a POST, no cookie, no CSRF.
    unsubscribe = urlsplit(links[0])
    response = client.post(
        unsubscribe.path,
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST=unsubscribe.hostname,
        secure=True,
    )
    assert response.status_code < 400
    readers[1].refresh_from_db()
    assert readers[1].status == Subscription.Status.UNSUBSCRIBED

    # The next issue, sent by the operator's command: the worker sends, the command follows.
    july = add_issue(newsletter, "July news")
    out = io.StringIO()
    call_command("send_newsletter", str(july.pk), "--timeout", "60", stdout=out)
    assert "Send sent: 3 sent, 0 failed, 0 skipped, 0 remaining, of 3." in out.getvalue()
    assert "sending from this process" not in out.getvalue()
    second = Send.objects.get(issue=july)
    assert [smtp.count(reader(n)) for n in range(3)] == [2, 1, 2]
    assert smtp.count(resident) == 3
    assert not Delivery.objects.filter(send=second, email=reader(1)).exists()
