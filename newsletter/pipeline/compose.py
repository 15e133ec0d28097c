"""Each delivery's email as the bytes the mail server gets, with its envelope: a template made
once per send and language (newsletter.pipeline.mime) holding the issue's rendering and the
list's headers (From, Reply-To, List-Id, Precedence, one-click List-Unsubscribe-Post), filled per
recipient with their To, Message-ID (stable per delivery: a copy sent again after a crash has
the same one), Date, List-Unsubscribe (RFC 8058: https and mailto) and their preferences and
unsubscribe links in both parts. The envelope sender is the delivery's VERP return path
(newsletter.verp), so a bounce names the delivery it is about.

Templates are kept per worker process (a few at a time): a send's batches reuse theirs."""

from __future__ import annotations

from collections import OrderedDict
from email.utils import formataddr, formatdate
from html import escape
from typing import NamedTuple
from urllib.parse import quote

from django.conf import settings
from django.core.mail.message import forbid_multi_line_headers, sanitize_address
from django.urls import reverse
from django.utils import translation

from cms.core.mail import one_line

from ..conf import bounce_mailbox, unsubscribe_mailbox
from ..message import from_header, list_id, message_id, site_link
from ..models import Delivery, Rendering, Send
from ..rendering import PREFERENCES_PLACEHOLDER, UNSUBSCRIBE_PLACEHOLDER
from ..signing import usable_key
from ..tokens import unsubscribe_token
from ..verp import token as verp_token
from .mime import MessageTemplate, Part

TO = "%%NEWSLETTER_TO%%"
DATE = "%%NEWSLETTER_DATE%%"
MESSAGE_ID = "%%NEWSLETTER_MESSAGE_ID%%"
LIST_UNSUBSCRIBE = "%%NEWSLETTER_LIST_UNSUBSCRIBE%%"
PERSONAL = (
    TO,
    DATE,
    MESSAGE_ID,
    LIST_UNSUBSCRIBE,
    PREFERENCES_PLACEHOLDER,
    UNSUBSCRIBE_PLACEHOLDER,
)
TEMPLATES_KEPT = 8  # per worker process: a send or two in each of its languages
_MARK = "NEWSLETTERTOKEN0"  # reversed in place of a token, then cut out


class Recipient(NamedTuple):
    """What a batch reads of one delivery (``RECIPIENT_FIELDS``, a row, not a model)."""

    pk: int
    email: str
    language: str
    attempts: int
    subscription_id: int | None
    status: str | None  # the subscription's, None if it was deleted
    name: str | None
    token: str | None  # the subscriber's (their preferences link)


RECIPIENT_FIELDS = (
    "pk",
    "email",
    "language",
    "attempts",
    "subscription_id",
    "subscription__status",
    "subscription__name",
    "subscription__subscriber__token",
)


class Envelope(NamedTuple):
    sender: str  # MAIL FROM: the delivery's VERP return path
    recipient: str  # RCPT TO
    data: bytes  # the email, DKIM-signed if its From domain has a key


def _address(name: str, email: str) -> str:
    """The To header's value as Django writes it (RFC 2047 words, IDNA); for the usual ASCII
    name and address without Django's parser, which costs more than the rest of the email."""
    if email.isascii() and name.isascii():
        return formataddr((name, email)) if name else email
    return sanitize_address((name, email) if name else email, "utf-8")


def _header(name: str, value: str) -> tuple[str, str]:
    """A header as Django writes it: RFC 2047 words for what is not ASCII, addresses
    sanitised; BadHeaderError for a line break (header injection)."""
    return forbid_multi_line_headers(name, value, "utf-8")


_templates: OrderedDict[tuple, MessageTemplate] = OrderedDict()


def _template(send: Send, rendering: Rendering) -> MessageTemplate:
    newsletter_list = send.newsletter_list
    sender = from_header(newsletter_list)
    headers = [
        _header("Subject", rendering.subject),
        _header("From", sender),
        ("To", TO),
        *([_header("Reply-To", newsletter_list.reply_to)] if newsletter_list.reply_to else []),
        ("Date", DATE),
        ("Message-ID", MESSAGE_ID),
        ("List-Unsubscribe", LIST_UNSUBSCRIBE),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        _header("List-Id", list_id(newsletter_list)),
        ("Precedence", "bulk"),
    ]
    key = usable_key(sender)
    cache_key = (rendering.pk, tuple(headers), key)
    template = _templates.get(cache_key)
    if template is None:
        parts = [Part("text/plain", rendering.text), Part("text/html", rendering.html, escape)]
        template = MessageTemplate.build(headers, parts, PERSONAL, key)
        _templates[cache_key] = template
        while len(_templates) > TEMPLATES_KEPT:
            _templates.popitem(last=False)
    return template


class DeliveryEmails:
    """The emails of one send's deliveries: one template per rendering, the links' fixed parts
    per language."""

    def __init__(self, send: Send, renderings: list[Rendering]):
        self.send = send
        self.site = send.newsletter_list.site
        self.templates = {r.language: _template(send, r) for r in renderings}
        self.fallback = next(iter(self.templates.values()))
        self.links: dict[str, tuple[list[str], list[str]]] = {}
        self.mailbox = unsubscribe_mailbox()
        # verp.return_path's address, its mailbox read once: bounces+<token>@domain.
        self.bounce_local, _at, self.bounce_domain = bounce_mailbox().rpartition("@")

    def _links(self, language: str) -> tuple[list[str], list[str]]:
        """The preferences and unsubscribe URLs in `language` around their token: reversed
        once, not per recipient."""
        if language not in self.links:
            with translation.override(language):
                preferences = reverse("newsletter:preferences", args=[_MARK])
                unsubscribe = reverse("newsletter:unsubscribe", args=[_MARK])
            self.links[language] = (
                site_link(self.site, preferences).split(_MARK),
                site_link(self.site, unsubscribe).split(_MARK),
            )
        return self.links[language]

    def envelope(self, recipient: Recipient) -> Envelope:
        """The recipient's email; ValueError (or Django's BadHeaderError) if it cannot be
        made, e.g. an address with a line break."""
        email = recipient.email
        if "\n" in email or "\r" in email:
            raise ValueError("an email address cannot hold a line break")
        (p_before, p_after), (u_before, u_after) = self._links(recipient.language)
        token = unsubscribe_token(recipient.subscription_id)
        unsubscribe = u_before + token + u_after
        mailto = f"mailto:{self.mailbox}?subject={quote('unsubscribe ' + token)}"
        name = one_line(recipient.name or "")
        template = self.templates.get(recipient.language, self.fallback)
        data = template.render(
            {
                TO: _address(name, email),
                DATE: formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
                MESSAGE_ID: message_id(self.send, recipient),
                LIST_UNSUBSCRIBE: f"<{unsubscribe}>,\r\n <{mailto}>",
                PREFERENCES_PLACEHOLDER: p_before + (recipient.token or "") + p_after,
                UNSUBSCRIBE_PLACEHOLDER: unsubscribe,
            }
        )
        sender = f"{self.bounce_local}+{verp_token(recipient.pk)}@{self.bounce_domain}"
        return Envelope(sender, _address("", email), data)


def recipient_of(delivery: Delivery) -> Recipient:
    """A Delivery model's Recipient (for code that holds one: tests, the admin)."""
    subscription = delivery.subscription
    return Recipient(
        delivery.pk,
        delivery.email,
        delivery.language,
        delivery.attempts,
        delivery.subscription_id,
        subscription.status if subscription else None,
        subscription.name if subscription else None,
        subscription.subscriber.token if subscription else None,
    )
