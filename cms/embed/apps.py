"""Widgets for members' websites: /embed.js, its JSON endpoints and the admin's Embed page."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmbedConfig(AppConfig):
    """Reads the newsletter lists and the story library (a layer above the features, beside
    chapters), so a member's website can show a signup, stories and a call to join."""

    name = "cms.embed"
    label = "embed"
    verbose_name = _("Widgets for members' websites")
