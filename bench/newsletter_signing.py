"""What DKIM costs, measured in bench.newsletter's own process: signing a whole email (as the
test email and the confirmation are signed), and making one recipient's email from a template
(newsletter.pipeline.mime, as the workers do) unsigned and signed."""

from __future__ import annotations

import time
from email import message_from_bytes, policy

import dkim

from bench.harness.processes import HarnessError
from newsletter.pipeline.mime import MessageTemplate, Part
from newsletter.signing import Key

SAMPLE_TOKEN = "x" * 60  # the unsubscribe token of the baseline's email
LINK = "%%LINK%%"


def _milliseconds(work, count: int) -> float:
    began = time.perf_counter()
    for number in range(count):
        work(number)
    return (time.perf_counter() - began) * 1000 / count


def signing_costs(message: bytes, pem: str, count: int = 300) -> dict[str, float]:
    """Milliseconds per email: DKIM-signing the baseline's whole `message` with the run's key
    (`pem`); and making one recipient's email from a template of it, unsigned and signed.
    Each signature is first checked with dkimpy against the key's own DNS record."""
    key = Key(b"localhost", b"bench", pem.encode())
    record = key.dns_record().split(" TXT ", 1)[1].strip('"').encode()

    def check(data: bytes) -> None:
        if not dkim.verify(data, dnsfunc=lambda name, timeout=5: record):
            raise HarnessError("the DKIM signature of the sample email does not verify")

    check(key.signature(message) + message)
    parsed = message_from_bytes(message, policy=policy.default)
    parts = [
        Part(f"text/{kind}", parsed.get_body((kind,)).get_content().replace(SAMPLE_TOKEN, LINK))
        for kind in ("plain", "html")
    ]
    headers = [
        (name, str(parsed[name]))
        for name in ("Subject", "From", "List-Id", "List-Unsubscribe-Post")
    ] + [("To", "%%TO%%"), ("Message-ID", "%%ID%%"), ("List-Unsubscribe", f"<{LINK}>")]
    names = (LINK, "%%TO%%", "%%ID%%")
    unsigned = MessageTemplate.build(headers, parts, names)
    signed = MessageTemplate.build(headers, parts, names, key)

    def values(number: int) -> dict[str, str]:
        return {LINK: f"u{number:08d}", "%%TO%%": f"r{number}@bench.example.test", "%%ID%%": "<x>"}

    check(signed.render(values(0)))
    return {
        "dkim_sign_ms": _milliseconds(lambda n: key.signature(message), count),
        "template_ms": _milliseconds(lambda n: unsigned.render(values(n)), count),
        "template_dkim_ms": _milliseconds(lambda n: signed.render(values(n)), count),
    }
