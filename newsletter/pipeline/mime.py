"""An email made once and filled in per recipient: its MIME bytes (headers, a text and an HTML
part) are built once per send and language with ASCII placeholders (``%%NAME%%``) where each
recipient's own values go, and each recipient's email is those bytes with the values put in.

Why it is safe at the byte level: a line holding a placeholder is kept as text and encoded per
recipient after the values are in, so a transfer encoding can never split or mangle a
placeholder; every other line is encoded once. Each part is 7bit/8bit (as Django sends it) when
its lines stay well under the 998-octet limit with the values in, else quoted-printable (each
line encoded on its own, which is how quoted-printable works anyway: soft line breaks never
cross a real one).

DKIM: the canonical form of the body (relaxed) is worked out once for the lines that never
change, so signing one recipient's email hashes their few lines and the header block, then
makes one RSA signature (newsletter.signing)."""

from __future__ import annotations

import binascii
import hashlib
import logging
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..signing import SIGNED_HEADERS, Key, canonical_header, relaxed_body, relaxed_lines

logger = logging.getLogger(__name__)

CRLF = b"\r\n"
MAX_LINE = 998  # RFC 5322 2.1.1: octets per line, CRLF aside
ALLOWANCE = 400  # octets one placeholder may grow by (a URL, an encoded address)


def _as_is(line: bytes) -> bytes:
    return line


def _quoted_printable(line: bytes) -> bytes:
    return binascii.b2a_qp(line, istext=True).replace(b"=\n", b"=\r\n")


@dataclass(frozen=True)
class _Line:
    """A line holding placeholders, filled, escaped and encoded for each recipient."""

    text: str
    names: tuple[str, ...]
    escape: Callable[[str], str]
    encode: Callable[[bytes], bytes]
    limit: bool  # refuse a filled line longer than MAX_LINE (an unencoded part)

    def fill(self, values: Mapping[str, str]) -> bytes:
        text = self.text
        for name in self.names:
            value = values[name]
            unfolded = value.replace("\r\n ", "")
            if "\r" in unfolded or "\n" in unfolded:
                raise ValueError(f"{name} cannot hold a line break")
            text = text.replace(name, self.escape(value))
        line = self.encode(text.encode())
        if self.limit and len(line) > MAX_LINE:
            raise ValueError(f"a line of the email is longer than {MAX_LINE} octets")
        return line + CRLF


Chunk = bytes | _Line


@dataclass(frozen=True)
class Part:
    """One alternative of the email: its content type, its text and how a value put into it is
    escaped (HTML-escaped in text/html)."""

    content_type: str
    text: str
    escape: Callable[[str], str] = str


def _lines_of(text: str, names: tuple[str, ...]) -> tuple[list[str], str]:
    """The part's lines and its transfer encoding."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    longest = max(
        len(line.encode()) + ALLOWANCE * sum(line.count(name) for name in names) for line in lines
    )
    if longest > MAX_LINE:
        return lines, "quoted-printable"
    return lines, "7bit" if text.isascii() else "8bit"


class _Builder:
    """Collects the chunks: runs of fixed bytes merged, lines with placeholders kept apart."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names
        self.chunks: list[Chunk] = []

    def add(self, data: bytes) -> None:
        if self.chunks and isinstance(self.chunks[-1], bytes):
            self.chunks[-1] += data
        else:
            self.chunks.append(data)

    def line(self, text: str, escape=str, encode=_as_is, limit=True) -> Chunk:
        """Add one line; what it is: its bytes, or the _Line filled per recipient."""
        names = tuple(name for name in self.names if name in text)
        if names:
            chunk = _Line(text, names, escape, encode, limit)
            self.chunks.append(chunk)
            return chunk
        data = encode(text.encode()) + CRLF
        self.add(data)
        return data


def _boundary(parts: list[Part]) -> str:
    while True:
        boundary = f"=============={secrets.token_hex(12)}=="
        if not any(boundary in part.text for part in parts):
            return boundary


