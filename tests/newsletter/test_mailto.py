"""The `mailto:` half of List-Unsubscribe: a real newsletter email is sent, a mail client's reply
to its mailto link is written as the client would (the subject from the link's query), and
`manage.py unsubscribe_by_email` reads it from a file, from standard input (an MTA pipe) or
from a maildir. The token decides; anything else is reported and ignored, exit status 0."""

import base64
import io
import os
import subprocess
import sys
from email.utils import formatdate, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from newsletter import subscriptions, tasks
from newsletter.conf import unsubscribe_mailbox
from newsletter.erasure import remove_from_list
from newsletter.management.commands.unsubscribe_by_email import Command
from newsletter.models import ConsentRecord, Subscription
from newsletter.pipeline.queueing import queue_send
from newsletter.tokens import confirm_token, read_unsubscribe_token, unsubscribe_token
from tests.newsletter.support import add_issue, add_subscribers, address, build_newsletter

HOST = "mailto.example.test"
REPO_ROOT = Path(__file__).resolve().parents[2]
Status = Subscription.Status


def reader(number: int) -> str:
    return address("reader", number)


@pytest.fixture
def newsletter(db):
    """Three confirmed readers, each sent June's issue; `mailtos` holds each one's
    List-Unsubscribe mailto link, as it came in their email."""
    newsletter = build_newsletter(HOST)
    newsletter.readers = add_subscribers(newsletter.newsletter_list, 3)
    send = queue_send(newsletter.issue).send
    assert tasks.start_send(send.pk) == 3
    newsletter.mailtos = {}
    for message in mail.outbox:
        links = [
            part.strip().strip("<>")
            for part in message.extra_headers["List-Unsubscribe"].split(",")
        ]
        (mailto,) = [link for link in links if link.startswith("mailto:")]
        newsletter.mailtos[parseaddr(message.to[0])[1]] = mailto
    mail.outbox.clear()
    return newsletter


def the_mailto(newsletter, number: int) -> tuple[str, str]:
    """(mailbox, subject) a mail client takes from reader `number`'s mailto link."""
    link = urlsplit(newsletter.mailtos[reader(number)])
    return link.path, parse_qs(link.query)["subject"][0]


def email_bytes(*, sender: str, to: str, subject: str, body: str = "", before: str = "") -> bytes:
    """An email as a mail client sends it; `subject` goes in as written (it may be encoded
    words already)."""
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {formatdate()}",
        f"Message-ID: {make_msgid(domain='mail.example.test')}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
        "",
    ]
    return (before + "\r\n".join(lines)).encode()


def reply(newsletter, number: int, *, sender: str | None = None, **changes) -> bytes:
    """What reader `number`'s mail client sends when they use the mailto link."""
    mailbox, subject = the_mailto(newsletter, number)
    fields = {"sender": sender or f"Reader {number} <{reader(number)}>", "to": mailbox}
    fields["subject"] = subject
    fields.update(changes)
    return email_bytes(**fields)


