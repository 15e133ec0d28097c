"""What a reader gets at a language's URL (/cy/...) when the site or the page is not in it.

- The site does not offer the language: the site's own 404, in the default language (never
  that language's chrome), saying the site is not offered in it, with a link to the page in
  the default language when the path exists there.
- The site offers it but the page has no version in it yet (Wagtail found the default
  language's page, or an alias of it, or nothing in that language's tree): a page in the
  reader's language saying so, linking the default language's page (hreflang/lang marked).
  It answers 404: the address has no page in that language (search engines must not index the
  notice, and a cache must not keep it once the translation is published under another slug),
  while a person reads the notice and follows the link.
"""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import get_language_info
from wagtail.models import Page, Site

from .branding import Brand
from .languages import is_real_translation


def language_prefix(request) -> str:
    """The language of a prefixed URL (/cy/...), or "" for the default language's URLs."""
    code = translation.get_language() or ""
    default = Brand.for_request(request).default_locale.language_code
    if code == default:
        return ""
    prefix = f"/{code}"
    return code if request.path == prefix or request.path.startswith(prefix + "/") else ""


def default_language_path(request) -> str:
    """The request's path without its language prefix."""
    code = language_prefix(request)
    return request.path[len(code) + 1 :] or "/" if code else request.path


def default_language_page(request, site: Site, path: str) -> Page | None:
    """The live public page `path` (unprefixed) leads to in the site's default-language tree."""
    components = [part for part in path.split("/") if part]
    try:
        page = site.root_page.specific.route(request, components).page
    except Http404:
        return None
    if not page.live or not Page.objects.filter(pk=page.pk).public().exists():
        return None
    return page


def offers_active_language(request) -> bool:
    brand = Brand.for_request(request)
    return brand.active_locale.pk in {locale.pk for locale in brand.offered_locales}


def language_not_offered(request):
    """The site's 404 in the default language: this site is not offered in that language."""
    brand = Brand.for_request(request)
    code = translation.get_language()
    default = brand.default_locale.language_code
    site = brand.site
    path = default_language_path(request)
    with translation.override(default):
        request._network_brand = None  # the chrome in the default language
        english = default_language_page(request, site, path) if site else None
        context = {
            "language_name": get_language_info(code)["name"] if code else "",
            "english_url": path if english else "",
            "english_page": english,
        }
        try:
            return render(request, "network_sites/language_not_offered.html", context, status=404)
        finally:
            request._network_brand = None


def not_yet_translated(request, page: Page):
    """`page` (in the default language, or an alias of it) has no version in the reader's
    language: say so in that language and link the default language's page. A page whose
    translation is live under another slug is redirected to."""
    brand = Brand.for_request(request)
    source = page.alias_of.specific if page.alias_of_id else page
    if source.locale_id != brand.default_locale.pk:
        source = source.get_translation_or_none(brand.default_locale) or source
    served_url = page.get_url(request) or ""
    # The page Wagtail found is in the reader's language's tree (an alias) or the default's.
    in_reader_tree = page.locale_id == brand.active_locale.pk
    path = request.path if in_reader_tree else default_language_path(request)
    subpath = path[len(served_url) :] if served_url and path.startswith(served_url) else ""
    translated = (
        source.get_translations()
        .filter(locale=brand.active_locale, alias_of__isnull=True)
        .live()
        .first()
    )
    translated_url = translated.get_url(request) if translated is not None else None
    # Not to itself: a live translation under a Welsh home still in draft is not reachable
    # (Wagtail routes through the default language's tree until that home is live).
    if (
        translated_url
        and not subpath
        and translated.pk != page.pk
        and translated_url != request.path
    ):
        return HttpResponseRedirect(translated_url)
    context = {
        "english_page": source,
        "english_url": (source.get_url(request) or "/") + subpath,
        "english_lang": brand.default_locale.language_code,
    }
    return render(request, "network_sites/not_yet_translated.html", context, status=404)


def page_for_language(request, page: Page):
    """For the before_serve_page hook: None when `page` may be served at this URL, else the
    response saying why not (see the module's docstring)."""
    if not offers_active_language(request):
        return language_not_offered(request)
    brand = Brand.for_request(request)
    if page.locale_id != brand.active_locale.pk or not is_real_translation(page):
        return not_yet_translated(request, page)
    return None


def missing_in_language(request):
    """For the 404 handler: the response for a prefixed URL that found no page, or None."""
    if not language_prefix(request):
        return None
    site = Brand.for_request(request).site
    if site is None:
        return None
    if not offers_active_language(request):
        return language_not_offered(request)
    routed = getattr(request, "_wagtail_route_for_request", None)
    if routed is not None and routed.page.locale_id == Brand.for_request(request).active_locale.pk:
        return None  # a page in this language answered 404 itself (e.g. no such story)
    english = default_language_page(request, site, default_language_path(request))
    if english is None:
        return None
    return not_yet_translated(request, english)
