"""A site's newsletter list and its consent wording."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from sites.models import SiteSettings

DEFAULT_CONSENT_WORDING = _(
    "I would like to receive this newsletter by email. I can unsubscribe at any time with the "
    "link in every email, and my address is used for nothing else."
)


def site_languages(site) -> list[str]:
    """The language codes a site offers its readers (SiteSettings.locales_offered), the
    default language first and always: a site that does not offer Welsh never mails Welsh."""
    offered = set(
        SiteSettings.for_site(site).locales_offered.values_list("language_code", flat=True)
    )
    codes = [
        code
        for code, _name in settings.LANGUAGES
        if code == settings.LANGUAGE_CODE or code in offered
    ]
    if settings.LANGUAGE_CODE not in codes:  # e.g. wagtail start's "en-us", not in LANGUAGES
        codes.insert(0, settings.LANGUAGE_CODE)
    return codes


def offered_language(language: str | None, languages: list[str]) -> str:
    """`language` (e.g. "cy", or "cy-gb") if it is one of `languages`, else the first of them
    (the default language)."""
    code = (language or "").split("-")[0].lower()
    return code if code in languages else languages[0]


class NewsletterList(models.Model):
    """The newsletter of one site (national or a chapter's)."""

    site = models.OneToOneField(
        "wagtailcore.Site", on_delete=models.CASCADE, related_name="newsletter_list"
    )
    name = models.CharField(max_length=120)
    # What a member's website names the list by (the widget's data-list): the first label of
    # the site's hostname when the list is made (coventry.localhost: "coventry").
    slug = models.SlugField(max_length=50, unique=True, editable=False)
    from_name = models.CharField(
        max_length=120, blank=True, help_text=_("Shown as the sender, e.g. Connecting for Good")
    )
    reply_to = models.EmailField(blank=True)
    consent_wording = models.TextField(default=DEFAULT_CONSENT_WORDING)
    consent_version = models.PositiveIntegerField(default=1, editable=False)
    # None: the project's mail server (EMAIL_URL). Chosen by the national team only.
    smtp_server = models.ForeignKey(
        "newsletter.SmtpServer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lists",
        verbose_name=_("SMTP server"),
    )
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
        if not self.slug:
            self.slug = self.free_slug(self.site.hostname if self.site_id else "")
        super().save(*args, **kwargs)

    @classmethod
    def free_slug(cls, hostname: str) -> str:
        """A slug no other list has, from the hostname's first label ("list" when empty)."""
        base = slugify(hostname.split(".")[0])[:40] or "list"
        slug, number = base, 1
        while cls.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    @classmethod
    def for_site(cls, site) -> "NewsletterList":
        newsletter_list, _ = cls.objects.get_or_create(
            site=site, defaults={"name": site.site_name or site.hostname}
        )
        return newsletter_list

    def reader_wording(self) -> str:
        """The consent words as a reader sees them: the default words in the reader's language
        (they are the project's own, translated like every interface string); an editor's own
        words as they wrote them."""
        with translation.override(settings.LANGUAGE_CODE):
            default = str(DEFAULT_CONSENT_WORDING)
        if self.consent_wording.strip() == default:
            return str(DEFAULT_CONSENT_WORDING)
        return self.consent_wording

    @property
    def languages(self) -> list[str]:
        """The languages this list mails in: those its site offers."""
        return site_languages(self.site)
