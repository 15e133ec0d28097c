"""Per-site public views: search, robots.txt, sitemap, the theme's colours, error pages."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Site

from cms.core.text import query_param

from .branding import Brand
from .language_pages import language_not_offered, missing_in_language, offers_active_language
from .models import SiteSettings
from .page_cache import allow_for_site
from .page_links import other_language
from .search import registered_results, result_kind, search_pages
from .sitemap import SiteSitemap

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200


@require_safe
def search(request):
    """Search this site only, in the reader's language: Coventry never returns national pages.
    The apps' own results (the coalition's members) come first (sites.search)."""
    if not offers_active_language(request):
        return language_not_offered(request)
    query = query_param(request, "q", MAX_QUERY_LENGTH)
    results, sections = None, []
    if query:
        brand = Brand.for_request(request)
        root = brand.root_page
        results = search_pages(request, query, root)
        for page in results:
            page.search_kind = result_kind(page)
            # The default language's pages, searched while the site's home is not yet live in
            # the reader's language: marked as such.
            page.search_lang = other_language(page, brand.active_locale)
        sections = registered_results(request, query, root)
    context = {
        "query": query,
        "results": results,
        "search_sections": sections,
        "extra_query": urlencode({"q": query}) + "&",
    }
    return render(request, "network_sites/search.html", context)


@require_safe
def sitemap(request):
    allow_for_site(request, Site.find_for_request(request))
    return django_sitemap(request, sitemaps={"pages": SiteSitemap(request)})


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
    allow_for_site(request, Site.find_for_request(request))
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /search/",
        "",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_safe
def theme_css(request):
    """The site's brand colours as CSS custom properties; cached for long when versioned."""
    allow_for_site(request, Site.find_for_request(request))
    site_settings = Brand.for_request(request).settings or SiteSettings()
    response = HttpResponse(
        loader.render_to_string("network_sites/theme.css", {"settings": site_settings}),
        content_type="text/css; charset=utf-8",
    )
    max_age = 31536000 if request.GET.get("v") else 300
    patch_cache_control(response, public=True, max_age=max_age)
    return response


@require_safe
def healthz(request):
    """A constant response: load balancers' health check and the benchmarks' baseline."""
    return HttpResponse("ok", content_type="text/plain")


def page_not_found(request, exception=None):
    """The site's own 404; under a language prefix, what sites.language_pages says first.
    Kept briefly in the page cache (PAGE_CACHE_NOT_FOUND_SECONDS), as bots ask again and again."""
    allow_for_site(request, Site.find_for_request(request))
    return missing_in_language(request) or render(request, "404.html", status=404)


def server_error(request):
    """Branded when the database answers; a plain page when it does not."""
    try:
        return render(request, "500.html", status=500)
    except Exception:
        logger.exception("Could not render the branded 500 page")
        return HttpResponseServerError(
            loader.render_to_string("500_plain.html"), content_type="text/html"
        )


def dev_outbox(request):
    """Development only: the mail the file backend wrote, newest first, for newcomers to read."""
    outbox = settings.EMAIL_FILE_PATH
    messages = []
    if outbox.exists():
        files = sorted(outbox.glob("*.log"), key=lambda path: path.stat().st_mtime, reverse=True)
        messages = [
            {"name": path.name, "body": path.read_text(errors="replace")} for path in files[:50]
        ]
    return render(request, "network_sites/dev_outbox.html", {"messages": messages})
