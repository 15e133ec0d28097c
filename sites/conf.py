"""The sites app's settings, each with its default, read when used: a project without our
settings (README "Add to an existing Wagtail project") needs none of them."""

from django.conf import settings


def base_template() -> str:
    """The template every public page of ours extends (a theme's copy first, if it has one):
    our project's base.html, or, in another project, the one it names (its own base.html by
    default, which gives our pages its header and footer)."""
    return getattr(settings, "NETWORK_BASE_TEMPLATE", "base.html")
