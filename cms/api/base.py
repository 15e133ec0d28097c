"""What every endpoint of our API shares: Wagtail's listing shape (meta.total_count, items),
limit/offset pages of at most conf.limit_max() items, 400/404 answered as JSON."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from . import conf
from .scoping import RequestScope


class LimitedPagination(WagtailPagination):
    """Wagtail's limit/offset pagination with our maximum (WAGTAILAPI_LIMIT_MAX, default 50)."""

    def paginate_queryset(self, queryset, request, view=None):
        limit_max = conf.limit_max()
        offset = _whole_number(request, "offset", 0)
        limit = _whole_number(request, "limit", min(20, limit_max))
        if limit > limit_max:
            raise BadRequestError(f"limit cannot be higher than {limit_max}")
        self.view = view
        self.total_count = queryset.count()
        return queryset[offset : offset + limit]


def _whole_number(request, name: str, default: int) -> int:
    value = request.GET.get(name)
    if value is None:
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise BadRequestError(f"{name} must be a positive integer")
    return int(value)


class AlwaysJSON(BaseContentNegotiation):
    """JSON whatever the Accept header or ?format= ask (a browser's text/html included)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class RefusesBadQueries:
    """JSON only (no browsable API: its forms would set a CSRF cookie), and 400, never a 500,
    for what Wagtail's own filters pass to the database unchecked: a NUL character (PostgreSQL
    refuses it), a value of the wrong type for a field (?id=x, ?first_published_at=x), an
    unknown search operator."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = AlwaysJSON

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        for name, values in request.GET.lists():
            if any("\x00" in text for text in (name, *values)):
                raise BadRequestError("query parameters cannot contain NUL characters")

    def filter_queryset(self, queryset):
        try:
            return super().filter_queryset(queryset)
        except (ValidationError, ValueError, TypeError) as error:
            raise BadRequestError(f"query parameter has a wrong value: {error}") from error


class ScopedEndpoint(RefusesBadQueries, BaseAPIViewSet):
    """A read-only listing and detail of the requesting site's objects, serialised by a plain
    DRF serializer: only the fields it names ever leave the database."""

    pagination_class = LimitedPagination
    serializer_class: type[serializers.Serializer]
    filter_parameters: frozenset[str] = frozenset()
    known_query_parameters = frozenset(["limit", "offset", "locale", "format", "_"])

    def initial(self, request, *args, **kwargs):
        self.scope = RequestScope(request)
        super().initial(request, *args, **kwargs)

    def check_query_parameters(self, queryset):
        unknown = set(self.request.GET) - self.known_query_parameters - self.filter_parameters
        if unknown:
            raise BadRequestError(
                "query parameter is not an operation or a recognised field: "
                + ", ".join(sorted(unknown))
            )

    def get_serializer_class(self):
        return self.serializer_class

    def get_serializer_context(self):
        return {"request": self.request, "view": self, "router": self.request.wagtailapi_router}

    def detail_view(self, request, pk):
        self.check_query_parameters(self.get_queryset())
        return super().detail_view(request, pk)

    @classmethod
    def get_urlpatterns(cls):
        """Listing and detail only (no find/ redirect)."""
        return super().get_urlpatterns()[:2]


def absolute(request, url: str) -> str:
    return request.build_absolute_uri(url) if url else ""


def rendition(request, image, spec: str, alt: str = "") -> dict | None:
    """An image's rendition as {url, width, height, alt}; None without a usable image."""
    if image is None:
        return None
    try:
        found = image.get_rendition(spec)
    except Exception:  # a missing or unreadable original: the item goes without its picture
        return None
    return {
        "url": absolute(request, found.url),
        "width": found.width,
        "height": found.height,
        "alt": alt,
    }
