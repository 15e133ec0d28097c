"""The SMTP side of a batch: the connections to the mail server (Mailer: opened once, kept
open between batches of a worker process, reopened after a drop), what each SMTP error means
for the row and the rest of the batch, and the words an editor reads on a send paused by the
mail server."""

import logging
import smtplib
import threading
import time
from email import message_from_bytes, policy
from email.message import Message
from typing import NamedTuple

from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

from ..conf import sender_address
from .pipelining import offers_pipelining, send_pipelined
from .ratelimit import limiter_for
from .servers import open_connection

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


def _mail_settings(newsletter_list) -> str:
    """Where the mail settings of the list's server are changed, for a pause message."""
    server = getattr(newsletter_list, "smtp_server", None)
    if server is not None:
        return f"the SMTP server “{server.name}” (Settings → SMTP servers)"
    return "EMAIL_URL"


def pause_reason(exc: BaseException, message: str, newsletter_list=None) -> str:
    where = _mail_settings(newsletter_list)
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return (
            f"The mail server refused our login ({message}). Check the SMTP user and password "
            f"({where}), then resume the send. Nothing was lost: the remaining emails wait."
        )
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return (
            f"The mail server refused the sender address {sender_address()} ({message}). Check "
            "DEFAULT_FROM_EMAIL and the server's settings, then resume the send. Nothing was "
            "lost: the remaining emails wait."
        )
    return (
        f"The mail server refused this send ({message}). Check the mail settings "
        f"({where}), then resume the send. Nothing was lost: the remaining emails wait."
    )


def connect(newsletter_list=None) -> BaseEmailBackend:
    """A connection to the list's mail server, not yet open: THE place its settings are read
    (the list's own SmtpServer, else Django's EMAIL_* settings from EMAIL_URL; servers.py)."""
    return open_connection(newsletter_list)


class SharedLimiter:
    """The list's server's rate (ratelimit.py), shared by the lanes of a batch: one lane waits
    for its turn at a time, so the threads of a process queue for the rate like processes do."""

    def __init__(self, newsletter_list=None):
        self.limiter = limiter_for(newsletter_list)
        self.lock = threading.Lock()

    def acquire(self) -> None:
        with self.lock:
            self.limiter.acquire()


class RawEmail(EmailMultiAlternatives):
    """An email whose bytes are made already, for a backend that is not SMTP (the file outbox
    of the embedded default, the console, the tests' locmem): it writes or keeps exactly those
    bytes, and its subject, body, headers and HTML part read as an EmailMultiAlternatives'. As
    with Django's own messages, from_email is the envelope sender (the VERP return path) and the
    From header is in extra_headers."""

    def __init__(self, envelope_from: str, recipient: str, data: bytes):
        parsed = message_from_bytes(data, policy=policy.default)
        text, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
        headers = {name: str(value) for name, value in parsed.items()}
        reply_to = headers.pop("Reply-To", None)
        super().__init__(
            subject=headers.pop("Subject", ""),
            body=text.get_content() if text else "",
            from_email=envelope_from,
            to=[headers.pop("To", recipient)],
            reply_to=[reply_to] if reply_to else None,
            headers={k: v for k, v in headers.items() if k.lower() not in _MIME_HEADERS},
        )
        if html is not None:
            self.attach_alternative(html.get_content(), "text/html")
        self.envelope_from, self.envelope_to, self.data = envelope_from, recipient, data

    def recipients(self) -> list[str]:
        return [self.envelope_to]

    def message(self):
        message = message_from_bytes(self.data, _class=_ExactMessage)
        message.exact = self.data
        return message


_MIME_HEADERS = {"content-type", "mime-version", "content-transfer-encoding", "dkim-signature"}


class _ExactMessage(Message):
    """A parsed email whose bytes are the ones it was parsed from (CRLF or LF line ends)."""

    exact: bytes | None = None

    def as_bytes(self, unixfrom=False, policy=None, linesep=None) -> bytes:
        if self.exact is None:
            return super().as_bytes(unixfrom, policy)
        return self.exact if linesep == "\r\n" else self.exact.replace(b"\r\n", b"\n")


