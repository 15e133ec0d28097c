"""Newsletters: one list per site, subscribers with double opt-in and consent records, issues
written as pages, and sending recorded as one Delivery row per (send, subscription).

The sending contract: a Send first records its deliveries in bulk (unique per subscription, so
doing it twice adds nothing); workers claim queued rows (SELECT ... FOR UPDATE SKIP LOCKED on
PostgreSQL), send each over one SMTP connection per batch and mark it sent right after the
server accepts it. A crash loses nothing: claims left by a dead worker go back to the queue;
duplicates are bounded by the rows in flight.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page

from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.models import BasePage

from .blocks import NewsletterStreamBlock

DEFAULT_CONSENT_WORDING = _(
    "I would like to receive this newsletter by email. I can unsubscribe at any time with the "
    "link in every email, and my address is used for nothing else."
)


def normalise_email(address: str) -> str:
    return address.strip().lower()


def email_hash(address: str) -> str:
    """What is kept of an erased address: enough to refuse re-adding it, not to read it."""
    return hashlib.sha256(normalise_email(address).encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class NewsletterList(models.Model):
    """The newsletter of one site (national or a chapter's)."""

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="newsletter_list"
    )
    name = models.CharField(max_length=120)
    from_name = models.CharField(
        max_length=120, blank=True, help_text=_("Shown as the sender, e.g. Connecting for Good")
    )
    reply_to = models.EmailField(blank=True)
    consent_wording = models.TextField(default=DEFAULT_CONSENT_WORDING)
    consent_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """A new wording is a new version: consent records say which one people agreed to."""
        if self.pk:
            previous = (
                NewsletterList.objects.filter(pk=self.pk)
                .values_list("consent_wording", flat=True)
                .first()
            )
            if previous is not None and previous != self.consent_wording:
                self.consent_version += 1
        super().save(*args, **kwargs)

    @classmethod
    def for_site(cls, site) -> "NewsletterList":
        newsletter_list, _ = cls.objects.get_or_create(
            site=site, defaults={"name": site.site_name or site.hostname}
        )
        return newsletter_list


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
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

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
    wording_version = models.PositiveIntegerField(null=True, blank=True)
    wording = models.TextField(blank=True)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.newsletter_list} at {self.at:%Y-%m-%d %H:%M}"


class Suppression(models.Model):
    """Addresses never to mail again, kept only as a hash. Network-wide (no list) for a
    person erased from every list, a hard bounce or a complaint; for one list when that list's
    site removed the person from it (the other lists are not that site's to decide)."""

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


# --- pages: /newsletter/ on each site, and the issues under it ---------------------------


class NewsletterIndexPage(RoutablePageMixin, BasePage):
    """/newsletter/: the signup form, and the archive of the issues this site has sent."""

    intro = RichTextField(features=RICH_TEXT_FEATURES, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.NationalHomePage", "core.ChapterHomePage"]
    subpage_types = ["newsletter.NewsletterIssuePage"]
    max_count_per_parent = 1
    template = "newsletter/newsletter_index_page.html"

    class Meta:
        verbose_name = _("newsletter page")


class NewsletterIssuePage(BasePage):
    """An issue: written and previewed (as the email and as the web page) like any page, sent
    to the site's list from the admin, then published in the site's archive."""

    subject = models.CharField(max_length=200, help_text=_("The email's subject line"))
    preheader = models.CharField(
        max_length=200, blank=True, help_text=_("The line inboxes show after the subject")
    )
    body = StreamField(NewsletterStreamBlock(), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("subject"),
        FieldPanel("preheader"),
        FieldPanel("body"),
    ]
    parent_page_types = ["newsletter.NewsletterIndexPage"]
    subpage_types: list[str] = []
    template = "newsletter/newsletter_issue_page.html"
    preview_modes = [("", _("Web page")), ("email", _("Email"))]

    class Meta:
        verbose_name = _("newsletter issue")

    def serve_preview(self, request, mode_name):
        """The "email" preview is the email itself, rendered by the sending pipeline from this
        (unsaved) draft; the default mode is the web page in the site's archive."""
        if mode_name != "email":
            return super().serve_preview(request, mode_name)
        from .sending import fill_links, render_issue  # sending.py imports these models

        rendered = render_issue(self, self.locale.language_code, request=request)
        # Each subscriber's own links go here; the preview has none to show.
        rendered = fill_links(rendered, preferences_url="#", unsubscribe_url="#")
        return HttpResponse(rendered.html)
