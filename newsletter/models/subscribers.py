"""People, their subscriptions to sites' lists, proof of consent, the addresses never to mail
again, and the log of people erased from every list."""

import hashlib
import secrets
from collections.abc import Iterable, Iterator
from itertools import islice

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .lists import NewsletterList

SOURCE_MAX_LENGTH = 64
ORIGIN_MAX_LENGTH = 200


def normalise_email(address: str) -> str:
    return address.strip().lower()


def email_hash(address: str) -> str:
    """What is kept of an erased address: enough to refuse re-adding it, not to read it."""
    return hashlib.sha256(normalise_email(address).encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class Subscriber(models.Model):
    """A person, once across the network: their subscriptions, language and private token.
    What they gave one site (the name typed on its form) is kept on that site's Subscription,
    so no other site's admin ever sees it."""

    email = models.EmailField(unique=True)
    language = models.CharField(max_length=8, default="en")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.email


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


class SubscriptionQuerySet(models.QuerySet):
    def confirmed_for(self, newsletter_list) -> "SubscriptionQuerySet":
        """The list's (a NewsletterList or its id) confirmed subscriptions."""
        list_id = getattr(newsletter_list, "pk", newsletter_list)
        return self.filter(newsletter_list_id=list_id, status=Subscription.Status.CONFIRMED)

    def recipients(
        self, newsletter_list, *, chunk_size: int = 2000
    ) -> Iterator[list[tuple[int, str, str]]]:
        """Who a send to the list mails: its confirmed subscriptions with an address that is
        not suppressed (network-wide or for this list), as chunks of (subscription id,
        address, language) in id order, read from an iterator so memory does not grow with
        the list. Suppressions are kept as hashes: addresses are hashed only if any apply."""
        rows = (
            self.confirmed_for(newsletter_list)
            .order_by("pk")
            .values_list("pk", "subscriber__email", "subscriber__language")
        )
        any_suppressed = Suppression.applying_to(newsletter_list).exists()
        for chunk in _chunks(rows.iterator(chunk_size=chunk_size), chunk_size):
            hashes = (
                {pk: email_hash(email) for pk, email, _language in chunk} if any_suppressed else {}
            )
            suppressed = (
                Suppression.suppressed_hashes(newsletter_list, hashes.values()) if hashes else set()
            )
            yield [row for row in chunk if row[1] and hashes.get(row[0]) not in suppressed]

    def recipient_count(self, newsletter_list) -> int:
        """How many recipients() a send to the list would have (one COUNT when nothing is
        suppressed)."""
        if not Suppression.applying_to(newsletter_list).exists():
            return self.confirmed_for(newsletter_list).exclude(subscriber__email="").count()
        return sum(len(chunk) for chunk in self.recipients(newsletter_list))


class Subscription(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    newsletter_list = models.ForeignKey(
        NewsletterList, on_delete=models.CASCADE, related_name="subscriptions"
    )
    name = models.CharField(
        max_length=120, blank=True, help_text=_("The name the person gave this site's form")
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    # The language of the page the person subscribed on: their confirmation and notices are
    # written in it (their newsletters in Subscriber.language, which only they may change).
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "newsletter_list"], name="one_subscription_per_list"
            )
        ]
        indexes = [models.Index(fields=["newsletter_list", "status"])]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.newsletter_list} ({self.status})"


class ConsentRecord(models.Model):
    """Proof of consent, kept as it was given: when, where, which words."""

    class Action(models.TextChoices):
        SUBSCRIBED = "subscribed", _("Asked to subscribe")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        ERASED = "erased", _("Erased")

    subscription = models.ForeignKey(
        Subscription,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consent_records",
    )
    newsletter_list = models.ForeignKey(
        NewsletterList, on_delete=models.CASCADE, related_name="consent_records"
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    at = models.DateTimeField(auto_now_add=True)
    source_url = models.URLField(max_length=500, blank=True)
    # Where a signup came from when it was not one of our pages: the widget's data-source (a
    # member's own label, e.g. "age-uk-coventry") and the embedding page's origin.
    source = models.CharField(max_length=SOURCE_MAX_LENGTH, blank=True, db_index=True)
    origin = models.CharField(max_length=ORIGIN_MAX_LENGTH, blank=True)
    wording_version = models.PositiveIntegerField(null=True, blank=True)
    wording = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.newsletter_list} at {self.at:%Y-%m-%d %H:%M}"


class Suppression(models.Model):
    """Addresses never to mail again, kept only as a hash. Network-wide (no list) for a
    person erased from every list; for one list when that list's site removed the person from
    it, or that list's mail bounced or drew a complaint (newsletter.bounces): the other lists
    are not that site's, or that report's, to decide."""

    class Reason(models.TextChoices):
        ERASED = "erased", _("Erased at the person's request")
        BOUNCED = "bounced", _("Rejected by their mail server")
        COMPLAINED = "complained", _("Marked as spam")

    email_hash = models.CharField(max_length=64)
    newsletter_list = models.ForeignKey(
        NewsletterList,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suppressions",
        help_text=_("Empty: every list in the network"),
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash"],
                condition=models.Q(newsletter_list__isnull=True),
                name="one_network_suppression_per_address",
            ),
            models.UniqueConstraint(
                fields=["email_hash", "newsletter_list"],
                condition=models.Q(newsletter_list__isnull=False),
                name="one_list_suppression_per_address",
            ),
        ]
        indexes = [models.Index(fields=["email_hash"])]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… ({self.reason})"

    @classmethod
    def suppress(cls, address: str, reason: str, newsletter_list=None) -> None:
        """Network-wide unless `newsletter_list` is given."""
        cls.objects.get_or_create(
            email_hash=email_hash(address),
            newsletter_list=newsletter_list,
            defaults={"reason": reason},
        )

    @classmethod
    def applying_to(cls, newsletter_list) -> models.QuerySet:
        """The suppressions a list's mail honours: the network-wide ones and its own."""
        list_id = getattr(newsletter_list, "pk", newsletter_list)
        return cls.objects.filter(
            models.Q(newsletter_list__isnull=True) | models.Q(newsletter_list_id=list_id)
        )

    @classmethod
    def suppressed_hashes(cls, newsletter_list, hashes) -> set[str]:
        """Which of `hashes` the list may not mail."""
        return set(
            cls.applying_to(newsletter_list)
            .filter(email_hash__in=list(hashes))
            .values_list("email_hash", flat=True)
        )

    @classmethod
    def is_suppressed(cls, address: str, newsletter_list=None) -> bool:
        """Whether `newsletter_list` may not mail the address (only network-wide suppressions
        count when no list is given)."""
        return cls.applying_to(newsletter_list).filter(email_hash=email_hash(address)).exists()


class NetworkErasure(models.Model):
    """The log of people erased from every list of the network (a GDPR erasure request): who
    did it and when, and which address, as its hash only. Holding the permission below is
    what makes someone the national data team."""

    email_hash = models.CharField(max_length=64, db_index=True)
    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too: the log must still say who after their account is deleted.
    erased_by_username = models.CharField(max_length=150)
    erased_at = models.DateTimeField(auto_now_add=True)
    subscriptions_removed = models.PositiveIntegerField()

    class Meta:
        ordering = ["-erased_at", "-pk"]
        default_permissions = ()
        permissions = [
            (
                "erase_subscriber_everywhere",
                "Can erase a person from every newsletter list (national data team)",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email_hash[:12]}… by {self.erased_by_username} at {self.erased_at:%Y-%m-%d}"
