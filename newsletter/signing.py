"""DKIM signatures (RFC 6376, with dkimpy) on the mail the newsletter sends: every issue's
delivery, the proof and the confirmation, when their From domain has a key in DKIM_KEYS.

DKIM_KEYS maps a sending domain to its selector and PEM private key (cms/settings/env.py reads
them from the environment or secret files):

    DKIM_KEYS = {"connection.example.org": {"selector": "news", "private_key": "-----BEGIN..."}}

No key for the From domain: the message is left as it is, at the cost of one dict lookup. The
keys are checked when the app starts (ImproperlyConfigured); a key that still fails to sign
later is logged and that message goes unsigned, never lost."""

import base64
import logging
from dataclasses import dataclass
from email.utils import parseaddr

import dkim
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives

from .conf import setting

logger = logging.getLogger(__name__)

# Relaxed/relaxed survives the re-folding and whitespace changes relays make.
CANONICALIZE = (b"relaxed", b"relaxed")
# The headers that matter to receivers (RFC 8058 wants both List-Unsubscribe ones signed). One
# absent from a message is signed as absent, so nobody can add it later.
SIGNED_HEADERS = (
    b"from",
    b"to",
    b"cc",
    b"reply-to",
    b"subject",
    b"date",
    b"message-id",
    b"list-unsubscribe",
    b"list-unsubscribe-post",
    b"list-id",
    b"mime-version",
    b"content-type",
    b"content-transfer-encoding",
)
HEADER_NAME = "DKIM-Signature"


@dataclass(frozen=True)
class Key:
    domain: bytes
    selector: bytes
    private_key: bytes  # PEM

    def signature(self, data: bytes) -> bytes:
        """The DKIM-Signature header line (folded, ending in CRLF) for these message bytes."""
        return dkim.sign(
            data,
            self.selector,
            self.domain,
            self.private_key,
            canonicalize=CANONICALIZE,
            include_headers=list(SIGNED_HEADERS),
        )

    def dns_record(self) -> str:
        """The TXT record to publish: `<selector>._domainkey.<domain>. TXT "v=DKIM1; ..."`, the
        public key as DER SubjectPublicKeyInfo (RFC 6376 3.6.1)."""
        private = dkim.crypto.parse_pem_private_key(self.private_key)
        numbers = [private["modulus"], private["publicExponent"]]
        rsa_key = _der(0x30, b"".join(_der(0x02, _unsigned(n)) for n in numbers))
        algorithm = _der(0x30, _der(0x06, RSA_ENCRYPTION) + _der(0x05, b""))
        info = _der(0x30, algorithm + _der(0x03, b"\0" + rsa_key))
        public = base64.b64encode(info).decode()
        name = f"{self.selector.decode()}._domainkey.{self.domain.decode()}."
        return f'{name} TXT "v=DKIM1; k=rsa; p={public}"'


RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")  # OID 1.2.840.113549.1.1.1


def _unsigned(number: int) -> bytes:
    return number.to_bytes(number.bit_length() // 8 + 1, "big")  # a leading 0: positive


def _der(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        return bytes([tag, size]) + content
    length = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


_loaded: tuple[object, dict[str, Key]] | None = None


def _parse(configured) -> dict[str, Key]:
    keys = {}
    for domain, entry in (configured or {}).items():
        selector, pem = entry.get("selector"), entry.get("private_key")
        if not selector or not pem:
            raise ImproperlyConfigured(f"DKIM_KEYS[{domain!r}] needs a selector and a private_key.")
        pem = pem.encode() if isinstance(pem, str) else pem
        try:
            dkim.crypto.parse_pem_private_key(pem)
        except Exception as exc:
            raise ImproperlyConfigured(
                f"The DKIM private key for {domain} (selector {selector}) cannot be read: {exc}. "
                "It must be an RSA key in PEM (PKCS#1 or PKCS#8)."
            ) from exc
        domain = domain.strip().lower()
        keys[domain] = Key(domain.encode(), selector.strip().encode(), pem)
    return keys


def keys() -> dict[str, Key]:
    """The configured keys by domain, parsed once per value of DKIM_KEYS (a test may change it)."""
    global _loaded
    configured = setting("DKIM_KEYS")
    if _loaded is None or _loaded[0] is not configured:
        _loaded = (configured, _parse(configured))
    return _loaded[1]


def key_for(address: str) -> Key | None:
    """The key of the domain of an address or From header value, if there is one."""
    configured = keys()
    if not configured:
        return None
    domain = parseaddr(address)[1].rpartition("@")[2].strip().lower()
    return configured.get(domain)


def _signature(from_address: str, data) -> bytes | None:
    """The DKIM-Signature line for the bytes `data()` makes, or None: no key for the From
    domain (data() is never called), or signing failed (logged: the message goes unsigned)."""
    try:
        key = key_for(from_address)
        return key.signature(data()) if key else None
    except Exception:
        logger.exception("DKIM: could not sign a message from %s; sent unsigned", from_address)
        return None


def sign_bytes(data: bytes, from_address: str) -> bytes:
    """The message's bytes with a DKIM-Signature in front, if the From domain has a key (for a
    pipeline that builds its bytes itself)."""
    header = _signature(from_address, lambda: data)
    return header + data if header else data


def sign_mime(message, from_address: str):
    """A MIME message (email.message.Message) with a DKIM-Signature header in front, over the
    bytes it will be sent as (CRLF line ends, as Django's SMTP backend sends them)."""
    header = _signature(from_address, lambda: message.as_bytes(linesep="\r\n"))
    if header:
        value = " ".join(header.decode("ascii").split(":", 1)[1].split())
        # Prepended as signers do (Message has no public way to put a header first). The bytes
        # of everything else serialise the same again: the multipart boundary is fixed by now.
        message._headers.insert(0, (HEADER_NAME, value))
    return message


class SignedEmail(EmailMultiAlternatives):
    """An EmailMultiAlternatives whose MIME message is DKIM-signed for its From domain, at the
    point any backend turns it into bytes (SMTP, the file outbox, the console)."""

    def message(self):
        return sign_mime(super().message(), self.from_email)
