from django.apps import AppConfig


class NewsletterConfig(AppConfig):
    """Each site's newsletter: lists, subscribers and consent, issues, and the Celery pipeline
    that sends them one recorded delivery at a time."""

    name = "newsletter"
    verbose_name = "Newsletters"
