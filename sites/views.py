"""Per-site public views: search, robots.txt, sitemap, the theme's colours, error pages."""

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.db import DatabaseError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from cms.coalition.models import Member, MemberDirectoryPage
from cms.core.pagination import paginate
from cms.core.text import query_param

from .branding import Brand
from .models import SiteSettings
from .sitemap import SiteSitemap

logger = logging.getLogger(__name__)

SEARCH_RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


@require_safe
def search(request):
    """Search this site only, in the reader's language: Coventry never returns national pages."""
    query = query_param(request, "q", MAX_QUERY_LENGTH)
    results = None
    if query:
        results = _search_site(request, query)
    context = {
        "query": query,
        "results": results,
        "member_results": _search_members(request, query) if query else [],
        "extra_query": urlencode({"q": query}) + "&",
    }
    return render(request, "network_sites/search.html", context)


def _search_site(request, query: str):
    root = Brand.for_request(request).root_page
    pages = Page.objects.none()
    if root is not None:
        pages = Page.objects.live().public().descendant_of(root, inclusive=True).specific()
    # Quotes are search syntax to some backends (SQLite FTS5 fails on an unbalanced one).
    terms = query.replace('"', " ").strip()
    try:
        return paginate(
            request, pages.search(terms) if terms else pages.none(), SEARCH_RESULTS_PER_PAGE
        )
    except DatabaseError:
        logger.exception("Search failed for %r", query)
        return paginate(request, Page.objects.none(), SEARCH_RESULTS_PER_PAGE)


def _search_members(request, query: str, limit: int = 12) -> list[tuple]:
    """Coalition members, on a site that has a member directory (the national one)."""
    root = Brand.for_request(request).root_page
    directory = (
        MemberDirectoryPage.objects.live().filter(path__startswith=root.path).first()
        if root is not None
        else None
    )
    terms = query.replace('"', " ").strip()
    if directory is None or not terms:
        return []
    try:
        in_locale = Member.objects.filter(locale_id=directory.locale_id)
        members = list(get_search_backend().search(terms, in_locale)[:limit])
    except DatabaseError:
        logger.exception("Member search failed for %r", query)
        return []
    return [(member, directory.member_url(member, request)) for member in members]


@require_safe
def sitemap(request):
    return django_sitemap(request, sitemaps={"pages": SiteSitemap(request)})


@require_safe
@cache_control(max_age=3600, public=True)
def robots_txt(request):
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
    return render(request, "404.html", status=404)


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
