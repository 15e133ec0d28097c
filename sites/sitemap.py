from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .models import SiteSettings


class SiteSitemap(Sitemap):
    """The request's site only, in every language that site offers."""

    def items(self):
        site = self.get_wagtail_site()
        site_settings = SiteSettings.for_site(site)
        offered = list(site_settings.locales_offered.values_list("pk", flat=True))
        offered.append(site.root_page.locale_id)
        roots = Page.objects.filter(
            translation_key=site.root_page.translation_key, locale_id__in=offered
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
