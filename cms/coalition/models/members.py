"""The Connection Coalition's members, and the requests of organisations asking to join.

A JoinRequest is the only thing the public writes: nothing reaches the member directory until a
national editor approves the request, which creates the Member.
"""

from django.conf import settings
from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.models import TranslatableMixin
from wagtail.search import index

from cms.core.choosing import ChosenObjectsModelForm


class OrganisationKind(models.TextChoices):
    CHARITY = "charity", _("Charity")
    COMPANY = "company", _("Company")
    COMMUNITY_GROUP = "community_group", _("Community group")
    PUBLIC_BODY = "public_body", _("Public body")


class Region(models.TextChoices):
    NATIONAL = "national", _("UK-wide")
    LONDON = "london", _("London")
    SOUTH_EAST = "south_east", _("South East")
    SOUTH_WEST = "south_west", _("South West")
    EAST = "east", _("East of England")
    WEST_MIDLANDS = "west_midlands", _("West Midlands")
    EAST_MIDLANDS = "east_midlands", _("East Midlands")
    NORTH_WEST = "north_west", _("North West")
    NORTH_EAST = "north_east", _("North East")
    YORKSHIRE = "yorkshire", _("Yorkshire and the Humber")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


# The longest member slug; a slug made unique with "-<n>" keeps room for it at the end.
SLUG_LENGTH = 160
UNIQUE_SUFFIX_ROOM = 10


class Member(TranslatableMixin, index.Indexed, models.Model):
    """An organisation in the coalition, shown in the member directory with its logo."""

    name = models.CharField(max_length=160)
    slug = models.SlugField(max_length=SLUG_LENGTH)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    website = models.URLField(blank=True)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    region = models.CharField(max_length=20, choices=Region.choices, default=Region.NATIONAL)
    description = models.TextField(max_length=600, blank=True)
    founding_member = models.BooleanField(default=False)
    joined_on = models.DateField(null=True, blank=True)

    base_form_class = ChosenObjectsModelForm
    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("logo"),
        FieldPanel("website"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("region")]),
        FieldPanel("description"),
        FieldRowPanel([FieldPanel("founding_member"), FieldPanel("joined_on")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("description"),
        index.AutocompleteField("name"),
        index.FilterField("kind"),
        index.FilterField("region"),
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        ordering = ["-founding_member", "name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_member_slug_locale")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:SLUG_LENGTH] or "member"
        super().save(*args, **kwargs)


class JoinRequest(models.Model):
    """An organisation asking to join, waiting for a national editor's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    organisation = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=OrganisationKind.choices)
    website = models.URLField(blank=True)
    contact_name = models.CharField(max_length=120)
    contact_email = models.EmailField()
    region = models.CharField(max_length=20, choices=Region.choices)
    reason = models.TextField(_("why they want to join"), max_length=3000)
    agreed_to_aims = models.BooleanField(default=False)

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    member = models.OneToOneField(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="join_request"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]
        permissions = [("decide_joinrequest", "Can approve or decline join requests")]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"
