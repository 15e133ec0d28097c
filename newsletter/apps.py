from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """Each site's newsletter: lists, subscribers and consent, issues, and the Celery pipeline
    that sends them one recorded delivery at a time."""

    name = "newsletter"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Newsletters")

    def ready(self):
        from . import page_cache, signing
        from .bounces import webhooks

        page_cache.connect()
        webhooks.connect()  # email services' bounces and complaints (anymail's tracking signal)
        signing.keys()  # a DKIM key that cannot be read stops every process at startup
