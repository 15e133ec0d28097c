"""The stories a site shows, in its search: the same set as its /stories/ page (the network's
and the site's own, live and consented), in the reader's language, each linked on this site.
Registered with sites' search by cms/stories/wagtail_hooks.py."""

import logging

from django.db import DatabaseError
from wagtail.models import Site
from wagtail.search.backends import get_search_backend

from sites.search import SearchResults, search_terms

from .models import StoryIndexPage
from .models.pages import stories_in_language

RESULTS_TEMPLATE = "stories/site_search_results.html"

logger = logging.getLogger(__name__)


def search_stories(request, query: str, root, limit: int = 12) -> SearchResults | None:
    """(story, url) pairs of the stories this site shows that match the query: in the title,
    quote, story, person's name, town or themes (Story.search_fields)."""
    terms = search_terms(query)
    site = Site.find_for_request(request)
    if root is None or site is None or not terms:
        return None
    # Under `root`, the site's home in the reader's language (a translation is the home's
    # sibling, not its child: StoryIndexPage.for_site would not find it).
    index = StoryIndexPage.objects.live().descendant_of(root).order_by("depth").first()
    if index is None:
        return None
    visible = stories_in_language(site, index.locale)
    try:
        found = [story.pk for story in get_search_backend().search(terms, visible)[:limit]]
    except DatabaseError:
        logger.exception("Story search failed for %r", query)
        return None
    if not found:
        return None
    stories = visible.filter(pk__in=found).prefetch_related("themes")
    by_pk = {story.pk: story for story in stories}
    index_url = index.get_url(request)
    return SearchResults(
        RESULTS_TEMPLATE,
        [
            (by_pk[pk], index_url + index.reverse_subpage("story", args=[by_pk[pk].slug]))
            for pk in found
            if pk in by_pk
        ],
    )
