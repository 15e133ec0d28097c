"""End to end, with real parts: an issue is sent over SMTP to a real (aiosmtpd) server, which
records each message's envelope sender (MAIL FROM); a Gmail-style DSN addressed to that return
path is piped into `manage.py process_bounces` run as its own process, as an MTA would; the
next issue is not sent to the bounced address, and the other readers still get it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench.harness.mail import MailServer
from newsletter import verp
from newsletter.models import DeliveryEvent, Suppression
from tests.newsletter.bounces_support import (
    delivery_to,
    fill,
    reader,
    send_issue,
    three_readers,
)
from tests.newsletter.harness import database_url_for_worker
from tests.newsletter.support import build_newsletter

pytestmark = pytest.mark.django_db(transaction=True)  # the command's process sees the rows
REPO_ROOT = Path(__file__).resolve().parents[2]


class EnvelopeRecordingServer(MailServer):
    """The harness's SMTP server, also keeping the envelope sender of each recipient's mail."""

    def reset(self) -> None:
        super().reset()
        self.envelope_senders: dict[str, list[str]] = {}

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.envelope_senders.setdefault(recipient, []).append(envelope.mail_from)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp(settings):
    server = EnvelopeRecordingServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield server
    finally:
        server.stop()


def test_a_bounce_of_a_real_send_piped_in_by_the_mta_stops_the_next_send_to_it(smtp):
    newsletter = three_readers(build_newsletter("e2e-bounce.example.test"))
    send = send_issue(newsletter)
    delivery = delivery_to(send, 1)
    [mail_from] = smtp.envelope_senders[reader(1)]
    assert mail_from == verp.return_path(delivery.pk)  # what the receiving server saw

    done = subprocess.run(
        [sys.executable, "manage.py", "process_bounces"],
        input=fill("gmail_dsn", delivery, RETURN_PATH=mail_from),
        cwd=REPO_ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.test",
            "DATABASE_URL": database_url_for_worker(),
        },
        capture_output=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith(b"1 recorded, 0 already recorded, 0 ignored.\n"), done.stdout
    event = DeliveryEvent.objects.get()
    assert (event.delivery_id, event.kind, event.source) == (delivery.pk, "hard_bounce", "dsn")
    assert Suppression.is_suppressed(reader(1), newsletter.newsletter_list)

    send_issue(newsletter, "July news")

    assert len(smtp.envelope_senders[reader(1)]) == 1  # June only
    assert [len(smtp.envelope_senders[reader(n)]) for n in (0, 2)] == [2, 2]
