"""What a URL pasted into another website leads to, for oEmbed: one of our sites' live, public
story pages, campaign pages or news articles, or nothing.

The URL is never fetched and never followed: its host must be one of our Sites (hostname and
port, or a hostname only one Site has; never the default site's fallback for unknown hosts,
nor a redirect of wagtail.contrib.redirects), and its path is routed through that site's own
page tree, in the language of its prefix (/cy/...) when the site offers that language.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import translation
from wagtail.models import Locale, Page, Site

from cms.core.models import CampaignPage, NewsArticlePage
from cms.stories.models import Story, StoryIndexPage
from sites.branding import Brand

MAX_URL_LENGTH = 2048


@dataclass(frozen=True)
class Embeddable:
    """What a URL showed: a page or a story, on `site`, in `language`, at `url`."""

    site: Site
    language: str
    url: str
    page: Page
    request: HttpRequest
    story: Story | None = None

    @property
    def brand(self) -> Brand:
        return Brand.for_request(self.request)


def our_site(hostname: str, port: int) -> Site | None:
    """The Site with this hostname and port, else the only Site with this hostname."""
    candidates = list(Site.objects.filter(hostname__iexact=hostname).select_related("root_page"))
    exact = [site for site in candidates if site.port == port]
    if len(exact) == 1:
        return exact[0]
    return candidates[0] if len(candidates) == 1 else None


def split_language(path: str) -> tuple[str, str]:
    """(language code, path without it) of a path: /cy/stories/ -> ("cy", "/stories/")."""
    default = settings.LANGUAGE_CODE
    for code, _name in settings.LANGUAGES:
        if code != default and (path == f"/{code}" or path.startswith(f"/{code}/")):
            return code, path[len(code) + 1 :] or "/"
    return default, path


def _request_for(site: Site, path: str) -> HttpRequest:
    """A request for `path` on `site`, for the page routing code that takes one (never served)."""
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"HTTP_HOST": site.hostname, "SERVER_PORT": str(site.port)}
    request._wagtail_site = site  # what Site.find_for_request would find
    return request


def _home_in(site: Site, request: HttpRequest, language: str) -> Page | None:
    """The site's home in `language`: live, written in it, and the site offers it."""
    home = site.root_page
    if language == settings.LANGUAGE_CODE:
        return home.specific
    locale = Locale.objects.filter(language_code=language).first()
    if locale is None or locale.pk not in {
        offered.pk for offered in Brand.for_request(request).offered_locales
    }:
        return None
    translated = home.get_translation_or_none(locale)
    if translated is None or not translated.live or translated.alias_of_id:
        return None
    return translated.specific


def _is_public(page: Page) -> bool:
    return (
        page.live and page.alias_of_id is None and Page.objects.filter(pk=page.pk).public().exists()
    )


def resolve(url: str) -> Embeddable | None:
    """The story, campaign page or news article `url` shows to a reader, if it is ours."""
    if not url or len(url) > MAX_URL_LENGTH or any(ord(char) < 32 for char in url.strip()):
        return None  # control characters (a NUL breaks PostgreSQL) are in no address of ours
    try:
        parts = urlsplit(url.strip())
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    site = our_site(parts.hostname, port)
    if site is None:
        return None
    language, path = split_language(parts.path or "/")
    request = _request_for(site, parts.path or "/")
    with translation.override(language):
        home = _home_in(site, request, language)
        if home is None:
            return None
        try:
            page, args, _kwargs = home.route(request, [part for part in path.split("/") if part])
        except Http404:
            return None
        page = page.specific
        if not _is_public(page):
            return None
        story = None
        if isinstance(page, StoryIndexPage):
            story = _story_at(page, request, args)
            if story is None:
                return None
        elif not isinstance(page, CampaignPage | NewsArticlePage) or args:
            return None
    return Embeddable(
        site=site, language=language, url=url.strip(), page=page, request=request, story=story
    )


def _story_at(index: StoryIndexPage, request: HttpRequest, route_args) -> Story | None:
    """The story a story index's /<slug>/ route shows, as its own view would find it."""
    match = getattr(request, "routable_resolver_match", None)
    if match is None or match.url_name != "story" or not route_args:
        return None
    slug = match.kwargs.get("slug", "")
    visible = index.visible_stories(request).select_related("image", "locale", "site")
    return (
        visible.filter(slug=slug).first()
        or visible.filter(
            translation_key__in=Story.objects.filter(slug=slug).values("translation_key")
        ).first()
    )
