"""Sending fast: each email's bytes from a template filled per recipient (safe under either
transfer encoding, and what the tests of the email's look read), sent raw over several SMTP
connections per worker process that stay open between batches, each with its delivery's VERP
return path as envelope sender, the rows marked sent a chunk at a time; SMTP answers still
classified per row. A real SMTP server (aiosmtpd) on loopback, the batch run in this process."""

import re
import smtplib
from collections.abc import Iterator
from email import message_from_bytes, policy
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.harness.mail import MailServer
from bench.harness.processes import free_port
from newsletter import tasks, verp
from newsletter.message import from_header
from newsletter.models import Delivery, Send, Suppression
from newsletter.pipeline import pipelining, smtp
from newsletter.pipeline.lanes import Lanes
from newsletter.pipeline.mime import MAX_LINE, MessageTemplate, Part
from newsletter.pipeline.queueing import queue_send
from newsletter.pipeline.sweep import requeue_stale_claims
from tests.newsletter.support import add_subscribers, address, build_newsletter

Row = Delivery.Status
HOST = "lanes.example.test"
LINK = "%%LINK%%"


@pytest.fixture
def server(mail_server, settings, db) -> Iterator[MailServer]:
    """Mail over SMTP (Django's backend) to the module's server, through 3 connections."""
    mail_server.reset()
    with mail_server.lock:
        mail_server.peers.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.NEWSLETTER_SMTP_CONNECTIONS = 3
    yield mail_server
    for mailer in smtp._idle:  # the next test's server may be another
        mailer.close()
    smtp._idle.clear()


def send_to(count: int, host: str = HOST):
    newsletter = build_newsletter(host)
    add_subscribers(newsletter.newsletter_list, count)
    send = queue_send(newsletter.issue).send
    tasks.start_send(send.pk)
    return newsletter, send


def statuses(send: Send) -> dict[str, str]:
    return dict(Delivery.objects.filter(send=send).values_list("email", "status"))


# --- the template -----------------------------------------------------------------------------


def parse(data: bytes):
    return message_from_bytes(data, policy=policy.default)