def run(*args, stdin=None, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    if stdin is not None:
        options["stdin"] = stdin
    call_command("unsubscribe_by_email", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def write(directory: Path, name: str, raw: bytes) -> Path:
    path = directory / name
    path.write_bytes(raw)
    return path


def status(newsletter, number: int) -> str:
    return Subscription.objects.get(pk=newsletter.readers[number].pk).status


def statuses(newsletter) -> list[str]:
    return [status(newsletter, number) for number in range(len(newsletter.readers))]


def unsubscribe_records(newsletter, number: int):
    return ConsentRecord.objects.filter(
        subscription_id=newsletter.readers[number].pk, action=ConsentRecord.Action.UNSUBSCRIBED
    )


def summary(unsubscribed: int, already: int, ignored: int) -> str:
    return (
        f"{unsubscribed} unsubscribed, {already} already unsubscribed or unknown, "
        f"{ignored} ignored.\n"
    )


def next_issue_recipients(newsletter) -> list[str]:
    mail.outbox.clear()
    issue = add_issue(newsletter, "July news")
    send = queue_send(issue).send
    tasks.start_send(send.pk)
    return sorted(parseaddr(message.to[0])[1] for message in mail.outbox)


# --- the link in a real email ----------------------------------------------------------------


def test_the_mailto_link_asks_for_unsubscribe_and_the_token_of_that_reader(newsletter):
    mailbox, subject = the_mailto(newsletter, 1)
    assert mailbox == unsubscribe_mailbox() == "hello@localhost"
    command, token = subject.split(" ")
    assert command == "unsubscribe"
    # The token is signed with a timestamp (django.core.signing), so it is read, not rebuilt.
    assert read_unsubscribe_token(token) == newsletter.readers[1].pk


def test_a_reply_to_the_mailto_unsubscribes_and_the_next_issue_skips_them(newsletter, tmp_path):
    path = write(tmp_path, "reply.eml", reply(newsletter, 1))

    out, err = run(str(path))

    assert statuses(newsletter) == [Status.CONFIRMED, Status.UNSUBSCRIBED, Status.CONFIRMED]
    assert err == ""
    subscription_id = newsletter.readers[1].pk
    assert out == (
        f"{path}: unsubscribed subscription {subscription_id} from “Connecting News”.\n"
        + summary(1, 0, 0)
    )
    (record,) = unsubscribe_records(newsletter, 1)
    assert record.source_url == f"mailto:{reader(1)}"
    assert record.newsletter_list == newsletter.newsletter_list
    assert next_issue_recipients(newsletter) == [reader(0), reader(2)]


def test_a_message_piped_in_by_the_mta_on_standard_input(newsletter, monkeypatch):
    # Postfix's local delivery starts the message with an mbox "From " line.
    raw = reply(newsletter, 2, before=f"From {reader(2)}  Tue Jun  3 10:00:00 2025\r\n")
    stdin = io.TextIOWrapper(io.BytesIO(raw))
    monkeypatch.setattr(sys, "stdin", stdin)

    out, err = run()

    assert statuses(newsletter) == [Status.CONFIRMED, Status.CONFIRMED, Status.UNSUBSCRIBED]
    assert out.startswith("<stdin>: unsubscribed subscription") and out.endswith(summary(1, 0, 0))
    assert err == ""


def test_several_files_and_standard_input_as_dash(newsletter, tmp_path):
    first = write(tmp_path, "0.eml", reply(newsletter, 0))
    second = write(tmp_path, "2.eml", reply(newsletter, 2))

    out, _err = run(str(first), "-", str(second), stdin=io.BytesIO(reply(newsletter, 1)))

    assert statuses(newsletter) == [Status.UNSUBSCRIBED] * 3
    assert out.endswith(summary(3, 0, 0))


def encoded_word_b(text: str) -> str:
    return f"=?utf-8?b?{base64.b64encode(text.encode()).decode()}?="


def encoded_word_q(text: str) -> str:
    return "=?utf-8?q?" + "".join(f"={byte:02X}" for byte in text.encode()) + "?="


SUBJECTS = {
    "as the link says": lambda subject, token: subject,
    "a reply prefix": lambda subject, token: f"Re: {subject}",
    "other case and spacing": lambda subject, token: f"  RE:  UNSUBSCRIBE \t {token}  ",
    "one encoded word": lambda subject, token: encoded_word_b(f"Désabonner — {subject}"),
    "encoded words folded over two lines": lambda subject, token: (
        f"{encoded_word_q('unsubscribe ')}\r\n {encoded_word_q(token)}"
    ),
    "the %20 left as it was": lambda subject, token: f"unsubscribe%20{token}",
    "in angle brackets": lambda subject, token: f"unsubscribe <{token}>",
}


@pytest.mark.parametrize("variant", SUBJECTS.values(), ids=SUBJECTS.keys())
def test_mail_clients_may_change_the_subject_around_the_token(newsletter, tmp_path, variant):
    _mailbox, subject = the_mailto(newsletter, 0)
    token = unsubscribe_token(newsletter.readers[0].pk)
    path = write(tmp_path, "reply.eml", reply(newsletter, 0, subject=variant(subject, token)))

    out, err = run(str(path))

    assert statuses(newsletter) == [Status.UNSUBSCRIBED, Status.CONFIRMED, Status.CONFIRMED]
    assert out.endswith(summary(1, 0, 0)) and err == ""


def test_a_client_that_drops_the_subject_may_put_the_token_in_the_first_line(newsletter, tmp_path):
    _mailbox, subject = the_mailto(newsletter, 1)
    body = f"\r\n  {subject}\r\n\r\n-- \r\nSent from my phone"
    path = write(tmp_path, "reply.eml", reply(newsletter, 1, subject="", body=body))

    out, _err = run(str(path))

    assert status(newsletter, 1) == Status.UNSUBSCRIBED
    assert out.endswith(summary(1, 0, 0))


def test_the_token_decides_not_the_from_address(newsletter, tmp_path):
    """Reader 1's token sent from reader 2's address ends reader 1's subscription only; the
    claimed address is only recorded."""
    raw = reply(newsletter, 1, sender=f"Someone <{reader(2)}>")
    path = write(tmp_path, "reply.eml", raw)

    run(str(path))

    assert statuses(newsletter) == [Status.CONFIRMED, Status.UNSUBSCRIBED, Status.CONFIRMED]
    assert unsubscribe_records(newsletter, 1).get().source_url == f"mailto:{reader(2)}"
    assert not unsubscribe_records(newsletter, 2).exists()


def test_an_unusable_from_address_is_left_out_of_the_record(newsletter, tmp_path):
    long_sender = "x" * 600 + "@mail.example.test"
    write(tmp_path, "long.eml", reply(newsletter, 0, sender=long_sender))
    write(tmp_path, "none.eml", reply(newsletter, 1, sender="not an address at all"))

    run(str(tmp_path / "long.eml"), str(tmp_path / "none.eml"))

    assert unsubscribe_records(newsletter, 0).get().source_url == "mailto:"
    assert unsubscribe_records(newsletter, 1).get().source_url == "mailto:"


# --- idempotence and what is not there any more ----------------------------------------------


def test_the_same_message_twice_unsubscribes_once(newsletter, tmp_path):
    path = write(tmp_path, "reply.eml", reply(newsletter, 0))
    run(str(path))

    out, err = run(str(path))

    subscription_id = newsletter.readers[0].pk
    assert out == (
        f"{path}: subscription {subscription_id} to “Connecting News” was already "
        "unsubscribed.\n" + summary(0, 1, 0)
    )
    assert err == ""
    assert status(newsletter, 0) == Status.UNSUBSCRIBED
    assert unsubscribe_records(newsletter, 0).count() == 1


def test_a_reply_for_an_erased_subscriber_changes_nothing(newsletter, tmp_path):
    raw = reply(newsletter, 0)
    remove_from_list(newsletter.readers[0])
    path = write(tmp_path, "reply.eml", raw)

    out, err = run(str(path))

    subscription_id = newsletter.readers[0].pk
    assert err == (
        f"{path}: nothing to do: subscription {subscription_id} no longer exists (the person "
        "was erased, or the list removed).\n"
    )
    assert out == summary(0, 1, 0)
    assert [status(newsletter, 1), status(newsletter, 2)] == [Status.CONFIRMED] * 2


# --- what is ignored -------------------------------------------------------------------------


def forged(newsletter) -> bytes:
    token = unsubscribe_token(newsletter.readers[0].pk)
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    return reply(newsletter, 0, subject=f"unsubscribe {tampered}")


def confirm_token_instead(newsletter) -> bytes:
    return reply(newsletter, 0, subject=f"unsubscribe {confirm_token(newsletter.readers[0].pk)}")


def someone_elses_id(newsletter) -> bytes:
    """A token-shaped word made by hand for another subscription (no key: no signature)."""
    token = unsubscribe_token(newsletter.readers[0].pk)
    payload = base64.urlsafe_b64encode(b'{"s":%d}' % newsletter.readers[1].pk).rstrip(b"=")
    return reply(newsletter, 0, subject=f"unsubscribe {payload.decode()}:{token.split(':', 1)[1]}")


def a_person_replying_to_the_newsletter(newsletter) -> bytes:
    """The newsletter quoted below: its https unsubscribe link (with the token) is not a
    request to unsubscribe."""
    unsubscribe = (
        f"https://{HOST}/subscriptions/unsubscribe/{unsubscribe_token(newsletter.readers[0].pk)}/"
    )
    body = f"Thanks, see you at the tea morning!\r\n\r\n> Unsubscribe: {unsubscribe}\r\n"
    return reply(newsletter, 0, subject="Re: June news: neighbours, walks and tea", body=body)


def an_autoreply(newsletter) -> bytes:
    body = "I am away until Monday.\r\n" + "\r\n".join(newsletter.mailtos.values())
    return reply(newsletter, 0, subject="Automatic reply: unsubscribe", body=body)


IGNORED = {
    "a forged token": (forged, "its token is not a valid unsubscribe token"),
    "a confirmation token": (confirm_token_instead, "its token is not a valid unsubscribe"),
    "another id under a copied signature": (someone_elses_id, "not a valid unsubscribe token"),
    "no token": (a_person_replying_to_the_newsletter, "no unsubscribe token in its subject"),
    "an autoreply": (an_autoreply, "no unsubscribe token in its subject or first line"),
    "garbage bytes": (lambda n: bytes(range(256)) * 40, "no unsubscribe token"),
    "nothing": (lambda n: b"", "ignored: an empty message"),
    "a huge message": (lambda n: b"X" * (3 * 1024 * 1024), "only its first 1 MB was read"),
}


@pytest.mark.parametrize("make, says", IGNORED.values(), ids=IGNORED.keys())
def test_a_message_without_a_valid_token_is_reported_and_changes_nothing(
    newsletter, tmp_path, make, says
):
    path = write(tmp_path, "message.eml", make(newsletter))

    out, err = run(str(path))  # no CommandError: the exit status stays 0

    assert statuses(newsletter) == [Status.CONFIRMED] * 3
    assert not ConsentRecord.objects.filter(action=ConsentRecord.Action.UNSUBSCRIBED).exists()
    assert out == summary(0, 0, 1)
    (line,) = err.splitlines()
    assert line.startswith(f"{path}: ignored: ") and says in line
    assert "Traceback" not in err


def test_a_huge_message_on_standard_input_is_read_to_its_end_but_only_1_mb_kept(newsletter):
    """The token in the headers still counts; the rest of the pipe is drained, so the MTA
    writing into it is never cut off."""
    raw = reply(newsletter, 1, body="y" * (5 * 1024 * 1024))
    stdin = io.BytesIO(raw)

    out, err = run(stdin=stdin)

    assert stdin.tell() == len(raw)
    assert status(newsletter, 1) == Status.UNSUBSCRIBED
    assert "(only its first 1 MB was read)" in out and out.endswith(summary(1, 0, 0))
    assert err == ""


# --- a maildir -------------------------------------------------------------------------------


@pytest.fixture
def maildir(tmp_path) -> Path:
    directory = tmp_path / "Maildir"
    for name in ("new", "cur", "tmp"):
        (directory / name).mkdir(parents=True)
    return directory


def test_a_maildir_is_handled_once(newsletter, maildir):
    write(maildir / "new", "1717400001.M1P10.mx", reply(newsletter, 0))
    write(maildir / "new", "1717400002.M2P10.mx", b"Subject: Hello\r\n\r\nJust saying hi\r\n")
    # Seen by an IMAP client, not read: moved to cur/ without flags.
    write(maildir / "cur", "1717400003.M3P10.mx:2,", reply(newsletter, 1))
    # Read by a person already: marked seen, so not handled.
    write(maildir / "cur", "1717400004.M4P10.mx:2,S", reply(newsletter, 2))

    out, err = run(maildir=str(maildir))

    assert statuses(newsletter) == [Status.UNSUBSCRIBED, Status.UNSUBSCRIBED, Status.CONFIRMED]
    assert out.endswith(summary(2, 0, 1))
    ignored = maildir / "new" / "1717400002.M2P10.mx"
    assert err == f"{ignored}: ignored: no unsubscribe token in its subject or first line.\n"
    assert list((maildir / "new").iterdir()) == []
    assert sorted(path.name for path in (maildir / "cur").iterdir()) == [
        "1717400001.M1P10.mx:2,S",
        "1717400002.M2P10.mx:2,S",
        "1717400003.M3P10.mx:2,S",
        "1717400004.M4P10.mx:2,S",
    ]

    again, err_again = run("--maildir", str(maildir))

    assert again == summary(0, 0, 0) and err_again == ""
    assert unsubscribe_records(newsletter, 0).count() == 1


def test_other_maildir_flags_are_kept_when_marking_seen(newsletter, maildir):
    write(maildir / "cur", "1717400005.M5P10.mx:2,FR", reply(newsletter, 0))

    run(maildir=str(maildir))

    assert [path.name for path in (maildir / "cur").iterdir()] == ["1717400005.M5P10.mx:2,FRS"]


def test_a_database_failure_leaves_the_message_to_be_tried_again(newsletter, maildir, monkeypatch):
    """Exit status 75 (EX_TEMPFAIL): an MTA keeps the message and tries again later; in a
    maildir it stays in new/ for the next run."""
    write(maildir / "new", "1717400001.M1P10.mx", reply(newsletter, 0))

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server")

    with monkeypatch.context() as patch:
        patch.setattr(subscriptions, "unsubscribe", unreachable)
        with pytest.raises(CommandError, match="handled again later") as failed:
            run(maildir=str(maildir))
    assert failed.value.returncode == 75
    assert [path.name for path in (maildir / "new").iterdir()] == ["1717400001.M1P10.mx"]
    assert status(newsletter, 0) == Status.CONFIRMED

    out, _err = run(maildir=str(maildir))

    assert out.endswith(summary(1, 0, 0))
    assert status(newsletter, 0) == Status.UNSUBSCRIBED


# --- arguments -------------------------------------------------------------------------------


def test_unusable_arguments_are_errors(db, tmp_path, monkeypatch):
    with pytest.raises(CommandError, match=f"There is no file {tmp_path}/missing.eml"):
        run(str(tmp_path / "missing.eml"))
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path))  # a directory is not a message
    with pytest.raises(CommandError, match=f"There is no directory {tmp_path}/nowhere"):
        run(maildir=str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="is not a maildir: it has no new/ and cur/"):
        run(maildir=str(tmp_path))

    class Terminal(io.BytesIO):
        def isatty(self):
            return True

    with pytest.raises(CommandError, match="Nothing to read"):
        run(stdin=Terminal())


