"""The network dashboard app (see the package docstring)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    """Snapshots of every site's figures, the Network admin page and the dashboard panel."""

    name = "cms.network"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD (see cms/coalition/apps.py).
    default_auto_field = "django.db.models.BigAutoField"
    label = "network"
    verbose_name = _("Network dashboard")
