"""A person's right of access: everything held about them across the network (from their own
preferences page), or what one site holds of them (from that list's admin), as JSON-able data."""

from datetime import datetime

from django.utils import timezone

from .models import Subscriber, Subscription


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _subscription_data(subscription: Subscription) -> dict:
    site = subscription.newsletter_list.site
    return {
        "list": subscription.newsletter_list.name,
        "site": site.site_name or site.hostname,
        "site_url": site.root_url,
        "name": subscription.name,
        "status": subscription.status,
        "language": subscription.language,  # of the page they subscribed on: of its mails
        "created_at": _iso(subscription.created_at),
        "confirmation_sent_at": _iso(subscription.confirmation_sent_at),
        "confirmed_at": _iso(subscription.confirmed_at),
        "unsubscribed_at": _iso(subscription.unsubscribed_at),
        "consent_records": [
            {
                "action": record.action,
                "at": _iso(record.at),
                "source_url": record.source_url,
                "source": record.source,  # a member's website's widget
                "origin": record.origin,
                "wording_version": record.wording_version,
                "wording": record.wording,
            }
            for record in sorted(subscription.consent_records.all(), key=lambda r: (r.at, r.pk))
        ],
    }


def export_subscriber(subscriber: Subscriber) -> dict:
    """Everything held about a person across the network, as JSON-able data (their right of
    access, from their own preferences page)."""
    subscriptions = (
        subscriber.subscriptions.select_related("newsletter_list__site")
        .prefetch_related("consent_records")
        .order_by("created_at", "pk")
    )
    return {
        "email": subscriber.email,
        "language": subscriber.language,
        "created_at": _iso(subscriber.created_at),
        "subscriptions": [_subscription_data(subscription) for subscription in subscriptions],
        "exported_at": _iso(timezone.now()),
    }


def export_subscription(subscription: Subscription) -> dict:
    """What one site holds about a person: the address, their language, and this list's
    subscription (the name given here, its dates and consent records). Nothing says whether
    they are on any other list: that is not this site's to know."""
    subscription = (
        Subscription.objects.select_related("subscriber", "newsletter_list__site")
        .prefetch_related("consent_records")
        .get(pk=subscription.pk)
    )
    return {
        "email": subscription.subscriber.email,
        "language": subscription.subscriber.language,
        "subscription": _subscription_data(subscription),
        "exported_at": _iso(timezone.now()),
    }
