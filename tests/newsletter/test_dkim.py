"""DKIM: the newsletter's mail (each delivery, the proof, the confirmation) is signed for its From
domain when that domain has a key, sent through the real pipeline to a real SMTP server
(aiosmtpd), and the bytes it received verify with dkimpy against the TXT record of the key; a
changed body or header does not. No key, or a key for another domain: nothing signed. A key
that cannot be read stops startup, and never loses a delivery. On the national site and on
Leeds (made by create_chapter). Also the settings read from the environment."""

import base64
import logging
import re

import dkim
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from bench.harness.mail import MailServer
from cms.settings import env
from newsletter import signing, tasks
from newsletter.models import NewsletterList, Subscription
from newsletter.pipeline.queueing import queue_send
from tests.newsletter.admin_support import add_issue_under
from tests.newsletter.support import add_subscribers, address
from tests.shared_chapter import leeds_param

DOMAIN = "connection.example.org"
SELECTOR = "news2026"
READERS = 3


def _key_pair() -> tuple[str, str]:
    """(private key PEM, the DNS TXT record's p= value) of a new 2048-bit RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return pem, base64.b64encode(public).decode()


@pytest.fixture(scope="module")
def key_pair() -> tuple[str, str]:
    return _key_pair()


@pytest.fixture
def smtp(mail_server, settings) -> MailServer:
    """Mail over SMTP to the test's server, from an address at DOMAIN, no key yet."""
    mail_server.reset()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail_server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = f"Connection Coalition <hello@{DOMAIN}>"
    settings.NEWSLETTER_UNSUBSCRIBE_EMAIL = f"unsubscribe@{DOMAIN}"
    settings.DKIM_KEYS = {}
    return mail_server


@pytest.fixture
def signed(smtp, settings, key_pair) -> MailServer:
    settings.DKIM_KEYS = {DOMAIN: {"selector": SELECTOR, "private_key": key_pair[0]}}
    return smtp


def dns_for(public: str, name: str = f"{SELECTOR}._domainkey.{DOMAIN}."):
    """dkimpy's DNS lookup, answering the one TXT record the key's domain publishes."""
    record = f"v=DKIM1; k=rsa; p={public}".encode()

    def lookup(qname, timeout=5):
        return record if qname.decode().lower() == name else None

    return lookup


@pytest.fixture(params=["national", leeds_param()])
def site(request, network):
    if request.param == "national":
        return network.national_site
    return request.getfixturevalue("leeds").site


def _send_issue(site) -> list[str]:
    """An issue of the site's list sent to READERS new subscribers through the pipeline (tasks
    in-process, the real SMTP backend); their addresses."""
    newsletter_list = NewsletterList.for_site(site)
    add_subscribers(newsletter_list, READERS, prefix="dkim")
    issue = add_issue_under(
        site.root_page, "Signed news", "Signed news: walks and tea", "Walks on Tuesdays.", live=True
    )
    send = queue_send(issue).send
    tasks.start_send(send.pk)
    return [address("dkim", number) for number in range(READERS)]


def _fields(raw: bytes) -> dict[str, str]:
    header = re.search(rb"^DKIM-Signature:(.*?)\r\n(?![ \t])", raw, re.S | re.M)
    assert header, "no DKIM-Signature header"
    value = re.sub(r"\s+", "", header[1].decode())
    return dict(field.split("=", 1) for field in value.split(";") if field)


# --- signed and verified ----------------------------------------------------------------------


def test_every_delivery_is_signed_and_verifies(signed, key_pair, site):
    dns = dns_for(key_pair[1])
    for recipient in _send_issue(site):
        (raw,) = signed.raw_to(recipient)
        assert raw.startswith(b"DKIM-Signature:")
        assert dkim.verify(raw, dnsfunc=dns), recipient
        fields = _fields(raw)
        assert (fields["d"], fields["s"], fields["c"]) == (DOMAIN, SELECTOR, "relaxed/relaxed")
        signed_headers = fields["h"].split(":")
        for name in ("from", "to", "subject", "date", "message-id", "list-id", "mime-version"):
            assert name in signed_headers
        assert "list-unsubscribe" in signed_headers and "list-unsubscribe-post" in signed_headers
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in raw


def test_a_changed_body_or_header_fails_verification(signed, key_pair, site):
    dns = dns_for(key_pair[1])
    (raw,) = signed.raw_to(_send_issue(site)[0])
    assert dkim.verify(raw, dnsfunc=dns)
    head, body = raw.split(b"\r\n\r\n", 1)
    assert b"Tuesdays" in body
    assert not dkim.verify(
        head + b"\r\n\r\n" + body.replace(b"Tuesdays", b"Thursdays"), dnsfunc=dns
    )
    assert not dkim.verify(raw.replace(b"Signed news: walks", b"Signed news: WALKS"), dnsfunc=dns)
    # Another key published under the selector: the signature is not ours.
    assert not dkim.verify(raw, dnsfunc=dns_for(_key_pair()[1]))


