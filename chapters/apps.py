"""The chapters app."""

from django.apps import AppConfig


class ChaptersConfig(AppConfig):
    """The local movements: each chapter owns one Site, its groups and its collection."""

    name = "chapters"
    verbose_name = "Chapters"

    def ready(self) -> None:
        from wagtail.signals import copy_for_translation_done

        from .locale_trees import share_permissions_after_copy

        copy_for_translation_done.connect(
            share_permissions_after_copy, dispatch_uid="chapters.share_permissions_after_copy"
        )
