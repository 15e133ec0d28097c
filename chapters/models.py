"""A chapter is a local movement with its own site inside the network."""

from django.contrib.auth.models import Group
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Collection, Site

slug_validator = RegexValidator(
    r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lowercase letters, digits and single hyphens.")
)


class Chapter(models.Model):
    """Ties together what a chapter owns: its Site (and so its page tree), the groups its
    editors and moderators belong to, and the collection its images and documents live in.
    Everything chapter-scoped is looked up through this row."""

    slug = models.SlugField(max_length=50, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=120)
    city = models.CharField(max_length=120, blank=True)
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
