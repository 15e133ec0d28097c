"""Everything a public template needs to dress a page in its site's brand, fetched lazily.

The context processor hands templates one `brand` object. Nothing is queried until a template
reads it, so admin pages pay nothing, and each value is fetched once per request in a fixed
number of queries however many sites the network has.
"""

import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.template.loader import select_template
from django.utils.functional import cached_property
from django.utils.translation import get_language, get_language_info
from wagtail.models import Locale, Page, Site

from cms.core.page_cache import remember, tag_versions
from cms.core.page_cache import seconds as page_cache_seconds

from . import conf
from .models import SiteSettings
from .page_cache import site_tag
from .page_links import in_reader_language, other_language

logger = logging.getLogger(__name__)

FAVICON_FILTER = "max-64x64"


@dataclass(frozen=True)
class Text:
    """Words a site's editors wrote, and their language where it is not the page's (for a
    `lang` attribute: English shown on a Welsh page until the Welsh is written)."""

    value: str
    lang: str = ""

    def __str__(self) -> str:
        return self.value

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    is_current: bool = False
    # Set when the link leads to a page in another language than the reader's (its hreflang),
    # and its label is in that language.
    lang: str = ""


@dataclass(frozen=True)
class SocialLink:
    url: str
    platform: str
    get_platform_display: str  # the name templates show, as the model's method gives it


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
    def name_text(self) -> Text:
        """The site's name in the reader's language where editors gave one, else its own."""
        if self.site_text and self.site_text.display_name:
            return Text(self.site_text.display_name)
        if self.settings and self.settings.display_name:
            name = self.settings.display_name
        else:
            # A site with no name of its own (wagtail start's) goes by the project's.
            name = (self.site and self.site.site_name) or settings.WAGTAIL_SITE_NAME
        return Text(name, self.fallback_lang)

    @cached_property
    def name(self) -> str:
        return self.name_text.value

    @cached_property
    def default_locale(self) -> Locale:
        return Locale.get_default()

    @cached_property
    def fallback_lang(self) -> str:
        """The `lang` of the default language's words on this page: "" when that is the page's."""
        if self.active_locale.pk == self.default_locale.pk:
            return ""
        return self.default_locale.language_code

    @cached_property
    def site_text(self):
        """The site text editors wrote in the reader's language (sites.models.SiteText)."""
        if self.settings is None or not self.fallback_lang:
            return None
        return self.settings.texts.filter(locale=self.active_locale).first()

    def _text(self, field: str) -> Text:
        translated = getattr(self.site_text, field, "") if self.site_text else ""
        if translated:
            return Text(translated)
        return Text(getattr(self.settings, field, "") or "", self.fallback_lang)

    @cached_property
    def tagline(self) -> Text:
        return self._text("tagline")

    @cached_property
    def footer_text(self) -> Text:
        return self._text("footer_text")

    @cached_property
    def theme(self) -> str:
        return self.settings.theme if self.settings else "coalition"

    @cached_property
    def base_template(self):
        return select_template(themed(conf.base_template(), self.theme))

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
            Page.objects.filter(
                translation_key=root.translation_key,
                locale=self.active_locale,
                alias_of__isnull=True,
            )
            .live()
            .first()
            or root
        )

    @cached_property
    def home_link(self) -> MenuLink:
        """The link home: in the reader's language, else the default one's, marked as such."""
        root = self.root_page
        if root is None:
            return MenuLink(self.name, "/")
        lang = "" if root.locale_id == self.active_locale.pk else self.default_locale.language_code
        return MenuLink(self.name, root.get_url(self.request) or "/", lang=lang)

    @cached_property
    def offered_locales(self) -> list[Locale]:
        default = self.default_locale
        if self.settings is None:
            return [default]
        offered = list(self.settings.locales_offered.all().order_by("pk"))
        if default.pk not in {locale.pk for locale in offered}:
            offered.insert(0, default)
        return offered

    @cached_property
    def navigation(self) -> list[MenuLink]:
        """The menu in the reader's language: each page's translation where there is one, else
        the page itself marked with its language; custom labels as editors wrote them for
        that language (NavigationItemLabel), else the default one's, marked. Kept per site and
        language until the site is purged (cms.core.page_cache.remember); the link to the page
        being read is marked for each request."""
        if self.settings is None:
            return []
        links = remember(
            site_tag(self.site), f"menu:{self.active_locale.pk}", self._navigation_links
        )
        return [replace(link, is_current=self._is_current(link.url)) for link in links]

    def _is_current(self, url: str) -> bool:
        return bool(url) and url != "/" and self.request.path.startswith(url)

    def _navigation_links(self) -> list[MenuLink]:
        items = self.settings.navigation_items.select_related("page").order_by("sort_order")
        if self.fallback_lang:  # labels in other languages are read on their pages only
            items = items.prefetch_related("labels")
        items = list(items)
        localized = self._localized_pages([item.page for item in items if item.page_id])
        links = []
        for item in items:
            if item.page_id:
                link = self._page_link(item, localized.get(item.page.translation_key, item.page))
                if link is not None:
                    links.append(link)
            else:
                label, lang = self._item_label(item)
                links.append(MenuLink(label, item.url, lang=lang))
        return links

    def _item_label(self, item) -> tuple[str, str]:
        """A menu item's own label in the reader's language, or the default's and its lang."""
        if self.fallback_lang and (translated := item.label_in(self.active_locale.pk)):
            return translated, ""
        return item.label, self.fallback_lang

    def _page_link(self, item, page: Page) -> MenuLink | None:
        if not page.live:
            return None
        url = page.get_url(self.request) or ""
        is_current = False  # marked per request by `navigation`
        in_reader_language = page.locale_id == self.active_locale.pk
        page_lang = "" if in_reader_language else self.default_locale.language_code
        if not item.label:
            return MenuLink(page.title, url, is_current, page_lang)
        label, label_lang = self._item_label(item)
        if label_lang and in_reader_language:
            label = page.title  # the page's own title in the reader's language beats English
            label_lang = ""
        return MenuLink(label, url, is_current, label_lang or page_lang)

    @cached_property
    def fragment_seconds(self) -> int:
        """How long a template may keep a fragment of this site's pages ({% wagtailcache %}):
        as long as the page cache keeps pages; 0 (not at all) when it is off."""
        return page_cache_seconds()

    @cached_property
    def fragment_version(self) -> str:
        """Changes whenever the site is purged: a template fragment keyed on it is rebuilt."""
        if self.site is None or not self.fragment_seconds:
            return ""
        tag = site_tag(self.site)
        return str(tag_versions([tag])[tag])

    @cached_property
    def social_links(self) -> list[SocialLink]:
        """The footer's links, kept per site and language until the site is purged."""
        if self.settings is None:
            return []
        return remember(
            site_tag(self.site),
            f"social:{get_language()}",
            lambda: [
                SocialLink(link.url, link.platform, str(link.get_platform_display()))
                for link in self.settings.social_links.order_by("sort_order")
            ],
        )

    def _localized_pages(self, pages: list[Page]) -> dict:
        """One query for the reader's-language versions of the menu's pages."""
        if not pages or all(page.locale_id == self.active_locale.pk for page in pages):
            return {}
        return {
            page.translation_key: page
            for page in Page.objects.filter(
                translation_key__in=[page.translation_key for page in pages],
                locale=self.active_locale,
                alias_of__isnull=True,
            ).live()
        }

    def page_link(self, page: Page) -> MenuLink:
        """A link from content to `page`: its version in the reader's language where live,
        else `page` marked with its language (sites.page_links). No query for a page already
        in the reader's language."""
        page = in_reader_language(page, self.active_locale)
        lang = other_language(page, self.active_locale)
        return MenuLink(page.title, page.get_url(self.request) or "", lang=lang)

    def _versions(self, page: Page | None) -> dict:
        """(translation_key, locale pk) -> the live page in that language (no alias), for
        `page` and the site's home, in the languages the site offers: one query a page, shared
        by the language switcher and the hreflang alternates."""
        cache = self.__dict__.setdefault("_versions_cache", {})
        page_key = page.pk if page else None
        if page_key not in cache:
            keys = [page.translation_key] if page else []
            keys.append(self.site.root_page.translation_key)
            cache[page_key] = {
                (version.translation_key, version.locale_id): version
                for version in Page.objects.filter(
                    translation_key__in=keys,
                    locale__in=self.offered_locales,
                    alias_of__isnull=True,
                ).live()
            }
        return cache[page_key]

    def language_links(self, page: Page | None = None) -> list[LanguageLink]:
        """Links to this page in each language the site offers (its home where untranslated)."""
        offered = self.offered_locales
        if len(offered) < 2:
            return []
        translation_key = page.translation_key if page else None
        candidates = self._versions(page)
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

    def alternates(self, page: Page | None) -> list[LanguageLink]:
        """hreflang alternates of `page`: its full URL in each language the site offers where
        it is live in that language (not an alias), then x-default (the default language's).
        A private page has none: its versions are not for search engines."""
        offered = self.offered_locales
        if page is None or self.site is None or len(offered) < 2:
            return []
        if getattr(self.request, "is_preview", False):
            return []
        versions = {
            locale_id: version
            for (key, locale_id), version in self._versions(page).items()
            if key == page.translation_key
        }
        shown = versions.get(self.active_locale.pk)
        if shown is None or shown.get_url(self.request) != self.request.path:
            return []  # a route of the page (a story under /stories/): not the page's versions
        links = [
            LanguageLink(
                locale.language_code, "", versions[locale.pk].get_full_url(self.request), False
            )
            for locale in offered
            if locale.pk in versions
        ]
        default = versions.get(self.default_locale.pk)
        if links and default is not None:
            links.append(LanguageLink("x-default", "", default.get_full_url(self.request), False))
        return links
