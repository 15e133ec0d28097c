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
        # Our pages and views give templates the `brand` in projects without our context
        # processor (README "Add to an existing Wagtail project").
        from cms.core.context import register_public_context

        from . import page_cache
        from .context_processors import site_context

        register_public_context(site_context)
        # What purges the page cache (sites.page_cache).
        page_cache.connect()
