"""The chapters app."""

from django.apps import AppConfig


class ChaptersConfig(AppConfig):
    """The local movements: each chapter owns one Site, its groups and its collection."""

    name = "chapters"
    verbose_name = "Chapters"
