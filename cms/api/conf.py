"""Settings of the public API and oEmbed, with their defaults (override in Django settings)."""

from django.conf import settings

# Items per API page at most (Wagtail's own setting; ?limit= above it is a 400).
API_LIMIT_MAX = 50
# The size of an oEmbed snippet when the consumer asks for none (maxwidth/maxheight cap it).
OEMBED_WIDTH = 600
OEMBED_HEIGHT = 400
# The thumbnail's largest size, before maxwidth/maxheight.
OEMBED_THUMBNAIL = (640, 400)


def limit_max() -> int:
    return getattr(settings, "WAGTAILAPI_LIMIT_MAX", API_LIMIT_MAX)
