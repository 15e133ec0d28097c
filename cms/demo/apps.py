"""The demo app: the demo network and its load_demo command."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo network built from the coalition's own pages (../shared/seeds)."""

    name = "cms.demo"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "demo"
    verbose_name = "Demo content"
