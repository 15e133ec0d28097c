from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsletterConfig(AppConfig):
    """Each site's newsletter: lists, subscribers and consent, issues, and the Celery pipeline
    that sends them one recorded delivery at a time."""

    name = "newsletter"
    verbose_name = _("Newsletters")

    def ready(self):
        from . import page_cache

        page_cache.connect()
