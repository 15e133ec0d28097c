"""VERP (variable envelope return path): each delivery's envelope sender is
``<local>+<token>@<domain>`` of the bounce mailbox, so an asynchronous bounce (DSN) or a
feedback-loop complaint (ARF) that reaches that mailbox names the delivery it is about.

The token is the delivery id in base 36 and a keyed hash of it, all lower case (some mail
systems lower-case local parts) and short (a local part may hold 64 characters): a forged or
mistyped token is refused rather than matched to someone else's delivery."""

import hashlib
import hmac
import re
from email.utils import parseaddr

from django.conf import settings

from .conf import bounce_mailbox

_SALT = b"newsletter.verp"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_TOKEN = re.compile(r"^([0-9a-z]{1,13})-([0-9a-f]{10})$")


def _base36(number: int) -> str:
    digits = []
    while True:
        number, rest = divmod(number, 36)
        digits.append(_DIGITS[rest])
        if not number:
            return "".join(reversed(digits))


def _mac(text: str) -> str:
    key = hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()[:10]


def token(delivery_id: int) -> str:
    text = _base36(int(delivery_id))
    return f"{text}-{_mac(text)}"


def read_token(value: str) -> int | None:
    """The delivery id of a token, or None if it is not one of ours (malformed or forged)."""
    match = _TOKEN.match((value or "").strip().lower())
    if not match or not hmac.compare_digest(match.group(2), _mac(match.group(1))):
        return None
    return int(match.group(1), 36)


def return_path(delivery_id: int) -> str:
    """The envelope sender (MAIL FROM) of one delivery: bounces+<token>@domain."""
    local, _, domain = bounce_mailbox().rpartition("@")
    return f"{local}+{token(delivery_id)}@{domain}"


def delivery_id(address: str) -> int | None:
    """The delivery a VERP address names (``bounces+<token>@domain``, with or without a display
    name or angle brackets), or None if it is not one of our return paths."""
    address = parseaddr(address or "")[1]
    local, at, domain = address.rpartition("@")
    mailbox_local, _, mailbox_domain = bounce_mailbox().rpartition("@")
    if not at or domain.lower() != mailbox_domain.lower():
        return None
    prefix, plus, value = local.partition("+")
    if not plus or prefix.lower() != mailbox_local.lower():
        return None
    return read_token(value)