def test_the_help_says_how_to_use_it():
    text = Command().create_parser("manage.py", "unsubscribe_by_email").format_help()
    assert "standard input" in text and "Postfix" in text and "--maildir DIR" in text
    assert "exit status is 0" in text


def test_run_by_an_mta_it_exits_0_without_a_traceback(tmp_path):
    """The real command line, as a pipe from Postfix runs it: ignored mail exits 0 (no bounce),
    a missing file exits 1. (None of these reach the database: a throwaway SQLite file.)"""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    command = [sys.executable, "manage.py", "unsubscribe_by_email"]
    forged_mail = email_bytes(
        sender="someone@mail.example.test",
        to="hello@localhost",
        subject="unsubscribe eyJzIjoxfQ:1uA2bC:" + "A" * 43,
    )
    for raw, says in (
        (forged_mail, "its token is not a valid unsubscribe token"),
        (b"\x00\xff\xfe garbage \x80" * 1000, "no unsubscribe token"),
    ):
        done = subprocess.run(
            command, input=raw, capture_output=True, cwd=REPO_ROOT, env=env, timeout=120
        )
        assert done.returncode == 0, done.stderr
        assert says in done.stderr.decode() and "Traceback" not in done.stderr.decode()
        assert b"0 unsubscribed, 0 already unsubscribed or unknown, 1 ignored." in done.stdout

    missing = subprocess.run(
        [*command, str(tmp_path / "missing.eml")],
        capture_output=True,
        cwd=REPO_ROOT,
        env=env,
        timeout=120,
    )
    assert missing.returncode == 1
    assert b"CommandError: There is no file" in missing.stderr
    assert b"Traceback" not in missing.stderr
