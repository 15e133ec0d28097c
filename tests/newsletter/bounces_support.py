"""What the bounce tests share: a newsletter sent to three readers (each email's envelope sender
is its delivery's VERP return path), the report samples under samples/ filled in for one of
those deliveries, and running `process_bounces`.

The samples are real reports' shapes (RFC 3464 from Postfix, Gmail's and Outlook's, a soft
4.2.2 bounce, a delay notice, Yahoo's RFC 5965 feedback report, a malformed one, a forged and
an unknown token) with placeholders: ${RETURN_PATH} (the delivery's VERP address, as the mail
server saw it in MAIL FROM), ${RECIPIENT}, ${MESSAGE_ID}, ${BOUNCE_MAILBOX}, ${BOUNCE_DOMAIN}
and ${UNKNOWN_RETURN_PATH} (a genuine token for a delivery that does not exist)."""

from __future__ import annotations

import io
from email.utils import parseaddr
from pathlib import Path
from string import Template

from django.core import mail
from django.core.management import call_command

from newsletter import tasks, verp
from newsletter.conf import bounce_mailbox
from newsletter.models import Delivery, Send
from newsletter.pipeline.queueing import queue_send
from tests.newsletter.support import Newsletter, add_issue, add_subscribers, address

SAMPLES = Path(__file__).resolve().parent / "samples"
HARD_BOUNCES = ["rfc3464_dsn", "gmail_dsn", "outlook_dsn"]


def reader(number: int) -> str:
    return address("reader", number)


def send_issue(newsletter: Newsletter, title: str | None = None) -> Send:
    """Send an issue (the first, or a new one titled `title`) to the list, in this process."""
    issue = add_issue(newsletter, title) if title else newsletter.issue
    send = queue_send(issue).send
    tasks.start_send(send.pk)
    return send


def envelope_senders() -> dict[str, str]:
    """Each outbox email's envelope sender (what Django gives the SMTP server as MAIL FROM),
    by recipient address."""
    return {parseaddr(message.to[0])[1]: message.from_email for message in mail.outbox}


def delivery_to(send: Send, number: int) -> Delivery:
    return Delivery.objects.get(send=send, email=reader(number))


def fill(sample: str, delivery: Delivery | None = None, **values: str) -> bytes:
    """A sample with its placeholders filled for `delivery` (its real envelope sender)."""
    mailbox = bounce_mailbox()
    fields = {
        "BOUNCE_MAILBOX": mailbox,
        "BOUNCE_DOMAIN": mailbox.rpartition("@")[2],
        "UNKNOWN_RETURN_PATH": verp.return_path(987_654_321),
        "RETURN_PATH": "",
        "RECIPIENT": "someone@mail.example.test",
        "MESSAGE_ID": "<unknown@example.test>",
    }
    if delivery is not None:
        send = delivery.send
        fields.update(
            RETURN_PATH=verp.return_path(delivery.pk),
            RECIPIENT=delivery.email,
            MESSAGE_ID=f"<newsletter.{send.pk}.{delivery.pk}@{send.newsletter_list.site.hostname}>",
        )
    fields.update(values)
    text = Template((SAMPLES / f"{sample}.eml").read_text()).substitute(fields)
    return text.replace("\n", "\r\n").encode()


def run(*args: str, stdin: bytes | None = None) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    options = {"stdin": io.BytesIO(stdin)} if stdin is not None else {}
    call_command("process_bounces", *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def summary(recorded: int, duplicate: int, ignored: int) -> str:
    return f"{recorded} recorded, {duplicate} already recorded, {ignored} ignored.\n"


def make_maildir(root: Path) -> Path:
    for name in ("new", "cur", "tmp"):
        (root / name).mkdir(parents=True)
    return root


def three_readers(newsletter: Newsletter) -> Newsletter:
    newsletter.readers = add_subscribers(newsletter.newsletter_list, 3)
    return newsletter
