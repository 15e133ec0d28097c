"""python manage.py unsubscribe_by_email [FILE ...] | --maildir DIR: act on the emails people send
to the `mailto:` half of each newsletter email's List-Unsubscribe header (newsletter/message.py).

The mail client sends `unsubscribe TOKEN` as the subject (the mailto's ?subject=), TOKEN being the
signed unsubscribe token of one subscription (newsletter/tokens.py). The token is the whole
authentication: the From address is written into the consent record as where the request came
from, and never used to find or change anything (anyone can write any From).

Three ways to feed it:

- an MTA pipe: one message on standard input, e.g. the Postfix alias
  `unsubscribe: "|/app/.venv/bin/python /app/manage.py unsubscribe_by_email"`;
- files: one message per FILE (`-` is standard input);
- a maildir, from cron: every message in DIR/new, and those in DIR/cur not yet marked seen. Each
  one handled is moved to DIR/cur with the seen flag (":2,S"), so the next run skips it.

A message without a valid token (a person's reply, an autoreply, a bounce, a forgery, garbage)
is ignored with one line on stderr, and the exit status stays 0: an MTA must not bounce it back
to whoever sent it. The status is non-zero only for arguments that cannot be used, or 75
(EX_TEMPFAIL) when the database failed: an MTA then keeps the message and tries again later, and
a maildir message stays where it is for the next run.
"""

import re
from contextlib import suppress
from email import policy
from email.parser import BytesParser
from email.utils import parseaddr
from enum import StrEnum
from html import unescape
from urllib.parse import quote, unquote

from django.core import signing
from django.db import DatabaseError
from django.utils.html import strip_tags

from newsletter import subscriptions
from newsletter.management.mailbox import IGNORED, RETRY, MailboxCommand
from newsletter.models import ConsentRecord, Subscription
from newsletter.tokens import read_unsubscribe_token

MAX_SCANNED_CHARS = 10_000  # of the subject, and of the body's first line
MAX_HTML_CHARS = 50_000  # of an HTML-only body, before its tags are stripped
MAX_CANDIDATES = 10  # token-like words tried per message
MAX_TOKEN_LENGTH = 500  # as the one-click view
# A Django signed value (newsletter/tokens.py): [.]payload:timestamp:signature, URL-safe base64
# and base 62. A word of its own: not the end of a URL (/unsubscribe/TOKEN/ in a quoted email).
TOKEN = re.compile(
    r"""(?<![^\s<(\["'])(\.?[A-Za-z0-9_-]+:[0-9A-Za-z]+:[A-Za-z0-9_-]+)(?![A-Za-z0-9_:/-])"""
)


