"""A chapter is a local movement with its own site inside the network."""

from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Site

from cms.coalition.models import Region

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lowercase letters, digits and single hyphens.")
)


class Chapter(models.Model):
    """Ties together what a chapter owns: its Site (and so its page tree), the groups its
    editors and moderators belong to, and the collection its images and documents live in.
    Everything chapter-scoped is looked up through this row."""

    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=120)
    city = models.CharField(_("city"), max_length=120, blank=True)
    # What "Find your local group" groups by and searches (chapters.models.finder); the
    # network's regions, as the member directory's, named in each reader's language.
    region = models.CharField(_("region"), max_length=20, choices=Region.choices, blank=True)
    towns = models.TextField(
        _("towns covered"),
        blank=True,
        help_text=_("The towns and areas the chapter covers, one per line or comma-separated."),
    )
    site = models.OneToOneField(Site, on_delete=models.PROTECT, related_name="chapter")
    editors_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="chapter_as_editors"
    )
    moderators_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="chapter_as_moderators"
    )
    collection = models.OneToOneField(Collection, on_delete=models.PROTECT, related_name="chapter")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def town_list(self) -> list[str]:
        """The towns as a list, whatever separated them (lines or commas)."""
        return split_towns(self.towns)


def split_towns(text: str) -> list[str]:
    """Towns typed one per line or comma-separated, trimmed, blanks and repeats dropped."""
    towns = (
        " ".join(part.split()) for line in (text or "").splitlines() for part in line.split(",")
    )
    return list(dict.fromkeys(town for town in towns if town))
