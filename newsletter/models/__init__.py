"""Newsletters: one list per site, subscribers with double opt-in and consent records, issues
written as pages, and sending recorded as one Delivery row per (send, subscription).

The sending contract: a Send first records its deliveries in bulk (unique per subscription, so
doing it twice adds nothing); workers claim queued rows (SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL), send each over one SMTP connection per batch and mark it sent right after the
server accepts it. A crash loses nothing: claims left by a dead worker go back to the queue;
duplicates are bounded by the rows in flight.
"""

from .bounces import DeliveryEvent
from .lists import DEFAULT_CONSENT_WORDING, NewsletterList, offered_language, site_languages
from .pages import NewsletterIndexPage, NewsletterIssuePage, may_send
from .sends import Delivery, Rendering, Send
from .servers import SmtpServer
from .subscribers import (
    ORIGIN_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    ConsentRecord,
    NetworkErasure,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
    new_token,
    normalise_email,
)

__all__ = [
    "ORIGIN_MAX_LENGTH",
    "SOURCE_MAX_LENGTH",
    "may_send",
    "DEFAULT_CONSENT_WORDING",
    "ConsentRecord",
    "Delivery",
    "DeliveryEvent",
    "NetworkErasure",
    "NewsletterIndexPage",
    "NewsletterIssuePage",
    "NewsletterList",
    "Rendering",
    "Send",
    "SmtpServer",
    "Subscriber",
    "Subscription",
    "Suppression",
    "email_hash",
    "new_token",
    "normalise_email",
    "offered_language",
    "site_languages",
]
