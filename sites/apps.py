"""The sites app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkSitesConfig(AppConfig):
    """What makes a site a site. Labelled explicitly: `sites` is django.contrib.sites' label."""

    name = "sites"
    label = "network_sites"
    verbose_name = _("Sites")

    def ready(self):
        from . import page_cache

        page_cache.connect()
