"""Reading what arrives at the bounce mailbox with the standard library's email package: a
delivery status notification (DSN, RFC 3464: multipart/report; report-type=delivery-status) or
a feedback-loop complaint (ARF, RFC 5965: multipart/report; report-type=feedback-report).

Only the VERP token names the delivery (newsletter.verp): it is keyed, so a report cannot be
made up for someone else's delivery. It is looked for where each kind of report carries it: the
address the report was sent to (a DSN goes to the envelope sender, bounces+<token>@…; an MTA
writes it in Delivered-To / X-Original-To), and the Return-Path of the original message the
report encloses (feedback loops send their reports to a fixed address, with the original
message attached). A Message-ID or a recipient address in a report is never trusted alone:
anyone can write one."""

import re
from dataclasses import dataclass
from email import policy
from email.message import Message
from email.parser import BytesParser, Parser
from email.utils import getaddresses

from .. import verp
from ..conf import bounce_mailbox
from ..models import DeliveryEvent

Kind = DeliveryEvent.Kind

# Where a report names the address it was sent to, then where an enclosed original names its
# envelope sender.
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")
ORIGINAL_HEADERS = ("Return-Path", "X-Return-Path", "Errors-To", "Sender")
STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
MAX_PARTS = 50  # parts of one report looked at: a real one has three or four
MAX_DIAGNOSTIC = 500
# RFC 5965 feedback types that are a complaint about our mail; "not-spam", "virus"... are not.
COMPLAINT_TYPES = {"abuse", "fraud"}


class NotUsable(Exception):
    """A message that is not a report we act on; its text says why, for the log."""


@dataclass
class Report:
    """A bounce or complaint about one delivery, as read from a report or a webhook."""

    kind: str  # DeliveryEvent.Kind
    source: str  # "dsn", "arf" or "webhook:<esp>"
    delivery_id: int
    recipient: str = ""
    status_code: str = ""
    diagnostic: str = ""


def parse_bytes(raw: bytes) -> Message:
    try:
        return BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the email package on hostile bytes: never a traceback
        raise NotUsable("not an email that can be read") from exc


def read_report(raw: bytes) -> Report:
    """The report in one message, or NotUsable saying why it is ignored."""
    if not raw.strip():
        raise NotUsable("an empty message")
    message = parse_bytes(raw)
    try:
        report_type = _report_type(message)
        if report_type == "delivery-status":
            kind, status, diagnostic, recipient = _read_dsn(message)
            source = "dsn"
        elif report_type == "feedback-report":
            kind, status, diagnostic, recipient = _read_arf(message)
            source = "arf"
        else:
            raise NotUsable("not a delivery status notification or a feedback report")
        delivery_id = _delivery_of(message)
    except NotUsable:
        raise
    except Exception as exc:  # a header or part the email package chokes on
        raise NotUsable(f"a report that cannot be read ({exc.__class__.__name__})") from exc
    return Report(kind, source, delivery_id, recipient, status, diagnostic)


def _report_type(message: Message) -> str:
    if message.get_content_type() != "multipart/report":
        raise NotUsable("not a report (its type is not multipart/report)")
    declared = (message.get_param("report-type") or "").lower()
    if declared in ("delivery-status", "feedback-report"):
        return declared
    # Some servers leave the parameter out: go by the parts.
    for part in _parts(message):
        if part.get_content_type() == "message/delivery-status":
            return "delivery-status"
        if part.get_content_type() == "message/feedback-report":
            return "feedback-report"
    return declared


def _parts(message: Message) -> list[Message]:
    parts = []
    for part in message.walk():
        parts.append(part)
        if len(parts) >= MAX_PARTS:
            break
    return parts


def _first_part(message: Message, content_type: str) -> Message | None:
    for part in _parts(message):
        if part.get_content_type() == content_type:
            return part
    return None


