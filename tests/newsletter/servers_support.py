"""What the SMTP server and rate-limit tests share: an aiosmtpd server (bench/harness's
MailServer) that also records each login's credentials and the moment each message arrived,
and the settings that point the project's own mail at such a server."""

from __future__ import annotations

import time

from bench.harness.mail import MailServer


class RecordingMailServer(MailServer):
    """MailServer, plus the (login, password) of every AUTH and the monotonic time at which
    each message's transaction began (for the rate measurements: the sink's clock, not the
    sender's)."""

    def reset(self) -> None:
        super().reset()
        self.credentials: list[tuple[str, str]] = []
        self.arrivals: list[tuple[float, tuple]] = []  # (when, the sending connection's peer)

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        with self.lock:
            self.credentials.append((auth_data.login.decode(), auth_data.password.decode()))
        return super().authenticate(server, session, envelope, mechanism, auth_data)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # A message counts from its MAIL FROM, as a provider's limit counts transactions: the
        # rest of the exchange adds only this server's own delays to the measurement.
        envelope.started = time.monotonic()
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        arrived = envelope.started
        answer = await super().handle_DATA(server, session, envelope)
        with self.lock:
            self.arrivals.extend([(arrived, tuple(session.peer))] * len(envelope.rcpt_tos))
        return answer

    def arrival_times(self) -> list[float]:
        with self.lock:
            return sorted(when for when, _peer in self.arrivals)

    def arrivals_by_connection(self) -> dict[tuple, list[float]]:
        with self.lock:
            connections: dict[tuple, list[float]] = {}
            for when, peer in self.arrivals:
                connections.setdefault(peer, []).append(when)
            return connections


def project_mail_to(settings, server: MailServer) -> None:
    """The project's own mail (EMAIL_URL's settings) over SMTP to `server`, without login."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


def busiest_window(times: list[float], width: float = 1.0) -> int:
    """The most of `times` that fall in any half-open window [t, t + width)."""
    return len(busiest_span(times, width))


def busiest_span(times: list[float], width: float = 1.0) -> list[float]:
    """The times (sorted) of a half-open window [t, t + width) holding the most of them."""
    best, start = (0, 0), 0
    for end, moment in enumerate(times):
        while moment - times[start] >= width:
            start += 1
        if end + 1 - start > best[1] - best[0]:
            best = (start, end + 1)
    return times[best[0] : best[1]]
