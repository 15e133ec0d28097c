"""The network app's settings, each with its default, read when used."""

from django.conf import settings


def snapshot_seconds() -> int:
    """How often beat writes today's snapshot rows (each run overwrites the day's rows)."""
    return int(getattr(settings, "NETWORK_SNAPSHOT_SECONDS", 3600))
