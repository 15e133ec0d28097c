"""Sending one issue to its list: the Send, its renderings, and a Delivery per subscription."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .lists import NewsletterList
from .subscribers import Subscription


class Send(models.Model):
    """Sending one issue to its list: its state, and the counts the admin shows."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        PAUSED = "paused", _("Paused")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    issue = models.OneToOneField(
        "newsletter.NewsletterIssuePage", on_delete=models.PROTECT, related_name="send"
    )
    newsletter_list = models.ForeignKey(
        NewsletterList, on_delete=models.PROTECT, related_name="sends"
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    paused_reason = models.TextField(blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self) -> str:
        return f"{self.issue} ({self.status})"


class Rendering(models.Model):
    """An issue rendered once per language; only the personal links are filled per recipient."""

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="renderings")
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=255)
    html = models.TextField()
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["send", "language"], name="one_rendering_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.send} [{self.language}]"


class Delivery(models.Model):
    """One email of one send to one subscription, recorded before it is sent."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        CLAIMED = "claimed", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped (unsubscribed or suppressed)")

    send = models.ForeignKey(Send, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    email = models.EmailField()
    language = models.CharField(max_length=8, default="en")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["send", "subscription"], name="one_delivery_per_subscription"
            )
        ]
        indexes = [
            models.Index(fields=["send", "status", "not_before"]),
            models.Index(fields=["status", "claimed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"
