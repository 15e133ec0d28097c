"""The widget's settings, each read when used, with their defaults: a project that sets none
gets these. EMBED_SIGNUP_RATE_LIMIT signups per EMBED_SIGNUP_RATE_WINDOW_SECONDS per client
(every POST counts, as on the site's own form), at most EMBED_STORIES_MAX stories a widget,
and /embed.js cached by browsers for EMBED_SCRIPT_MAX_AGE seconds."""

from django.conf import settings


def signup_rate_limit() -> int:
    return int(getattr(settings, "EMBED_SIGNUP_RATE_LIMIT", 10))


def signup_rate_window() -> int:
    return int(getattr(settings, "EMBED_SIGNUP_RATE_WINDOW_SECONDS", 10 * 60))


def stories_max() -> int:
    return int(getattr(settings, "EMBED_STORIES_MAX", 12))


def stories_default() -> int:
    return min(3, stories_max())


def script_max_age() -> int:
    return int(getattr(settings, "EMBED_SCRIPT_MAX_AGE", 60 * 60))
