"""The core app: the foundations every site and app is built on."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The foundations: the base page types, blocks that know no feature, and the shared
    machinery (antispam, queue, mail, text, choosing, pagination, cache, checks, the
    site-scoped moderation task)."""

    name = "cms.core"
    label = "core"
    verbose_name = _("Pages and blocks")

    def ready(self):
        # Imported once the app registry is ready: they read models and Wagtail's registries.
        from .checks import check_chooser_forms
        from .choosing import register_wagtail_scopes
        from .signals import take_over_task_submission_emails

        take_over_task_submission_emails()
        register_wagtail_scopes()
        checks.register(check_chooser_forms, checks.Tags.models)
