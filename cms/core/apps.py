from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    """Content every site shares: the base page, StreamField blocks and the page types."""

    name = "cms.core"
    label = "core"
    verbose_name = "Pages and blocks"

    def ready(self):
        from .checks import check_chooser_forms
        from .choosing import register_wagtail_scopes
        from .signals import take_over_task_submission_emails

        take_over_task_submission_emails()
        register_wagtail_scopes()
        checks.register(check_chooser_forms, checks.Tags.models)
