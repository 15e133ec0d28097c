"""The chapters app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChaptersConfig(AppConfig):
    """The local movements: each chapter owns one Site, its groups and its collection."""

    name = "chapters"
    verbose_name = _("Chapters")