def test_the_proof_and_the_confirmation_are_signed(signed, key_pair, site):
    dns = dns_for(key_pair[1])
    issue = add_issue_under(site.root_page, "Proof", "Proof: tea", "Tea at four.", live=True)
    assert tasks.send_test(issue.pk, "editor@elsewhere.example")
    pending = add_subscribers(
        NewsletterList.for_site(site), 1, prefix="pending", status=Subscription.Status.PENDING
    )[0]
    Subscription.objects.filter(pk=pending.pk).update(confirmation_sent_at=None)
    assert tasks.send_confirmation(pending.pk)
    (proof,) = signed.raw_to("editor@elsewhere.example")
    (confirmation,) = signed.raw_to(address("pending", 0))
    for raw in (proof, confirmation):
        assert dkim.verify(raw, dnsfunc=dns)
        assert _fields(raw)["d"] == DOMAIN


# --- not signed -------------------------------------------------------------------------------


def test_no_key_no_signature(smtp, site):
    for recipient in _send_issue(site):
        (raw,) = smtp.raw_to(recipient)
        assert b"DKIM-Signature" not in raw


def test_a_key_for_another_domain_signs_nothing(smtp, settings, key_pair, site):
    settings.DKIM_KEYS = {"other.example": {"selector": SELECTOR, "private_key": key_pair[0]}}
    for recipient in _send_issue(site):
        (raw,) = smtp.raw_to(recipient)
        assert b"DKIM-Signature" not in raw


def test_an_unreadable_key_stops_startup_but_never_loses_a_delivery(
    smtp, settings, caplog, network
):
    settings.DKIM_KEYS = {DOMAIN: {"selector": SELECTOR, "private_key": "-----BEGIN\nnope\n--"}}
    with pytest.raises(ImproperlyConfigured, match=f"DKIM private key for {DOMAIN}"):
        signing.keys()
    settings.DKIM_KEYS = {DOMAIN: {"selector": SELECTOR, "private_key": ""}}
    with pytest.raises(ImproperlyConfigured, match="needs a selector and a private_key"):
        signing.keys()
    # Changed under a running process (startup checked the old value): sent unsigned, logged.
    settings.DKIM_KEYS = {DOMAIN: {"selector": SELECTOR, "private_key": "-----BEGIN\nnope\n--"}}
    with caplog.at_level(logging.ERROR, logger="newsletter.signing"):
        recipients = _send_issue(network.national_site)
    for recipient in recipients:
        (raw,) = smtp.raw_to(recipient)
        assert b"DKIM-Signature" not in raw
    assert "DKIM: could not sign" in caplog.text


# --- the settings from the environment, and the DNS record ------------------------------------


def test_settings_from_the_environment(monkeypatch, tmp_path, key_pair):
    for name in ("DKIM_KEYS_DIR", "DKIM_SELECTOR", "DKIM_PRIVATE_KEY", "DKIM_PRIVATE_KEY_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("DKIM_DOMAIN", raising=False)
    assert env.dkim_keys("Us <hello@example.org>") == {}

    monkeypatch.setenv("DKIM_SELECTOR", "s1")
    monkeypatch.setenv("DKIM_PRIVATE_KEY", key_pair[0].replace("\n", "\\n"))  # one line
    assert env.dkim_keys("Us <hello@Example.org>") == {
        "example.org": {"selector": "s1", "private_key": key_pair[0]}
    }
    secret = tmp_path / "secret.pem"
    secret.write_text(key_pair[0])
    monkeypatch.delenv("DKIM_PRIVATE_KEY")
    monkeypatch.setenv("DKIM_PRIVATE_KEY_FILE", str(secret))
    monkeypatch.setenv("DKIM_DOMAIN", "news.example.org")
    assert list(env.dkim_keys("hello@example.org")) == ["news.example.org"]

    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "leeds.example.org.mail.pem").write_text(key_pair[0])
    (keys / "coventry.example.org.s2.pem").write_text(key_pair[0])
    monkeypatch.setenv("DKIM_KEYS_DIR", str(keys))
    found = env.dkim_keys("hello@example.org")
    assert {domain: entry["selector"] for domain, entry in found.items()} == {
        "leeds.example.org": "mail",
        "coventry.example.org": "s2",
        "news.example.org": "s1",
    }

    monkeypatch.setenv("DKIM_KEYS_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ImproperlyConfigured, match="is not a folder"):
        env.dkim_keys("hello@example.org")
    monkeypatch.setenv("DKIM_KEYS_DIR", str(keys))
    (keys / "nodomain.pem").write_text(key_pair[0])
    with pytest.raises(ImproperlyConfigured, match="<domain>.<selector>.pem"):
        env.dkim_keys("hello@example.org")
    monkeypatch.delenv("DKIM_KEYS_DIR")
    monkeypatch.delenv("DKIM_PRIVATE_KEY_FILE")
    with pytest.raises(ImproperlyConfigured, match="go together"):
        env.dkim_keys("hello@example.org")
    monkeypatch.setenv("DKIM_PRIVATE_KEY_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env.dkim_keys("hello@example.org")


def test_the_dns_record_command_prints_what_verifies(settings, key_pair, capsys):
    settings.DKIM_KEYS = {DOMAIN: {"selector": SELECTOR, "private_key": key_pair[0]}}
    call_command("dkim_dns_record")
    out = capsys.readouterr().out
    match = re.search(
        rf'^{SELECTOR}\._domainkey\.{DOMAIN}\. TXT "v=DKIM1; k=rsa; p=(\S+)"$', out, re.M
    )
    assert match, out
    assert match[1] == key_pair[1]
