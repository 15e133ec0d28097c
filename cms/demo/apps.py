"""The demo app: the demo network and its load_demo command."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo network built from the coalition's own pages (../shared/seeds)."""

    name = "cms.demo"
    label = "demo"
    verbose_name = "Demo content"
