"""The core app's settings, each with its default, read when used: a project without our
settings (README "Add to an existing Wagtail project") needs none of them."""

from django.conf import settings


def uses_celery() -> bool:
    """Background work goes to Celery when the project names a broker (ours always does: Redis,
    or memory:// with tasks run eagerly); without one, to Django's task framework (django-tasks,
    which Wagtail 8 uses for its own background work), so a small site needs no broker."""
    return bool(getattr(settings, "CELERY_BROKER_URL", ""))
