"""/api/v2/pages/: Wagtail's pages API, scoped to the requesting site.

Wagtail's own endpoint serves any site's pages to whoever asks with ?site=; ours serves the
pages a reader of this host can open: live, public (no view restriction on them or above
them), written in their language (not an alias of another language's page), under the site's
home in one of the languages it offers. ?child_of=, ?descendant_of=, ?ancestor_of= and
?translation_of= look their page up in that same set, so another site's page id is a 400."""

from __future__ import annotations

from django.db.models import Q
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.models import Page

from .base import LimitedPagination, RefusesBadQueries
from .page_fields import page_fields
from .scoping import RequestScope


class SitePagesAPIViewSet(RefusesBadQueries, PagesAPIViewSet):
    pagination_class = LimitedPagination

    def get_base_queryset(self):
        scope = RequestScope(self.request)
        scope.check_site_parameter()
        homes = scope.homes
        if not homes:
            return Page.objects.none()
        in_site = Q()
        for home in homes:
            in_site |= Q(path__startswith=home.path, depth__gte=home.depth)
        return Page.objects.live().public().filter(in_site, alias_of__isnull=True)

    @classmethod
    def get_body_fields(cls, model):
        """Wagtail's fields of the page type, and those cms.api.page_fields names for it."""
        return [*super().get_body_fields(model), *cls._convert_api_fields(page_fields(model))]

    def find_object(self, queryset, request):
        """Wagtail's ?html_path= and ?id= lookups; an id that is not a number is a 400."""
        page_id = request.GET.get("id")
        if page_id is not None and not (page_id.isascii() and page_id.isdigit()):
            raise BadRequestError("id must be a positive integer")
        return super().find_object(queryset, request)

    def get_root_page(self):
        """?child_of=root: the site's home, in the language of ?locale= when it has one."""
        scope = RequestScope(self.request)
        code = self.request.GET.get("locale")
        homes = [home for home in scope.homes if home.locale.language_code == code]
        return homes[0] if homes else scope.site.root_page
