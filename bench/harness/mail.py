"""SMTP servers on loopback: ``SmtpSink``, aiosmtpd's Sink in processes of their own on one
socket (accepts every message, keeps nothing: for measuring; smtp_sink.py), and
``MailServer``, an aiosmtpd server in a thread of
the caller's that counts what it accepts and answers as told (for tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from bench.harness.processes import free_port, start_process, stop_process, wait_port

SMTP_USER, SMTP_PASSWORD = "newsletter", "secret"


def offer_pipelining(responses: list[str]) -> list[str]:
    """aiosmtpd's EHLO answer with PIPELINING (RFC 2920) in it: aiosmtpd reads each command as
    it comes, so it serves a pipelined envelope; it just does not say so."""
    return [*responses[:-1], "250-PIPELINING", responses[-1]]


class SmtpSink:
    """``python -m bench.harness.smtp_sink`` on a free port: `processes` processes (one per CPU
    by default) serving one socket, its log in `directory`.

    Processes of their own, so that serving mail shares no interpreter (and no GIL) with the
    script that measures, and several, so that the mail server is not what is measured."""

    def __init__(self, directory: Path, processes: int | None = None):
        self.port = free_port()
        self.processes = processes or os.cpu_count() or 1
        self.log_path = directory / "smtp.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def describe(self) -> str:
        return f"aiosmtpd Sink, {self.processes} process(es) on one socket"

    def start(self) -> None:
        """Start it and wait until it listens."""
        self.process = start_process(
            [sys.executable, "-m", "bench.harness.smtp_sink", str(self.port), str(self.processes)],
            self.log_path,
        )
        wait_port(self.port, self.process, "the SMTP sink", self.log_path)

    def stop(self) -> None:
        stop_process(self.process)


class MailServer:
    """An aiosmtpd server on loopback that counts what it accepts per recipient and answers as
        told: 451 to a recipient's first attempt (greylisting), 550 to some, 535 to every login. It
    offers PIPELINING unless told not to."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()
        self.port = free_port()
        self.controller = Controller(
            self,
            hostname="127.0.0.1",
            port=self.port,
            authenticator=self.authenticate,
            auth_require_tls=False,
            auth_required=False,
        )

    def reset(self) -> None:
        with self.lock:
            self.received: Counter[str] = Counter()
            self.rcpt_attempts: Counter[str] = Counter()
            self.messages: list[EmailMessage] = []
            self.raw: list[tuple[list[str], bytes]] = []  # (recipients, bytes as received)
            self.senders: list[tuple[str, list[str]]] = []  # (MAIL FROM, recipients)
            self.peers: set[tuple] = set()  # the client ends of the connections that sent mail
            self.defer_first: set[str] = set()
            self.reject: set[str] = set()
            self.fail_auth = False
            self.logins = 0
            self.keep_messages = True  # False: count only (large sends)
            self.pipelining = True  # offer PIPELINING (RFC 2920) in answer to EHLO

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()

    @property
    def url(self) -> str:
        return f"smtp://{quote(SMTP_USER)}:{quote(SMTP_PASSWORD)}@127.0.0.1:{self.port}"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        with self.lock:
            self.logins += 1
            return AuthResult(success=not self.fail_auth, handled=False)  # 535 if refused

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return offer_pipelining(responses) if self.pipelining else responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_attempts[address] += 1
            if address in self.reject:
                return "550 5.1.1 No such mailbox here"
            if address in self.defer_first and self.rcpt_attempts[address] == 1:
                return "451 4.7.1 Greylisted: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = (
            message_from_bytes(envelope.content, policy=policy.default)
            if self.keep_messages
            else None
        )
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received[recipient] += 1
            self.peers.add(session.peer)
            if message is not None:
                self.senders.append((envelope.mail_from, list(envelope.rcpt_tos)))
                self.messages.append(message)
                self.raw.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 2.0.0 Accepted"

    def count(self, recipient: str) -> int:
        with self.lock:
            return self.received[recipient]

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def raw_to(self, recipient: str) -> list[bytes]:
        """The bytes of each message to `recipient` exactly as the server received them."""
        with self.lock:
            return [data for recipients, data in self.raw if recipient in recipients]

    def senders_to(self, recipient: str) -> list[str]:
        """The envelope sender (MAIL FROM) of each message to `recipient`."""
        with self.lock:
            return [sender for sender, recipients in self.senders if recipient in recipients]

    def messages_to(self, recipient: str) -> list[EmailMessage]:
        with self.lock:
            return [m for m in self.messages if recipient in str(m["To"])]
