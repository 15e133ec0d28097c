"""/sitemap.xml: the request's site only, with each page's hreflang alternates.

Django's sitemap i18n mode (`i18n`, `alternates`, `x_default`) assumes one object with a URL per
language; a Wagtail page has a row per language instead, and Wagtail's Sitemap builds its URLs
in `_urls` from each page's get_sitemap_urls. So the alternates are added there, in the shape
Django's sitemap.xml template reads (`url.alternates`: lang_code and location)."""

from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from .branding import Brand


class SiteSitemap(Sitemap):
    """The request's site only, in every language that site offers (as its pages are served:
    sites.wagtail_hooks): live, public pages in their own language (no aliases)."""

    def _pages(self):
        brand = Brand.for_request(self.request)
        roots = Page.objects.filter(
            translation_key=brand.site.root_page.translation_key,
            locale__in=brand.offered_locales,
        ).live()
        in_tree = Q(pk__in=[])
        for root in roots:
            in_tree |= Q(path__startswith=root.path, depth__gte=root.depth)
        return Page.objects.filter(in_tree, alias_of__isnull=True).live().public().order_by("path")

    def items(self):
        return self._pages().defer_streamfields().specific()

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        if len(Brand.for_request(self.request).offered_locales) < 2:
            return urls
        alternates = self._alternates()
        for url_info in urls:
            url_info["alternates"] = alternates.get(url_info["location"], [])
        return urls

    def _alternates(self) -> dict[str, list[dict]]:
        """Each page's URL -> the URLs of every language version in the sitemap, x-default last
        (the default language's)."""
        default_code = Brand.for_request(self.request).default_locale.language_code
        groups: dict = {}
        for page in self._pages().select_related("locale"):
            groups.setdefault(page.translation_key, []).append(
                {
                    "lang_code": page.locale.language_code,
                    "location": page.get_full_url(self.request),
                }
            )
        alternates = {}
        for versions in groups.values():
            if len(versions) < 2:
                continue
            links = sorted(versions, key=lambda version: version["lang_code"] != default_code)
            default = [v for v in versions if v["lang_code"] == default_code]
            if default:
                links = [*links, {"lang_code": "x-default", "location": default[0]["location"]}]
            for version in versions:
                alternates[version["location"]] = links
        return alternates
