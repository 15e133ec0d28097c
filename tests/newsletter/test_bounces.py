"""Bounces and complaints from the bounce mailbox: a newsletter is sent (each email's envelope
sender its delivery's VERP return path), then realistic reports about those emails (RFC 3464
DSNs from Postfix, Gmail and Outlook, a soft bounce, Yahoo's RFC 5965 complaint) are read by
`manage.py process_bounces` from a maildir, files or standard input. Hard bounces and complaints
suppress the address on that list at once, soft bounces after the third send; anything that is
not a genuine report about one of our deliveries is logged and changes nothing, exit status 0."""

import os
import subprocess
import sys
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.core import mail
from django.core.management.base import CommandError
from django.db import OperationalError

from newsletter import verp
from newsletter.bounces.parse import NotUsable, read_report
from newsletter.erasure import remove_from_list
from newsletter.management.commands import process_bounces
from newsletter.models import (
    ConsentRecord,
    DeliveryEvent,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from tests.newsletter.bounces_support import (
    HARD_BOUNCES,
    delivery_to,
    envelope_senders,
    fill,
    make_maildir,
    reader,
    run,
    send_issue,
    summary,
    three_readers,
)
from tests.newsletter.support import build_newsletter

HOST = "bounce.example.test"
REPO_ROOT = Path(__file__).resolve().parents[2]
Kind = DeliveryEvent.Kind
Status = Subscription.Status


@pytest.fixture
def newsletter(db):
    """Three confirmed readers, each sent June's issue; reader 1 is on another site's list too."""
    newsletter = three_readers(build_newsletter(HOST))
    newsletter.envelopes = {}
    newsletter.send = send_issue(newsletter)
    newsletter.envelopes = envelope_senders()
    mail.outbox.clear()
    newsletter.other = build_newsletter("other.example.test", name="Other News")
    Subscription.objects.create(
        subscriber=Subscriber.objects.get(email=reader(1)),
        newsletter_list=newsletter.other.newsletter_list,
        status=Status.CONFIRMED,
    )
    return newsletter


def statuses(newsletter) -> list[str]:
    return [Subscription.objects.get(pk=row.pk).status for row in newsletter.readers]


def recipients_of_next_issue(newsletter, title: str = "July news") -> list[str]:
    mail.outbox.clear()
    send_issue(newsletter, title)
    return sorted(parseaddr(message.to[0])[1] for message in mail.outbox)


def test_each_email_is_sent_from_its_deliverys_verp_return_path(newsletter):
    for number in range(3):
        delivery = delivery_to(newsletter.send, number)
        envelope = newsletter.envelopes[reader(number)]
        assert envelope == verp.return_path(delivery.pk)
        assert envelope.startswith("bounces+") and envelope.endswith("@localhost")
        assert verp.delivery_id(envelope) == delivery.pk


@pytest.mark.parametrize("sample", HARD_BOUNCES)
def test_a_hard_bounce_in_the_maildir_suppresses_the_address_on_that_list(
    newsletter, tmp_path, sample
):
    maildir = make_maildir(tmp_path / "bounces")
    delivery = delivery_to(newsletter.send, 1)
    (maildir / "new" / "1764926043.M1P1.mx").write_bytes(fill(sample, delivery))

    out, err = run("--maildir", str(maildir))

    assert out.endswith(summary(1, 0, 0)) and err == ""
    [event] = DeliveryEvent.objects.all()
    assert (event.delivery, event.kind, event.source) == (delivery, Kind.HARD_BOUNCE, "dsn")
    assert event.status_code == ("5.1.10" if sample == "outlook_dsn" else "5.1.1")
    assert "550" in event.diagnostic or "does not exist" in event.diagnostic
    assert Suppression.is_suppressed(reader(1), newsletter.newsletter_list)
    # That list only: the same person's other list, and the network, still mail them.
    assert not Suppression.is_suppressed(reader(1), newsletter.other.newsletter_list)
    assert not Suppression.is_suppressed(reader(1))
    assert statuses(newsletter) == [Status.CONFIRMED] * 3
    assert [path.name for path in (maildir / "cur").iterdir()] == ["1764926043.M1P1.mx:2,S"]
    assert not list((maildir / "new").iterdir())
    assert recipients_of_next_issue(newsletter) == [reader(0), reader(2)]


def test_a_soft_bounce_is_counted_and_the_third_sends_suppresses(newsletter, tmp_path):
    path = tmp_path / "soft.eml"
    sends = [newsletter.send, send_issue(newsletter, "July news")]
    sends.append(send_issue(newsletter, "August news"))
    for number, send in enumerate(sends, start=1):
        path.write_bytes(fill("soft_dsn", delivery_to(send, 2)))
        out, _err = run(str(path))
        assert f"soft bounce {number} of 3" in out
        assert Suppression.is_suppressed(reader(2), newsletter.newsletter_list) == (number == 3)
    events = DeliveryEvent.objects.filter(kind=Kind.SOFT_BOUNCE)
    assert {event.status_code for event in events} == {"4.2.2"} and events.count() == 3
    assert Suppression.objects.get().reason == Suppression.Reason.BOUNCED
    assert reader(2) not in recipients_of_next_issue(newsletter, "September news")


def test_a_complaint_unsubscribes_and_suppresses_on_that_list(newsletter, tmp_path):
    """Yahoo's feedback loop writes to the bounce mailbox itself; the token is in the Return-Path
    of the complained-about email it encloses."""
    path = tmp_path / "arf.eml"
    path.write_bytes(fill("arf_complaint", delivery_to(newsletter.send, 0)))

    out, err = run(str(path))

    assert "unsubscribed" in out and out.endswith(summary(1, 0, 0))
    [event] = DeliveryEvent.objects.all()
    assert (event.kind, event.source) == (Kind.COMPLAINT, "arf")
    assert "Yahoo" in event.diagnostic
    [suppression] = Suppression.objects.all()
    assert suppression.reason == Suppression.Reason.COMPLAINED
    assert suppression.newsletter_list == newsletter.newsletter_list
    assert statuses(newsletter) == [Status.UNSUBSCRIBED, Status.CONFIRMED, Status.CONFIRMED]
    assert ConsentRecord.objects.filter(
        subscription=newsletter.readers[0], action=ConsentRecord.Action.UNSUBSCRIBED
    ).exists()


def test_the_same_report_twice_is_recorded_once(newsletter, tmp_path):
    raw = fill("gmail_dsn", delivery_to(newsletter.send, 1))
    assert run(stdin=raw)[0].endswith(summary(1, 0, 0))

    out, err = run(stdin=raw)

    assert out == summary(0, 1, 0)
    assert "<stdin>: duplicate: hard_bounce of delivery" in err
    assert DeliveryEvent.objects.count() == 1 and Suppression.objects.count() == 1


def not_a_report(newsletter) -> bytes:
    return (
        b"From: Reader <reader00001@mail.example.test>\r\nTo: bounces@localhost\r\n"
        b"Subject: Re: June news\r\n\r\nThanks, see you at the tea morning!\r\n"
    )


IGNORED = {
    "a malformed DSN": ("malformed_dsn", "a delivery report with no recipient's Action field"),
    "a forged token": ("forged_token_dsn", "has a token that is not ours (forged)"),
    "an unknown delivery": ("unknown_delivery_dsn", "delivery 987654321 does not exist"),
    "a delay notice": ("delayed_dsn", "a delivery report saying 'delayed', not a failure"),
    "a reply, not a report": (not_a_report, "not a report"),
    "garbage bytes": (lambda n: bytes(range(256)) * 40, "not a report"),
    "nothing": (lambda n: b"", "ignored: an empty message"),
}


@pytest.mark.parametrize("make, says", IGNORED.values(), ids=IGNORED.keys())
def test_what_is_not_a_genuine_report_is_logged_and_changes_nothing(
    newsletter, tmp_path, make, says
):
    raw = fill(make, delivery_to(newsletter.send, 1)) if isinstance(make, str) else make(None)
    path = tmp_path / "message.eml"
    path.write_bytes(raw)

    out, err = run(str(path))  # no CommandError: the exit status stays 0

    assert out == summary(0, 0, 1)
    (line,) = err.splitlines()
    assert line.startswith(f"{path}: ignored: ") and says in line, line
    assert "Traceback" not in err
    assert not DeliveryEvent.objects.exists() and not Suppression.objects.exists()
    assert statuses(newsletter) == [Status.CONFIRMED] * 3


def test_a_report_about_an_erased_subscriber_changes_nothing(newsletter):
    delivery = delivery_to(newsletter.send, 1)
    raw = fill("rfc3464_dsn", delivery)
    remove_from_list(newsletter.readers[1])
    suppressions = list(Suppression.objects.values_list("email_hash", "reason"))

    out, err = run(stdin=raw)

    assert out == summary(0, 0, 1) and "recipient was erased" in err
    assert not DeliveryEvent.objects.exists()
    assert list(Suppression.objects.values_list("email_hash", "reason")) == suppressions


def test_erasing_a_subscriber_blanks_what_their_mail_server_said(newsletter):
    run(stdin=fill("rfc3464_dsn", delivery_to(newsletter.send, 1)))
    assert reader(1) in DeliveryEvent.objects.get().diagnostic

    remove_from_list(newsletter.readers[1])

    event = DeliveryEvent.objects.get()
    assert event.diagnostic == "" and event.kind == Kind.HARD_BOUNCE  # the figure stays
    assert Suppression.objects.filter(email_hash=email_hash(reader(1))).count() == 1


def test_a_database_failure_leaves_the_message_for_the_next_run(newsletter, tmp_path, monkeypatch):
    maildir = make_maildir(tmp_path / "bounces")
    message = maildir / "new" / "1764926043.M2P1.mx"
    message.write_bytes(fill("rfc3464_dsn", delivery_to(newsletter.send, 1)))

    def fail(report):
        raise OperationalError("the database went away")

    monkeypatch.setattr(process_bounces, "apply_report", fail)
    with pytest.raises(CommandError) as raised:
        run("--maildir", str(maildir))
    assert raised.value.returncode == 75  # EX_TEMPFAIL: the MTA (or cron) tries again
    assert message.exists()
    monkeypatch.undo()
    assert run("--maildir", str(maildir))[0].endswith(summary(1, 0, 0))
    assert not message.exists()


def test_unusable_arguments_are_errors(db, tmp_path):
    with pytest.raises(CommandError, match="There is no file"):
        run(str(tmp_path / "missing.eml"))
    with pytest.raises(CommandError, match="not a maildir"):
        run("--maildir", str(tmp_path))


def test_run_by_an_mta_a_forged_report_exits_0_without_a_traceback(db):
    """As Postfix runs it: a process of its own, the message on standard input."""
    done = subprocess.run(
        [sys.executable, "manage.py", "process_bounces"],
        input=fill("forged_token_dsn"),
        cwd=REPO_ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"<stdin>: ignored: its return path bounces+2s-0123456789@" in done.stderr
    assert b"Traceback" not in done.stderr
    assert done.stdout.endswith(b"0 recorded, 0 already recorded, 1 ignored.\n")


@pytest.mark.parametrize("sample", [*HARD_BOUNCES, "soft_dsn", "arf_complaint"])
def test_damaged_reports_are_read_or_refused_never_a_crash(newsletter, sample):
    """Every sample cut short at 40 places, and with bytes scrambled at 40 others: read_report
    gives a report or says why not (NotUsable), never another exception."""
    raw = fill(sample, delivery_to(newsletter.send, 1))
    step = max(1, len(raw) // 40)
    damaged = [raw[:cut] for cut in range(0, len(raw), step)]
    damaged += [
        raw[:at] + bytes([raw[at] ^ 0xA5]) * 7 + raw[at + 7 :] for at in range(0, len(raw), step)
    ]
    outcomes = set()
    for message in damaged:
        try:
            outcomes.add(type(read_report(message)).__name__)
        except NotUsable:
            outcomes.add("NotUsable")
    assert outcomes == {"Report", "NotUsable"}