class Outcome(StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    ALREADY = "already"  # already unsubscribed, or the subscription no longer exists
    IGNORED = IGNORED  # no valid token: nothing to do, never bounced
    RETRY = RETRY  # the database failed: the message is to be handled again later


class Command(MailboxCommand):
    help = (
        "Unsubscribe the people who used the mailto: link of a newsletter email's "
        "List-Unsubscribe header. Reads one email from each FILE, or from standard input when "
        "no FILE is given (for an MTA, e.g. the Postfix alias "
        "'unsubscribe: \"|/app/.venv/bin/python /app/manage.py unsubscribe_by_email\"'), "
        "and with --maildir every message of a maildir not yet handled. The signed token in "
        "the subject ('unsubscribe TOKEN', or failing that the body's first line) decides "
        "whose subscription ends; the From address is only recorded. A message without a "
        "valid token gets one line on stderr and is skipped. The exit status is 0 whenever "
        "every message was read, so an MTA never bounces one back; 1 for unusable arguments; "
        "75 (temporary failure: the MTA tries again) when the database could not be used."
    )
    outcomes = tuple(Outcome)

    def take(self, raw: bytes, truncated: bool, label: str) -> Outcome:
        return self.handle_message(
            raw, label, " (only its first 1 MB was read)" if truncated else ""
        )

    def summary(self) -> str:
        counts = self.counts
        return (
            f"{counts[Outcome.UNSUBSCRIBED]} unsubscribed, {counts[Outcome.ALREADY]} already "
            f"unsubscribed or unknown, {counts[Outcome.IGNORED]} ignored"
        )

    def handle_message(self, raw: bytes, label: str, note: str) -> Outcome:
        if not raw.strip():
            self.problem(label, f"ignored: an empty message{note}.")
            return Outcome.IGNORED
        try:
            message = BytesParser(policy=policy.default).parsebytes(raw)
        except Exception:  # the email package on hostile bytes: never a traceback
            self.problem(label, f"ignored: not an email that can be read{note}.")
            return Outcome.IGNORED
        candidates = token_candidates(message)
        if not candidates:
            self.problem(
                label, f"ignored: no unsubscribe token in its subject or first line{note}."
            )
            return Outcome.IGNORED
        subscription_id = read_token(candidates)
        if subscription_id is None:
            self.problem(
                label,
                f"ignored: its token is not a valid unsubscribe token (forged, damaged or "
                f"from another kind of link){note}.",
            )
            return Outcome.IGNORED
        try:
            done = subscriptions.unsubscribe(subscription_id, source_url=claimed_source(message))
            subscription = (
                Subscription.objects.select_related("newsletter_list")
                .filter(pk=subscription_id)
                .first()
            )
        except DatabaseError as exc:
            reason = " ".join(str(exc).split())[:200] or exc.__class__.__name__
            self.problem(label, f"not handled, the database failed: {reason}{note}.")
            return Outcome.RETRY
        if done:
            self.stdout.write(
                f"{label}: unsubscribed subscription {subscription_id} from "
                f"“{subscription.newsletter_list if subscription else '?'}”{note}."
            )
            return Outcome.UNSUBSCRIBED
        if subscription is None:
            self.problem(
                label,
                f"nothing to do: subscription {subscription_id} no longer exists (the person "
                f"was erased, or the list removed){note}.",
            )
        else:
            self.stdout.write(
                f"{label}: subscription {subscription_id} to “{subscription.newsletter_list}” "
                f"was already unsubscribed{note}."
            )
        return Outcome.ALREADY


# --- the message -----------------------------------------------------------------------------


def token_candidates(message) -> list[str]:
    """Token-like words of the subject (decoded, then raw), then of the body's first line; each
    also after percent-decoding (a client that left the mailto's %20 as it was)."""
    found: list[str] = []
    for texts in (subject_texts(message), [first_body_line(message)]):
        for text in texts:
            text = text[:MAX_SCANNED_CHARS]
            for variant in (text, unquote(text)):
                for match in TOKEN.finditer(variant):
                    token = match.group(1)
                    if len(token) <= MAX_TOKEN_LENGTH and token not in found:
                        found.append(token)
    return found[:MAX_CANDIDATES]


def subject_texts(message) -> list[str]:
    """The subject, decoded (encoded-words, folding), then as it came (if decoding failed)."""
    texts = []
    with suppress(Exception):  # a header the email package cannot decode: the raw text below
        texts.append(str(message.get("Subject") or ""))
    with suppress(Exception):
        texts.extend(str(value) for name, value in message.raw_items() if name.lower() == "subject")
    return texts


def first_body_line(message) -> str:
    """The first non-blank line of the text body (or of the HTML one, its tags removed). Only
    that line: a reply quoting a newsletter carries its https unsubscribe link further down."""
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        text = part.get_content()
        if not isinstance(text, str):
            return ""
        if part.get_content_subtype() == "html":
            text = unescape(strip_tags(text[:MAX_HTML_CHARS]))
    except Exception:  # an unknown charset, a broken encoding...
        return ""
    for line in text[: MAX_SCANNED_CHARS * 10].splitlines():
        if line.strip():
            return line.strip()
    return ""


def read_token(candidates: list[str]) -> int | None:
    for token in candidates:
        try:
            return read_unsubscribe_token(token)
        except (signing.BadSignature, ValueError, KeyError, TypeError):
            continue
    return None


def claimed_source(message) -> str:
    """`mailto:` and the address in From, for the consent record: what the message claims,
    kept as a record only. Percent-encoded where a URL needs it; left out if unreadable or too
    long."""
    empty = "mailto:"
    try:
        _name, address = parseaddr(str(message.get("From") or ""))
        if "@" not in address or any(char.isspace() or ord(char) < 32 for char in address):
            return empty
        url = empty + quote(address.encode("utf-8", "surrogateescape"), safe="@!$'*+-^_`{|}~.")
    except Exception:
        return empty
    max_length = ConsentRecord._meta.get_field("source_url").max_length
    return url if len(url) <= max_length else empty
