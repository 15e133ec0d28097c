"""The sites app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkSitesConfig(AppConfig):
    """What makes a site a site. Labelled explicitly: `sites` is django.contrib.sites' label."""

    name = "sites"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "network_sites"
    verbose_name = _("Sites")

    def ready(self) -> None:
        from django.core import checks

        from .checks import check_context_processor

        checks.register(check_context_processor, checks.Tags.templates)