class Mailer:
    """One connection to the mail server, kept open between emails (and between batches: see
    take_mailers) and reopened after a drop.

    send() is the one place an email leaves: with Django's SMTP backend the bytes go through
    smtplib as they are (``sendmail(envelope_from, [recipient], data)``, or with the envelope
    pipelined where the server offers it: pipelining.py), so a Mailer may work in a thread of
    its own (``threaded``); another backend gets a RawEmail of them."""

    def __init__(
        self,
        backend: BaseEmailBackend | None = None,
        newsletter_list=None,
        limiter: SharedLimiter | None = None,
    ):
        self.backend = backend if backend is not None else connect(newsletter_list)
        self.limiter = limiter
        self.threaded = isinstance(self.backend, SmtpBackend)
        self.opened = False
        self.last_used = 0.0
        self.send_id: int | None = None  # the send whose batches this connection serves
        self.pipelining: bool | None = None  # the server offers PIPELINING (pipelining.py)

    @property
    def settings_key(self) -> tuple:
        """What the connection's settings are: a Mailer kept for reuse must match them."""
        backend = self.backend
        return (
            type(backend),
            *(
                getattr(backend, name, None)
                for name in ("host", "port", "username", "password", "use_tls", "use_ssl")
            ),
        )

    def open(self) -> None:
        """Open the connection, or check (NOOP) that one idle since its last email still
        answers, and open it again if not."""
        if self.opened and self.threaded and time.monotonic() - self.last_used > IDLE_CHECK:
            try:
                alive = self.backend.connection.noop()[0] == 250
            except (smtplib.SMTPException, OSError):
                alive = False
            if not alive:
                self.close()
        if not self.opened:
            self.backend.open()
            self.opened = True
            self.pipelining = None  # asked on the first email (the EHLO may come then)
            self.last_used = time.monotonic()

    def send(self, envelope_from: str, recipient: str, data: bytes) -> None:
        """Send one email; raises what the server answered (see classify)."""
        self.open()
        if self.limiter is not None:  # built first: the server's rate spaces what it receives
            self.limiter.acquire()
        if self.threaded:
            connection = self.backend.connection
            if self.pipelining is None:
                self.pipelining = offers_pipelining(connection)
            if self.pipelining:
                send_pipelined(connection, envelope_from, recipient, data)
            else:
                connection.sendmail(envelope_from, [recipient], data)
        else:
            self.backend.send_messages([RawEmail(envelope_from, recipient, data)])
        self.last_used = time.monotonic()

    def close(self) -> None:
        self.opened = False
        try:
            self.backend.close()
        except Exception:  # the connection is already broken: nothing left to close
            logger.debug("closing a broken SMTP connection", exc_info=True)


IDLE_CHECK = 1.0  # seconds: a connection idle longer is checked with a NOOP before use
_idle: list[Mailer] = []  # this process's open connections between batches


def take_mailers(count: int, send_id: int, newsletter_list=None) -> list[Mailer]:
    """`count` Mailers for a batch of a send (one if the backend is not SMTP, which is not
    shared between threads): the connections this process kept open for the send's previous
    batch first, if their settings have not changed. A new send logs in afresh: the server
    then checks our credentials and sender again (a refused login pauses the send). Each
    connection goes to the list's server and keeps to its rate, shared by the batch's lanes."""
    limiter = SharedLimiter(newsletter_list)
    first = Mailer(newsletter_list=newsletter_list, limiter=limiter)
    if not first.threaded:
        return [first]
    key = (first.settings_key, send_id)
    kept = [mailer for mailer in _idle if (mailer.settings_key, mailer.send_id) == key]
    for mailer in _idle:
        if mailer not in kept:
            mailer.close()
    _idle.clear()
    mailers = kept[:count]
    for mailer in kept[count:]:
        mailer.close()
    if len(mailers) < count:
        mailers += [first] + [
            Mailer(newsletter_list=newsletter_list, limiter=limiter)
            for _ in range(count - len(mailers) - 1)
        ]
    for mailer in mailers:
        mailer.send_id = send_id
        mailer.limiter = limiter
    return mailers


def give_back(mailers: list[Mailer]) -> None:
    """Keep the batch's open connections for the next batch of this process."""
    _idle.extend(mailer for mailer in mailers if mailer.threaded and mailer.opened)
