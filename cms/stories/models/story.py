"""The shared story library.

One Story snippet per story, owned by its home site (the national site or a chapter's). A
story is "local" (its home site only), "offered" to the network by a chapter, or promoted to the
"network" by a national editor, after which every site shows it. Consent travels with the
story: once it lapses or is withdrawn the story disappears from every site at once (the public
queries check it) and the periodic task unpublishes it and tells the editors.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index

from cms.core.blocks import RICH_TEXT_FEATURES

# Routes of the story index page (/stories/share/...): a story cannot take these addresses.
RESERVED_SLUGS = {"share"}


class Theme(TranslatableMixin, models.Model):
    """What a story is about (Mutual aid, Friendship...), for filtering and featuring."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_theme_slug_locale")
        ]

    def __str__(self) -> str:
        return self.name


class StoryQuerySet(models.QuerySet):
    def consented(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(consent_withdrawn_at__isnull=True).filter(
            Q(consent_expires_on__isnull=True) | Q(consent_expires_on__gt=today)
        )

    def lapsed(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(Q(consent_withdrawn_at__isnull=False) | Q(consent_expires_on__lte=today))

    def visible_on(self, site):
        """What readers of `site` may see: live, consented, and network-wide or this site's."""
        return (
            self.filter(live=True).consented().filter(Q(reach=Story.Reach.NETWORK) | Q(site=site))
        )


class Story(
    TranslatableMixin,
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    index.Indexed,
    ClusterableModel,
):
    class Reach(models.TextChoices):
        LOCAL = "local", _("Local: only on its home site")
        OFFERED = "offered", _("Offered to the network (a national editor may promote it)")
        NETWORK = "network", _("Network: on every site")

    class ConsentScope(models.TextChoices):
        WEBSITE = "website", _("Our websites")
        WEBSITE_SOCIAL = "website_social", _("Our websites and social media")
        ALL = "all", _("Websites, social media, newsletters and press")

    class Source(models.TextChoices):
        EDITOR = "editor", _("Added by an editor")
        RESIDENT = "resident", _("Shared by a resident")

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, allow_unicode=False)
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name=_("home site"),
        help_text=_("The site this story belongs to"),
    )
    reach = models.CharField(max_length=10, choices=Reach.choices, default=Reach.LOCAL)
    quote = models.TextField(max_length=600, help_text=_("The words shown on cards and shares"))
    body = RichTextField(features=RICH_TEXT_FEATURES, blank=True, verbose_name=_("story"))
    person_name = models.CharField(_("name"), max_length=120, blank=True)
    person_role = models.CharField(
        _("role"), max_length=160, blank=True, help_text=_("e.g. volunteer, Coventry resident")
    )
    organisation = models.CharField(max_length=160, blank=True)
    town = models.CharField(max_length=80, blank=True, db_index=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    image_alt = models.CharField(
        _("image alt text"),
        max_length=255,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it"),
    )
    photo_credit = models.CharField(max_length=160, blank=True)
    themes = ParentalManyToManyField(Theme, blank=True, related_name="stories")

    consent_given_on = models.DateField(default=datetime.date.today)
    consent_scope = models.CharField(
        max_length=20, choices=ConsentScope.choices, default=ConsentScope.WEBSITE_SOCIAL
    )
    consent_expires_on = models.DateField(null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.EDITOR)
    submitter_email = models.EmailField(
        blank=True, help_text=_("Private: only to contact the person about their story")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StoryQuerySet.as_manager()

    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldRowPanel([FieldPanel("site"), FieldPanel("reach")]),
        FieldPanel("quote"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("person_name"), FieldPanel("person_role")]),
                FieldRowPanel([FieldPanel("organisation"), FieldPanel("town")]),
            ],
            heading=_("Who"),
        ),
        MultiFieldPanel(
            [FieldPanel("image"), FieldPanel("image_alt"), FieldPanel("photo_credit")],
            heading=_("Photo"),
        ),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("consent_given_on"), FieldPanel("consent_expires_on")]),
                FieldPanel("consent_scope"),
                FieldPanel("consent_withdrawn_at"),
            ],
            heading=_("Consent"),
        ),
        MultiFieldPanel(
            [FieldPanel("source", read_only=True), FieldPanel("submitter_email")],
            heading=_("Submission"),
        ),
    ]

    search_fields = [
        index.SearchField("title"),
        index.SearchField("quote"),
        index.SearchField("body"),
        index.SearchField("person_name"),
        index.SearchField("town"),
        index.RelatedFields("themes", [index.SearchField("name")]),
        index.AutocompleteField("title"),
        index.FilterField("site"),
        index.FilterField("live"),
        index.FilterField("reach"),
        index.FilterField("locale"),
        # What a site's search filters on (StoryQuerySet.visible_on: live and consented).
        index.FilterField("consent_withdrawn_at"),
        index.FilterField("consent_expires_on"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        ordering = ["-consent_given_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "locale"], name="unique_story_slug_locale")
        ]
        indexes = [
            models.Index(fields=["live", "reach", "site"], name="story_visibility_idx"),
            models.Index(
                models.F("consent_given_on").desc(), models.F("id").desc(), name="story_recent_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        if self.image_id and not self.image_alt.strip():
            errors["image_alt"] = _("Describe the photo for people who cannot see it.")
        if (
            self.consent_expires_on
            and self.consent_given_on
            and self.consent_expires_on <= self.consent_given_on
        ):
            errors["consent_expires_on"] = _("Consent must expire after it was given.")
        if self.slug in RESERVED_SLUGS:
            errors["slug"] = _("“%(slug)s” is the address of a page; choose another.") % {
                "slug": self.slug
            }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # A translation's themes are its language's: wagtail-localize copies a many-to-many as
        # it is (the English themes) whenever it makes or syncs the translation.
        themes = list(self.themes.all()) if self.locale_id else []
        if any(theme.locale_id != self.locale_id for theme in themes):
            self.themes = [
                theme
                if theme.locale_id == self.locale_id
                else theme.get_translation_or_none(self.locale) or theme
                for theme in themes
            ]
        super().save(*args, **kwargs)

    @property
    def consent_is_valid(self) -> bool:
        if self.consent_withdrawn_at:
            return False
        return not self.consent_expires_on or self.consent_expires_on > timezone.localdate()

    @cached_property
    def attribution(self) -> str:
        parts = [self.person_name, self.person_role or self.organisation]
        return ", ".join(part for part in parts if part)

    def submission_announced_elsewhere(self, user) -> bool:
        """A story a resident shared enters moderation with no user: its editors get our own
        note about it (cms.stories.tasks.notify_new_submission), not also Wagtail's "waiting for
        your approval" (cms.core.moderation asks)."""
        return user is None and self.source == self.Source.RESIDENT

    def get_preview_template(self, request, mode_name):
        return "stories/story_detail.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        context["story"] = self
        context["is_preview"] = True
        return context


class PublicationNotice(models.Model):
    """That the resident who shared a story was told it is live: told once, whatever is published
    after. A row of its own, not a field of the story, which every published revision rewrites."""

    story = models.OneToOneField(
        Story, on_delete=models.CASCADE, primary_key=True, related_name="publication_notice"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Publication notice for story {self.story_id}"
