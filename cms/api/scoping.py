"""Which site an API request speaks for, and in which languages: the requesting host's Site
(as Wagtail finds it for the public pages), the languages that site offers."""

from __future__ import annotations

from django.utils.functional import cached_property
from wagtail.api.v2.utils import BadRequestError
from wagtail.models import Locale, Page, Site

from sites.branding import Brand


class RequestScope:
    """The requesting site, its offered languages and its home in each of them."""

    def __init__(self, request):
        self.request = request

    @cached_property
    def site(self) -> Site | None:
        return Site.find_for_request(self.request)

    @cached_property
    def offered_locales(self) -> list[Locale]:
        return Brand.for_request(self.request).offered_locales

    def locale(self, code: str | None) -> Locale:
        """The offered locale of a ?locale= code (the default language without one)."""
        if not code:
            return Brand.for_request(self.request).default_locale
        for locale in self.offered_locales:
            if locale.language_code == code:
                return locale
        offered = ", ".join(locale.language_code for locale in self.offered_locales)
        raise BadRequestError(f"locale: this site is offered in {offered}")

    @cached_property
    def homes(self) -> list[Page]:
        """The site's home in each language it offers, where it is live and written in that
        language (a draft Welsh home means the site is not in Welsh yet: nothing under it)."""
        if self.site is None:
            return []
        root = self.site.root_page
        offered = [locale.pk for locale in self.offered_locales]
        return list(
            Page.objects.live()
            .filter(
                translation_key=root.translation_key, locale_id__in=offered, alias_of__isnull=True
            )
            .select_related("locale")
        )

    def home_in(self, locale: Locale) -> Page | None:
        return next((home for home in self.homes if home.locale_id == locale.pk), None)

    def check_site_parameter(self) -> None:
        """?site= may name the requesting site only: another site's pages are served on that
        site's own host, never through this one."""
        named = self.request.GET.get("site")
        if named is None:
            return
        hostname, _sep, port = named.partition(":")
        site = self.site
        if (
            site is None
            or hostname.lower() != site.hostname.lower()
            or (port and port != str(site.port))
        ):
            raise BadRequestError(
                "site: this address serves its own site only; ask the other site's host"
            )
