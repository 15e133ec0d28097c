from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Content every site shares: the base page, StreamField blocks and the page types."""

    name = "cms.core"
    label = "core"
    verbose_name = "Pages and blocks"

    def ready(self):
        from .workflows import take_over_task_submission_emails

        take_over_task_submission_emails()
