"""The story library app."""

from django.apps import AppConfig


class StoriesConfig(AppConfig):
    """The shared library of community stories that every site shows under its own brand."""

    name = "cms.stories"
    label = "stories"
    verbose_name = "Stories"

    def ready(self):
        from .signals import connect

        connect()
