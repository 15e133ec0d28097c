"""What came back after a delivery left: bounces and complaints, read from the bounce mailbox
(a DSN, RFC 3464, or a feedback-loop report, RFC 5965) or from an email service's webhook,
one row per (delivery, kind), so the same report read twice is recorded once."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .sends import Delivery

DIAGNOSTIC_MAX_LENGTH = 500
SOURCE_MAX_LENGTH = 40


class DeliveryEvent(models.Model):
    """A bounce, a complaint or an unsubscribe reported for one delivery. The per-send figures
    and the list's rates are counted from these rows; the suppression they caused is a
    Suppression row (kept as a hash, so it outlives an erasure, which these do not)."""

    class Kind(models.TextChoices):
        HARD_BOUNCE = "hard_bounce", _("Bounced (permanent)")
        SOFT_BOUNCE = "soft_bounce", _("Bounced (temporary)")
        COMPLAINT = "complaint", _("Marked as spam")
        UNSUBSCRIBE = "unsubscribe", _("Unsubscribed through the email service")

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # "dsn", "arf" or "webhook:<esp>" (e.g. "webhook:postmark").
    source = models.CharField(max_length=SOURCE_MAX_LENGTH)
    # The remote server's words (e.g. "550 5.1.1 user unknown"), or the ESP's description.
    diagnostic = models.CharField(max_length=DIAGNOSTIC_MAX_LENGTH, blank=True)
    status_code = models.CharField(max_length=16, blank=True)  # e.g. "5.1.1"
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "kind"], name="one_event_per_kind")
        ]
        indexes = [models.Index(fields=["kind", "created_at"])]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.source}) for delivery {self.delivery_id}"
