"""The coalition app: members and join requests."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoalitionConfig(AppConfig):
    """The coalition's member organisations and the way new ones ask to join."""

    name = "cms.coalition"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "coalition"
    verbose_name = _("Coalition members")

    def ready(self):
        from . import page_cache

        page_cache.connect()
