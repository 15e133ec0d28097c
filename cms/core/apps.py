"""The core app: the foundations every site and app is built on."""

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The foundations: the base page types, blocks that know no feature, and the shared
    machinery (antispam, queue, mail, text, choosing, pagination, cache, checks, the
    site-scoped moderation task, the fixed Redis transport of the Celery broker)."""

    name = "cms.core"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "core"
    verbose_name = _("Pages and blocks")

    def ready(self):
        # Imported once the app registry is ready: they read models and Wagtail's registries.
        from .broker import use_for_redis_urls
        from .checks import check_chooser_forms
        from .choosing import register_wagtail_scopes
        from .signals import take_over_task_submission_emails

        take_over_task_submission_emails()
        use_for_redis_urls()
        register_wagtail_scopes()
        checks.register(check_chooser_forms, checks.Tags.models)
