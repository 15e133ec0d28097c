"""/sitemap.xml: the request's site only."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .branding import Brand


class SiteSitemap(Sitemap):
    """The request's site only, in every language that site offers (as its pages are served:
    sites.wagtail_hooks)."""

    def items(self):
        brand = Brand.for_request(self.request)
        roots = Page.objects.filter(
            translation_key=brand.site.root_page.translation_key,
            locale__in=brand.offered_locales,
        ).live()
        in_tree = Q(pk__in=[])
        for root in roots:
            in_tree |= Q(path__startswith=root.path, depth__gte=root.depth)
        return (
            Page.objects.filter(in_tree)
            .live()
            .public()
            .order_by("path")
            .defer_streamfields()
            .specific()
        )
