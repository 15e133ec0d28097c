"""DKIM signatures (RFC 6376, with dkimpy) on the mail the newsletter sends: every issue's
delivery, the proof and the confirmation, when their From domain has a key in DKIM_KEYS.

DKIM_KEYS maps a sending domain to its selector and PEM private key (cms/settings/env.py reads
them from the environment or secret files):

    DKIM_KEYS = {"connection.example.org": {"selector": "news", "private_key": "-----BEGIN..."}}

No key for the From domain: the message is left as it is, at the cost of one dict lookup. The
keys are checked when the app starts (ImproperlyConfigured); a key that still fails to sign
later is logged and that message goes unsigned, never lost.

dkimpy does the canonicalisation, the header's fields, its folding and the hashing of the signed
headers; the RSA operation is OpenSSL's, through `cryptography` (dkimpy's own is pure Python:
about 10 ms an email, against well under one). The sending pipeline also signs in two steps:
it hashes the canonical body of each email from parts canonicalised once per issue
(``relaxed_lines``) and its signed headers, most canonicalised once too
(``canonical_header``), then asks for the header (``Key.header``)."""

import base64
import hashlib
import logging
import time
from dataclasses import dataclass
from email.utils import parseaddr
from functools import cached_property

import dkim
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, utils
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from dkim.canonicalization import (
    CanonicalizationPolicy,
    compress_whitespace,
    strip_trailing_whitespace,
)

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
_POLICY = CanonicalizationPolicy.from_c_value(b"/".join(CANONICALIZE))
_PREHASHED = utils.Prehashed(hashes.SHA256())


def relaxed_lines(lines: bytes) -> bytes:
    """The relaxed canonical form (RFC 6376 3.4.4) of whole lines (each ending in CRLF) from
    the middle of a body: relaxed canonicalisation works line by line, except for the empty
    lines at the very end of the body, which ``relaxed_body`` drops."""
    return compress_whitespace(strip_trailing_whitespace(lines))


def canonical_header(line: bytes) -> bytes:
    """The relaxed canonical form of one header field (``Name: value``, folded lines
    included), as dkimpy hashes it."""
    name, _colon, value = line.partition(b":")
    ((name, value),) = _POLICY.canonicalize_headers([(name, value)])
    return name + b":" + value


def relaxed_body(body: bytes) -> bytes:
    """The relaxed canonical form of a whole body, or of its last lines."""
    return _POLICY.canonicalize_body(body)


@dataclass(frozen=True)
class Key:
    domain: bytes
    selector: bytes
    private_key: bytes  # PEM

    @cached_property
    def rsa(self):
        """The key for OpenSSL, loaded once (parsing the PEM costs more than a signature)."""
        return serialization.load_pem_private_key(self.private_key, password=None)

    def signature(self, data: bytes) -> bytes:
        """The DKIM-Signature header line (folded, ending in CRLF) for these message bytes."""
        headers, body = dkim.rfc822_parse(data)
        canonical = b"".join(
            name + b":" + value
            for name, value in dkim.select_headers(
                _POLICY.canonicalize_headers(headers), SIGNED_HEADERS
            )
        )
        return self.header(canonical, hashlib.sha256(relaxed_body(body)).digest())

    def header(self, canonical_headers: bytes, body_hash: bytes) -> bytes:
        """The DKIM-Signature header line of an email, given the relaxed canonical form of its
        SIGNED_HEADERS in that order (``canonical_header`` of each one it has) and the SHA-256
        of its canonical body: what dkim.DKIM.sign and gen_header do (rsa-sha256,
        relaxed/relaxed), with the RSA signature made by OpenSSL."""
        fields = [
            (b"v", b"1"),
            (b"a", b"rsa-sha256"),
            (b"c", _POLICY.to_c_value()),
            (b"d", self.domain),
            (b"i", b"@" + self.domain),
            (b"q", b"dns/txt"),
            (b"s", self.selector),
            (b"t", str(int(time.time())).encode("ascii")),
            (b"h", b" : ".join(SIGNED_HEADERS)),
            (b"bh", base64.b64encode(body_hash)),
            (b"b", b"0" * 60),  # folds b= onto a line of its own, as dkimpy does
        ]
        name_length = len(HEADER_NAME)
        value = dkim.fold(b"; ".join(b"=".join(f) for f in fields), namelen=name_length)
        value = dkim.RE_BTAG.sub(b"\\1", value)
        hasher = hashlib.sha256(canonical_headers)
        # The signature's own header, b= empty, as dkimpy hashes it.
        dkim.hash_headers(
            hasher, _POLICY, [], SIGNED_HEADERS, (HEADER_NAME.encode(), b" " + value), {}
        )
        signed = self.rsa.sign(hasher.digest(), padding.PKCS1v15(), _PREHASHED)
        fields[-1] = (b"b", base64.b64encode(signed))
        value = dkim.fold(b"; ".join(b"=".join(f) for f in fields) + b"\r\n", namelen=name_length)
        return HEADER_NAME.encode() + b": " + value

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


def usable_key(from_address: str) -> Key | None:
    """key_for, except that a key that cannot be read (changed since startup) is logged and
    gives None: the mail goes unsigned, never lost."""
    try:
        return key_for(from_address)
    except Exception:
        logger.exception("DKIM: could not sign a message from %s; sent unsigned", from_address)
        return None


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
        # The From header when one is given: from_email is then the envelope sender (VERP).
        return sign_mime(super().message(), self.extra_headers.get("From", self.from_email))
