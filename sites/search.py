"""Search of one site: its own pages in the reader's language, and what the feature apps add.

Hook read here:

- ``register_site_search_results``: a function ``fn(request, query, root)`` (``root``: the
  site's root page, or None) returning a SearchResults section to show above the site's pages,
  or None when that app has nothing on this site for the query. Sections show in hook order.
  The coalition's member search is one (cms/coalition/wagtail_hooks.py), the stories the site
  shows another (cms/stories/wagtail_hooks.py).
"""

import logging
from dataclasses import dataclass

from django.db import DatabaseError
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.models import Page

from cms.core.models import NewsArticlePage
from cms.core.pagination import paginate

SITE_SEARCH_RESULTS_HOOK = "register_site_search_results"
SEARCH_RESULTS_PER_PAGE = 10

logger = logging.getLogger(__name__)


@dataclass
class SearchResults:
    """A section of the search page: `template` renders `results` (given as `section`)."""

    template: str
    results: list


def search_terms(query: str) -> str:
    """The query as search terms: quotes are search syntax to some backends (SQLite FTS5 fails
    on an unbalanced one)."""
    return query.replace('"', " ").strip()


def search_pages(request, query: str, root: Page | None):
    """A page of this site's live public pages matching the query (none on a database error)."""
    pages = Page.objects.none()
    if root is not None:
        pages = Page.objects.live().public().descendant_of(root, inclusive=True).specific()
    terms = search_terms(query)
    try:
        return paginate(
            request, pages.search(terms) if terms else pages.none(), SEARCH_RESULTS_PER_PAGE
        )
    except DatabaseError:
        logger.exception("Search failed for %r", query)
        return paginate(request, Page.objects.none(), SEARCH_RESULTS_PER_PAGE)


def result_kind(page: Page) -> str:
    """What a page result is, to label it: news, or a page."""
    return _("News") if isinstance(page, NewsArticlePage) else _("Page")


def registered_results(request, query: str, root: Page | None) -> list[SearchResults]:
    """The sections the apps registered under register_site_search_results, for this query."""
    found = (fn(request, query, root) for fn in hooks.get_hooks(SITE_SEARCH_RESULTS_HOOK))
    return [section for section in found if section is not None]