@dataclass(frozen=True)
class MessageTemplate:
    """The bytes of an email with placeholders, ready to be filled per recipient."""

    head: tuple[Chunk, ...]
    body: tuple[Chunk, ...]
    fields: tuple[tuple[bytes, Chunk], ...] = ()  # (lower-case name, line) of each header
    key: Key | None = None  # DKIM key of the From domain, if it has one
    # For DKIM: the canonical form of the signed headers, in SIGNED_HEADERS order (a _Line for
    # a header filled per recipient);
    signed: tuple[Chunk, ...] = ()
    # the canonical form of each fixed chunk of the body (None for a line filled per
    # recipient), and the hash of the fixed chunks before the first such line.
    canonical: tuple[bytes | None, ...] = ()
    hashed_until: int = 0
    prefix_hash: object = None

    @classmethod
    def build(
        cls,
        headers: list[tuple[str, str]],
        parts: list[Part],
        names: tuple[str, ...],
        key: Key | None = None,
    ) -> MessageTemplate:
        """headers: (name, value) pairs, values already encoded as header text (RFC 2047) and
        folded with CRLF + space if at all; placeholders may stand for whole values. parts:
        the alternatives, in order (text first). names: the placeholders."""
        boundary = _boundary(parts)
        head = _Builder(names)
        fields = []
        for name, value in [
            ("Content-Type", f'multipart/alternative;\n boundary="{boundary}"'),
            ("MIME-Version", "1.0"),
            *headers,
        ]:
            text = f"{name}: {value}".replace("\r\n", "\n").replace("\n", "\r\n")
            fields.append((name.lower().encode(), head.line(text, limit=False)))
        head.add(CRLF)
        body = _Builder(names)
        for part in parts:
            lines, encoding = _lines_of(part.text, names)
            body.add(
                f'--{boundary}\r\nContent-Type: {part.content_type}; charset="utf-8"\r\n'
                f"Content-Transfer-Encoding: {encoding}\r\n\r\n".encode()
            )
            encode = _quoted_printable if encoding == "quoted-printable" else _as_is
            for line in lines:
                body.line(line, part.escape, encode, limit=encode is _as_is)
        body.add(f"--{boundary}--\r\n".encode())
        template = cls(tuple(head.chunks), tuple(body.chunks), tuple(fields))
        return template.signed_with(key) if key else template

    def signed_with(self, key: Key) -> MessageTemplate:
        """This template, DKIM-signed with `key`: the fixed chunks canonicalised once."""
        signed = []
        for wanted in SIGNED_HEADERS:  # the last of a name, as dkimpy picks them
            found = [line for name, line in self.fields if name == wanted][-1:]
            signed += [
                canonical_header(line) if isinstance(line, bytes) else line for line in found
            ]
        last = len(self.body) - 1
        canonical = tuple(
            None
            if isinstance(chunk, _Line)
            else (relaxed_body(chunk) if index == last else relaxed_lines(chunk))
            for index, chunk in enumerate(self.body)
        )
        prefix, until = hashlib.sha256(), 0
        while until < len(canonical) and canonical[until] is not None:
            prefix.update(canonical[until])
            until += 1
        return MessageTemplate(
            self.head, self.body, self.fields, key, tuple(signed), canonical, until, prefix
        )

    def render(self, values: Mapping[str, str]) -> bytes:
        """One recipient's email. ValueError if a value cannot go where it must."""
        head = b"".join(c if isinstance(c, bytes) else c.fill(values) for c in self.head)
        body = [c if isinstance(c, bytes) else c.fill(values) for c in self.body]
        if self.key is not None:
            signature = self._signature(values, body)
            if signature:
                head = signature + head
        return head + b"".join(body)

    def _signature(self, values: Mapping[str, str], body: list[bytes]) -> bytes | None:
        """The DKIM-Signature line, or None if signing failed (logged: the email goes
        unsigned, never lost)."""
        try:
            hasher = self.prefix_hash.copy()
            for index in range(self.hashed_until, len(body)):
                canonical = self.canonical[index]
                hasher.update(relaxed_lines(body[index]) if canonical is None else canonical)
            headers = b"".join(
                line if isinstance(line, bytes) else canonical_header(line.fill(values))
                for line in self.signed
            )
            return self.key.header(headers, hasher.digest())
        except Exception:
            logger.exception(
                "DKIM: could not sign a message from %s; sent unsigned", self.key.domain.decode()
            )
            return None
