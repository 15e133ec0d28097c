"""The public read-only face of the network for other websites: oEmbed and the JSON API."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkAPIConfig(AppConfig):
    """oEmbed (/oembed/) and Wagtail's API v2 (/api/v2/), each answering for the requesting
    site only: a layer above the features, whose public pages and stories it reads."""

    name = "cms.api"
    label = "network_api"
    verbose_name = _("Public API and oEmbed")
