"""The chapters app."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChaptersConfig(AppConfig):
    """The local movements: each chapter owns one Site, its groups and its collection."""

    name = "chapters"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = _("Chapters")

    def ready(self) -> None:
        from wagtail.signals import copy_for_translation_done, page_published
        from wagtail_localize.views import edit_translation

        from . import page_cache
        from .locale_trees import repair_child_count, share_permissions_after_copy
        from .localize_views import user_can_edit_instance

        page_cache.connect()

        copy_for_translation_done.connect(
            share_permissions_after_copy, dispatch_uid="chapters.share_permissions_after_copy"
        )
        page_published.connect(repair_child_count, dispatch_uid="chapters.repair_child_count")
        # The translation editor's endpoints check snippets by the snippet's own policy
        # (stories are held per site); every one of them is guarded per site first.
        edit_translation.user_can_edit_instance = user_can_edit_instance