@pytest.mark.parametrize("width", [60, 3000])  # short lines: 7bit/8bit; long: quoted-printable
def test_a_template_filled_per_recipient_reads_as_written(width):
    """Placeholders on a line of any length, in text and HTML (escaped there), with non-ASCII
    around them: the decoded parts are the text with the value in, and no line is too long."""
    words = ("Newyddion — " + "x" * width)[:width]
    html = f'<p>{words}<a href="{LINK}">Dad-danysgrifio</a>{words}</p>\n<p>Diolch</p>\n'
    text = f"{words} {LINK} {words}\nHwyl fawr\n"
    template = MessageTemplate.build(
        [("Subject", "=?utf-8?q?Te_a_sgwrs?="), ("To", "%%TO%%")],
        [Part("text/plain", text), Part("text/html", html, escape)],
        (LINK, "%%TO%%"),
    )
    link = "https://example.org/unsubscribe/a=b&c=d/"
    data = template.render({LINK: link, "%%TO%%": "Reader <reader@example.org>"})

    message = parse(data)
    plain, rich = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert plain.replace("\r\n", "\n") == text.replace(LINK, link)
    assert rich.replace("\r\n", "\n") == html.replace(LINK, escape(link))
    assert str(message["To"]) == "Reader <reader@example.org>"
    assert str(message["Subject"]) == "Te a sgwrs"
    assert all(len(line) <= MAX_LINE for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
    encodings = {part["Content-Transfer-Encoding"] for part in message.iter_parts()}
    assert encodings == ({"8bit"} if width == 60 else {"quoted-printable"})


def test_a_value_with_a_line_break_is_refused():
    template = MessageTemplate.build([("To", "%%TO%%")], [Part("text/plain", "Hello")], ("%%TO%%",))
    with pytest.raises(ValueError, match="line break"):
        template.render({"%%TO%%": "reader@example.org\r\nBcc: everyone@example.org"})


# --- through a real SMTP server ----------------------------------------------------------------


def test_each_email_goes_once_over_several_connections_with_its_verp_return_path(server):
    newsletter, send = send_to(30)

    assert set(statuses(send).values()) == {Row.SENT}
    assert [server.count(address("reader", n)) for n in range(30)] == [1] * 30
    assert len(server.peers) > 1  # the batch's emails went over several connections
    for delivery in Delivery.objects.filter(send=send):
        (sender,) = server.senders_to(delivery.email)
        assert sender == verp.return_path(delivery.pk)
        assert re.fullmatch(r"bounces\+[0-9a-z]+-[0-9a-f]{10}@localhost", sender)
        assert verp.delivery_id(sender) == delivery.pk
    (message,) = server.messages_to(address("reader", 7))
    assert str(message["From"]) == from_header(newsletter.newsletter_list)  # not the VERP


def test_connections_stay_open_between_batches(server, settings):
    settings.NEWSLETTER_BATCH_SIZE = 10
    _newsletter, send = send_to(40)

    assert set(statuses(send).values()) == {Row.SENT}
    assert server.total() == 40
    assert len(server.peers) <= 3  # four batches, the same three connections


def test_rows_are_marked_sent_a_chunk_at_a_time(server, settings):
    settings.NEWSLETTER_BATCH_SIZE = 200
    with CaptureQueriesContext(connection) as queries:
        _newsletter, send = send_to(150)

    assert set(statuses(send).values()) == {Row.SENT}
    marks = [
        q["sql"]
        for q in queries
        if re.match(r'UPDATE "newsletter_delivery" SET "status"', q["sql"])
    ]
    marked_sent = [sql for sql in marks if "'sent'" in sql or "%s" in sql]
    assert 3 <= len(marked_sent) <= 8, marked_sent  # 150 rows, about 50 a statement


def test_a_paced_batch_keeps_its_claims_alive_until_the_last_answer(server, settings, monkeypatch):
    """At a paced server the emails made ahead wait seconds for their turn. The batch's
    heartbeat goes on meanwhile, so a sweep running all along (here: at every look at the
    lanes) takes no claim back and no reader gets the email twice."""
    settings.NEWSLETTER_SMTP_RATE_PER_SECOND = 10
    settings.NEWSLETTER_CLAIM_TIMEOUT = 2  # < the 2.7 s the 27 emails in flight take at 10/s
    taken_back = []
    collect = Lanes.collect

    def collect_and_sweep(self, wait=False):
        taken_back.append(sum(requeue_stale_claims()))
        return collect(self, wait)

    monkeypatch.setattr(Lanes, "collect", collect_and_sweep)
    _newsletter, send = send_to(40)

    assert sum(taken_back) == 0
    assert set(statuses(send).values()) == {Row.SENT}
    assert [server.count(address("reader", n)) for n in range(40)] == [1] * 40


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_refusals_are_classified_per_row_across_connections(server, pipelining):
    """451 once (greylisting): retried later; 550: failed and suppressed; the rest sent. The
    same whether the server offers PIPELINING (the envelope in one go) or not (smtplib's
    command by command)."""
    server.pipelining = pipelining
    deferred = {address("reader", n) for n in (1, 5, 9)}
    rejected = {address("reader", n) for n in (2, 6)}
    server.defer_first, server.reject = set(deferred), set(rejected)

    _newsletter, send = send_to(12)

    rows = statuses(send)
    assert {email for email, status in rows.items() if status == Row.QUEUED} == deferred
    assert {email for email, status in rows.items() if status == Row.FAILED} == rejected
    # suppressed on that list (a hard bounce: newsletter.bounces), not network-wide
    newsletter_list = send.newsletter_list
    assert all(Suppression.is_suppressed(email, newsletter_list) for email in rejected)
    assert not any(Suppression.is_suppressed(email) for email in rejected)
    Delivery.objects.filter(send=send, status=Row.QUEUED).update(not_before=timezone.now())
    tasks.send_batch(send.pk)
    rows = statuses(send)
    assert {email for email, status in rows.items() if status == Row.SENT} == (
        {address("reader", n) for n in range(12)} - rejected
    )
    assert all(server.count(email) == 1 for email in deferred)
    send.refresh_from_db()
    assert send.status == Send.Status.SENT


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_a_server_that_offers_pipelining_gets_each_envelope_in_one_go(
    server, monkeypatch, pipelining
):
    """Two writes and two answers-waits an email where the server offers PIPELINING (MAIL, RCPT
    and DATA together, then the content), against smtplib's four one by one where it does
    not; the emails arrive the same."""
    server.pipelining = pipelining
    writes = []
    send = smtplib.SMTP.send

    def counted_send(self, data):
        writes.append(data if isinstance(data, bytes) else data.encode())
        return send(self, data)

    monkeypatch.setattr(smtplib.SMTP, "send", counted_send)
    _newsletter, sent = send_to(6)

    assert set(statuses(sent).values()) == {Row.SENT}
    assert [server.count(address("reader", n)) for n in range(6)] == [1] * 6
    envelopes = [w for w in writes if w.lower().startswith(b"mail from:")]
    assert len(envelopes) == 6
    if pipelining:
        assert all(re.search(rb"\r\nrcpt TO:<[^>]+>\r\ndata\r\n$", w) for w in envelopes)
        assert len([w for w in writes if w.endswith(b"\r\n.\r\n")]) == 6
    else:
        assert not any(b"rcpt" in w for w in envelopes)
        assert len([w for w in writes if w.lower().startswith(b"rcpt to:")]) == 6


def test_a_pipelined_refusal_leaves_the_connection_ready_for_the_next_email(server):
    """A refused recipient in a pipelined envelope: the DATA after it is refused too and the
    transaction reset, so the next email on the same connection goes through."""
    server.reject = {"gone@example.test"}
    connection = smtplib.SMTP("127.0.0.1", server.port)
    try:
        assert pipelining.offers_pipelining(connection)
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            pipelining.send_pipelined(connection, "a@example.test", "gone@example.test", b"x\r\n")
        assert refused.value.recipients["gone@example.test"][0] == 550
        body = b"Subject: hi\r\n\r\n.leading dot\r\n"
        pipelining.send_pipelined(connection, "a@example.test", "here@example.test", body)
    finally:
        connection.quit()
    assert server.count("gone@example.test") == 0 and server.count("here@example.test") == 1
    ((_recipients, data),) = server.raw
    assert b"\r\n.leading dot" in data  # dot-stuffed on the wire, read back as written


def test_a_refused_login_on_every_connection_pauses_the_send(server, settings):
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "newsletter", "secret"
    server.fail_auth = True

    _newsletter, send = send_to(10)

    send.refresh_from_db()
    assert send.status == Send.Status.PAUSED and "refused our login (535" in send.paused_reason
    assert set(statuses(send).values()) == {Row.QUEUED} and server.total() == 0


def test_an_unreachable_server_gives_the_rows_back_for_later(server, settings):
    settings.EMAIL_PORT = free_port()  # nobody listens there

    _newsletter, send = send_to(10)

    rows = Delivery.objects.filter(send=send)
    assert {row.status for row in rows} == {Row.QUEUED}
    assert all(row.not_before > timezone.now() and row.attempts == 0 for row in rows)


def test_a_connection_dropped_mid_batch_retries_that_email_only(server, monkeypatch):
    """The server drops one connection (as on a 421 or a timeout): that email is retried
    later, the connection is opened again, the others are sent."""
    real_send = smtp.Mailer.send
    dropped = []

    def send(mailer, envelope_from, recipient, data):
        if recipient == address("reader", 4) and not dropped:
            dropped.append(recipient)
            mailer.backend.connection.close()
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(mailer, envelope_from, recipient, data)

    monkeypatch.setattr(smtp.Mailer, "send", send)
    _newsletter, send_row = send_to(10)

    rows = statuses(send_row)
    assert rows.pop(address("reader", 4)) == Row.QUEUED
    assert set(rows.values()) == {Row.SENT}
    assert server.total() == 9


def test_the_file_outbox_of_the_embedded_default_gets_the_emails_as_made(settings, tmp_path, db):
    """Without SMTP (EMAIL_URL unset) the same bytes are written to the outbox, one lane."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path

    _newsletter, send = send_to(2, "outbox.example.test")

    assert set(statuses(send).values()) == {Row.SENT}
    written = b"".join(path.read_bytes() for path in tmp_path.iterdir())
    assert written.count(b"\nMessage-ID: <newsletter.") == 2
    assert written.count(b"\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\n") == 2
    assert b"\r\n" not in written  # written with the outbox's own line ends
