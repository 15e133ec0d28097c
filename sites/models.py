"""Per-site configuration: how a site looks and what it offers, editable by its own editors.

Wagtail's GroupSitePermission scopes "change site settings" to one Site, so a chapter's editors
can edit their own site's settings and never another's.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.models import Locale, Orderable

from cms.core.choosing import ChosenObjectsModelForm

from .contrast import contrast_failures
from .languages import ensure_home_translations

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #c8102e."))

COLOUR_INPUT = forms.TextInput(attrs={"type": "color"})

THEMES = [
    ("coalition", _("Coalition: large hero, centred call to action")),
    ("chapter", _("Chapter: city banner, local feel")),
]


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting, ClusterableModel):
    """Branding, footer, social links, navigation and languages for one site."""

    display_name = models.CharField(max_length=120, help_text=_("Shown in the header and tab"))
    tagline = models.CharField(max_length=255, blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email_logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("logo for emails"),
        help_text=_(
            "A PNG or JPEG of the logo for newsletters: Gmail and Outlook do not show SVG. "
            "Without it the logo above is used, unless it is an SVG: then the site's name."
        ),
    )
    theme = models.CharField(max_length=32, choices=THEMES, default="coalition")
    primary_colour = models.CharField(max_length=7, default="#1d3557", validators=[hex_colour])
    # The default accent passes AA with white text (4.97:1; the old #e63946 gave 4.17:1).
    accent_colour = models.CharField(max_length=7, default="#d62839", validators=[hex_colour])
    background_colour = models.CharField(max_length=7, default="#ffffff", validators=[hex_colour])
    contact_email = models.EmailField(blank=True)
    footer_text = models.TextField(blank=True)
    postal_address = models.TextField(
        blank=True,
        help_text=_(
            "Who sends this site's newsletters and where to write to them: shown in every "
            "newsletter's footer (UK PECR asks marketing mail to identify the sender with a "
            "valid contact address; US CAN-SPAM asks for a postal address)."
        ),
    )
    locales_offered = ParentalManyToManyField(
        "wagtailcore.Locale",
        blank=True,
        related_name="+",
        help_text=_("Languages readers can switch to. None ticked means the default only."),
    )
    form_retention_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_("Form submissions older than this are deleted automatically."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    select_related = ["logo", "email_logo"]
    # The logo and the menu's pages must be the site's own (or already there).
    base_form_class = ChosenObjectsModelForm

    branding_panels = [
        FieldPanel("display_name"),
        FieldPanel("tagline"),
        FieldPanel("logo"),
        FieldPanel("email_logo"),
        FieldPanel("theme"),
        MultiFieldPanel(
            [
                FieldPanel("primary_colour", widget=COLOUR_INPUT),
                FieldPanel("accent_colour", widget=COLOUR_INPUT),
                FieldPanel("background_colour", widget=COLOUR_INPUT),
            ],
            heading=_("Colours"),
        ),
    ]
    navigation_panels = [InlinePanel("navigation_items", label=_("Menu item"))]
    footer_panels = [
        FieldPanel("contact_email"),
        FieldPanel("postal_address"),
        FieldPanel("form_retention_months"),
        FieldPanel("footer_text"),
        InlinePanel("social_links", label=_("Social link")),
    ]
    language_panels = [
        FieldPanel("locales_offered", widget=forms.CheckboxSelectMultiple),
        InlinePanel("texts", label=_("Site text in another language")),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(branding_panels, heading=_("Branding")),
            ObjectList(navigation_panels, heading=_("Navigation")),
            ObjectList(footer_panels, heading=_("Footer")),
            ObjectList(language_panels, heading=_("Languages")),
        ]
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return self.display_name or str(self.site)

    def save(self, *args, **kwargs):
        """A language ticked here gets the site's home to translate pages under
        (sites.languages)."""
        super().save(*args, **kwargs)
        if self.site_id and self.pk:
            ensure_home_translations(self.site, self.locales_offered.all())

    def clean(self):
        """Refuse brand colours whose text/background pairs fail WCAG AA (sites.contrast)."""
        super().clean()
        colours = {
            name: getattr(self, name)
            for name in ("primary_colour", "accent_colour", "background_colour")
        }
        errors: dict[str, list] = {}
        for failure in contrast_failures(colours):
            errors.setdefault(failure.field, []).append(failure.message)
        if errors:
            raise ValidationError(errors)


def public_name(site, site_settings: SiteSettings | None = None) -> str:
    """What residents know a site as: its display name in site settings, else the Site's name,
    else its hostname (`site_settings`: the site's, when the caller has them already)."""
    site_settings = site_settings or SiteSettings.for_site(site)
    return site_settings.display_name or site.site_name or site.hostname


class SiteText(Orderable):
    """The words of a site's settings that residents read, in one other language. Blank fields
    show the English (marked lang="en")."""

    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="texts")
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.CASCADE, related_name="+", verbose_name=_("language")
    )
    display_name = models.CharField(
        max_length=120, blank=True, help_text=_("Only if the name differs in this language")
    )
    tagline = models.CharField(max_length=255, blank=True)
    footer_text = models.TextField(blank=True)

    panels = [
        FieldPanel("locale"),
        FieldPanel("display_name"),
        FieldPanel("tagline"),
        FieldPanel("footer_text"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("site text")

    def clean(self):
        super().clean()
        if self.locale_id and self.locale_id == Locale.get_default().pk:
            raise ValidationError(
                {"locale": _("The default language's text is edited in the other tabs.")}
            )

    def __str__(self) -> str:
        return f"{self.settings} ({self.locale})"


class NavigationItem(Orderable, ClusterableModel):
    """A menu entry: a page of this site (its title follows the reader's language) or a link."""

    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="navigation_items")
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.URLField(blank=True, help_text=_("Instead of a page"))
    label = models.CharField(max_length=60, blank=True, help_text=_("Defaults to the page title"))

    panels = [
        FieldPanel("page"),
        FieldPanel("url"),
        FieldPanel("label"),
        InlinePanel("labels", label=_("Label in another language")),
    ]

    def label_in(self, locale_id: int) -> str:
        """The label an editor wrote for that language, or ""."""
        for translated in self.labels.all():
            if translated.locale_id == locale_id:
                return translated.label
        return ""

    def clean(self):
        if bool(self.page_id) == bool(self.url):
            raise ValidationError(_("Choose a page or enter a URL."))
        if self.url and not self.label:
            raise ValidationError({"label": _("A link to another website needs a label.")})


class NavigationItemLabel(Orderable):
    """A menu item's own label (a custom one, or a link's) in another language."""

    item = ParentalKey(NavigationItem, on_delete=models.CASCADE, related_name="labels")
    locale = models.ForeignKey(
        "wagtailcore.Locale", on_delete=models.CASCADE, related_name="+", verbose_name=_("language")
    )
    label = models.CharField(max_length=60)

    panels = [FieldPanel("locale"), FieldPanel("label")]


class SocialLink(Orderable):
    PLATFORMS = [
        ("facebook", "Facebook"),
        ("instagram", "Instagram"),
        ("x", "X (Twitter)"),
        ("linkedin", "LinkedIn"),
        ("youtube", "YouTube"),
        ("bluesky", "Bluesky"),
        ("mastodon", "Mastodon"),
    ]
    settings = ParentalKey(SiteSettings, on_delete=models.CASCADE, related_name="social_links")
    platform = models.CharField(max_length=20, choices=PLATFORMS)
    url = models.URLField()

    panels = [FieldPanel("platform"), FieldPanel("url")]
