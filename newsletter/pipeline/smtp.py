"""The SMTP side of a batch: one connection per batch (reopened after a drop), what each SMTP
error means for the row and the rest of the batch, and the words an editor reads on a send
paused by the mail server."""

import logging
import smtplib
from typing import NamedTuple

from django.core.mail import get_connection

from ..conf import sender_address

logger = logging.getLogger(__name__)


class Classified(NamedTuple):
    action: str  # "retry", "reconnect", "bounce", "fail" or "pause"
    message: str


def classify(exc: BaseException) -> Classified:
    """What an SMTP error means for the row (and the rest of the batch)."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return Classified("pause", _smtp_text(exc))
    if isinstance(exc, smtplib.SMTPNotSupportedError):  # e.g. a login the server does not offer
        return Classified("pause", str(exc))
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return Classified("pause" if exc.smtp_code >= 500 else "retry", _smtp_text(exc))
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, text = next(iter(exc.recipients.values()), (451, b""))
        message = f"{code} {_decode(text)}"
        return Classified("bounce" if 500 <= code < 600 else "retry", message)
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return Classified("reconnect", f"connection lost: {exc}")
    if isinstance(exc, smtplib.SMTPResponseException):
        if 500 <= exc.smtp_code < 600:
            return Classified("bounce", _smtp_text(exc))
        return Classified("reconnect" if exc.smtp_code == 421 else "retry", _smtp_text(exc))
    if isinstance(exc, OSError):  # ConnectionError, TimeoutError and other socket errors
        return Classified("reconnect", f"{type(exc).__name__}: {exc}")
    # Not from the network: the email itself cannot be made (an address or header that does
    # not encode...). Trying again would fail the same way.
    return Classified("fail", f"Could not build the email: {type(exc).__name__}: {exc}")


def _decode(text) -> str:
    return text.decode(errors="replace") if isinstance(text, bytes) else str(text)


def _smtp_text(exc: smtplib.SMTPResponseException) -> str:
    return f"{exc.smtp_code} {_decode(exc.smtp_error)}"


def pause_reason(exc: BaseException, message: str) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server refused our login ({message}). Check the SMTP user and password "
            "(EMAIL_URL), then resume the send. Nothing was lost: the remaining emails wait."
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"The mail server refused the sender address {sender_address()} ({message}). Check "
            "DEFAULT_FROM_EMAIL and the server's settings, then resume the send. Nothing was "
            "lost: the remaining emails wait."
        )
    return (
        f"The mail server refused this send ({message}). Check the mail settings "
        "(EMAIL_URL), then resume the send. Nothing was lost: the remaining emails wait."
    )


class Mailer:
    """One SMTP connection for the batch, opened once and reopened after a drop."""

    def __init__(self):
        self.connection = None

    def open(self):
        if self.connection is None:
            connection = get_connection(fail_silently=False)
            connection.open()
            self.connection = connection
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # the connection is already broken: nothing left to close
                logger.debug("closing a broken SMTP connection", exc_info=True)
            self.connection = None
