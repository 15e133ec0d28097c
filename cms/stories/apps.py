"""The story library app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StoriesConfig(AppConfig):
    """The shared library of community stories that every site shows under its own brand."""

    name = "cms.stories"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "stories"
    verbose_name = _("Stories")

    def ready(self):
        from . import page_cache, signals

        signals.connect()
        page_cache.connect()
