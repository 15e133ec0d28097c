"""Everything a public template needs to dress a page in its site's brand, fetched lazily.

The context processor hands templates one `brand` object. Nothing is queried until a template
reads it, so admin pages pay nothing, and each value is fetched once per request in a fixed
number of queries however many sites the network has.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import select_template
from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page, Site

from .models import SiteSettings

logger = logging.getLogger(__name__)

FAVICON_FILTER = "max-64x64"


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    is_current: bool = False


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str
    url: str
    is_current: bool


def themed(template_name: str, theme: str | None) -> list[str]:
    """Template names to try for a theme: themes/<theme>/<name> first, then the default."""
    names = [template_name]
    if theme:
        names.insert(0, f"themes/{theme}/{template_name}")
    return names


class Brand:
    def __init__(self, request):
        self.request = request

    @classmethod
    def for_request(cls, request) -> "Brand":
        """One Brand per request, shared by the context processor, hooks and views."""
        brand = getattr(request, "_network_brand", None)
        if brand is None:
            brand = request._network_brand = cls(request)
        return brand

    @cached_property
    def site(self) -> Site | None:
        return Site.find_for_request(self.request)

    @cached_property
    def settings(self) -> SiteSettings | None:
        if self.site is None:
            return None
        return SiteSettings.for_request(self.request)

    @cached_property
    def name(self) -> str:
        if self.settings and self.settings.display_name:
            return self.settings.display_name
        return self.site.site_name if self.site else settings.WAGTAIL_SITE_NAME

    @cached_property
    def theme(self) -> str:
        return self.settings.theme if self.settings else "coalition"

    @cached_property
    def base_template(self):
        return select_template(themed("base.html", self.theme))

    @cached_property
    def logo_icon_url(self) -> str | None:
        """The logo's small rendition for the favicon, or None without a logo or when it cannot
        be rendered (a missing file): sites.favicon then draws the site's initials."""
        if self.settings is None or self.settings.logo is None:
            return None
        try:
            return self.settings.logo.get_rendition(FAVICON_FILTER).url
        except Exception:
            logger.warning("No favicon rendition for logo %s", self.settings.logo_id, exc_info=True)
            return None

    @cached_property
    def active_locale(self) -> Locale:
        return Locale.get_active()

    @cached_property
    def root_page(self) -> Page | None:
        """This site's home page in the reader's language (falls back to the default)."""
        if self.site is None:
            return None
        root = self.site.root_page
        if root.locale_id == self.active_locale.pk:
            return root
        return (
            Page.objects.filter(translation_key=root.translation_key, locale=self.active_locale)
            .live()
            .first()
            or root
        )

    @cached_property
    def offered_locales(self) -> list[Locale]:
        default = Locale.get_default()
        if self.settings is None:
            return [default]
        offered = list(self.settings.locales_offered.all().order_by("pk"))
        if default.pk not in {locale.pk for locale in offered}:
            offered.insert(0, default)
        return offered

    @cached_property
    def navigation(self) -> list[MenuLink]:
        if self.settings is None:
            return []
        items = list(self.settings.navigation_items.select_related("page").order_by("sort_order"))
        localized = self._localized_pages([item.page for item in items if item.page_id])
        current_path = self.request.path
        links = []
        for item in items:
            if item.page_id:
                page = localized.get(item.page.translation_key, item.page)
                if not page.live:
                    continue
                url = page.get_url(self.request) or ""
                label = item.label if item.label and page is item.page else page.title
                is_current = bool(url) and url != "/" and current_path.startswith(url)
                links.append(MenuLink(label, url, is_current))
            else:
                links.append(MenuLink(item.label, item.url))
        return links

    @cached_property
    def social_links(self):
        if self.settings is None:
            return []
        return list(self.settings.social_links.order_by("sort_order"))

    def _localized_pages(self, pages: list[Page]) -> dict:
        """One query for the reader's-language versions of the menu's pages."""
        if not pages or all(page.locale_id == self.active_locale.pk for page in pages):
            return {}
        return {
            page.translation_key: page
            for page in Page.objects.filter(
                translation_key__in=[page.translation_key for page in pages],
                locale=self.active_locale,
            ).live()
        }

    def language_links(self, page: Page | None = None) -> list[LanguageLink]:
        """Links to this page in each language the site offers (its home where untranslated)."""
        offered = self.offered_locales
        if len(offered) < 2:
            return []
        translation_key = page.translation_key if page else None
        candidates = {}
        keys = [key for key in (translation_key, self.site.root_page.translation_key) if key]
        for candidate in Page.objects.filter(translation_key__in=keys, locale__in=offered).live():
            candidates[(candidate.translation_key, candidate.locale_id)] = candidate
        current = get_language()
        links = []
        for locale in offered:
            target = candidates.get((translation_key, locale.pk)) or candidates.get(
                (self.site.root_page.translation_key, locale.pk)
            )
            if target is None:
                continue
            links.append(
                LanguageLink(
                    code=locale.language_code,
                    name=get_language_info(locale.language_code)["name_local"],
                    url=target.get_url(self.request) or "",
                    is_current=locale.language_code == current,
                )
            )
        return links