def _field_blocks(part: Message) -> list[Message]:
    """The header blocks inside a message/delivery-status or message/feedback-report part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    if isinstance(payload, str) and payload.strip():  # a part the parser kept as text
        text = payload.replace("\r\n", "\n")
        return [Parser(policy=policy.default).parsestr(block) for block in text.split("\n\n")]
    return []


def _text(value) -> str:
    return " ".join(str(value or "").split())[:MAX_DIAGNOSTIC]


def _address_field(value) -> str:
    """`rfc822; someone@example.org` (an Original-/Final-Recipient) as the address."""
    text = _text(value)
    return text.split(";", 1)[1].strip() if ";" in text else text


def _read_dsn(message: Message) -> tuple[str, str, str, str]:
    part = _first_part(message, "message/delivery-status")
    if part is None:
        raise NotUsable("a delivery report without its message/delivery-status part")
    recipients = [block for block in _field_blocks(part) if block.get("Action")]
    if not recipients:
        raise NotUsable("a delivery report with no recipient's Action field")
    failed = [block for block in recipients if _text(block.get("Action")).lower() == "failed"]
    if not failed:
        action = _text(recipients[0].get("Action")).lower()
        raise NotUsable(f"a delivery report saying '{action[:20]}', not a failure")
    block = failed[0]
    diagnostic = _text(block.get("Diagnostic-Code"))
    status = STATUS.search(_text(block.get("Status"))) or STATUS.search(diagnostic)
    if status is None:
        raise NotUsable("a failure report without a status code")
    if status.group(1) == "2":
        raise NotUsable("a delivery report with a success status")
    kind = Kind.HARD_BOUNCE if status.group(1) == "5" else Kind.SOFT_BOUNCE
    recipient = _address_field(block.get("Original-Recipient") or block.get("Final-Recipient"))
    return kind, status.group(0), diagnostic, recipient


def _read_arf(message: Message) -> tuple[str, str, str, str]:
    part = _first_part(message, "message/feedback-report")
    blocks = _field_blocks(part) if part is not None else []
    if not blocks or not blocks[0].get("Feedback-Type"):
        raise NotUsable("a feedback report without its Feedback-Type")
    fields = blocks[0]
    feedback_type = _text(fields.get("Feedback-Type")).lower()
    if feedback_type not in COMPLAINT_TYPES:
        raise NotUsable(f"a feedback report of type '{feedback_type[:20]}', not a complaint")
    agent = _text(fields.get("User-Agent"))
    diagnostic = f"{feedback_type} report" + (f" from {agent}" if agent else "")
    recipient = _address_field(fields.get("Original-Rcpt-To"))
    return Kind.COMPLAINT, "", diagnostic[:MAX_DIAGNOSTIC], recipient


def _original(message: Message) -> Message | None:
    """The enclosed original message (or its headers), if the report has one."""
    for part in _parts(message):
        content_type = part.get_content_type()
        if content_type == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
        if content_type == "text/rfc822-headers":
            text = part.get_content()
            if isinstance(text, str):
                return Parser(policy=policy.default).parsestr(text, headersonly=True)
    return None


def _addresses(message: Message, names: tuple[str, ...]) -> list[str]:
    found = []
    for name in names:
        values = [str(value) for value in message.get_all(name, [])]
        found.extend(address for _name, address in getaddresses(values) if address)
    return found


def _delivery_of(message: Message) -> int:
    """The delivery the report is about, from a VERP address of ours in it."""
    candidates = _addresses(message, RECIPIENT_HEADERS)
    original = _original(message)
    if original is not None:
        candidates += _addresses(original, ORIGINAL_HEADERS)
    for address in candidates:
        delivery_id = verp.delivery_id(address)
        if delivery_id is not None:
            return delivery_id
    local, _at, domain = bounce_mailbox().rpartition("@")
    ours = [
        address
        for address in candidates
        if address.lower().startswith(f"{local.lower()}+")
        and address.lower().endswith(f"@{domain.lower()}")
    ]
    if ours:
        raise NotUsable(f"its return path {ours[0][:120]} has a token that is not ours (forged)")
    raise NotUsable("no return path of ours in it (not about one of our deliveries)")
