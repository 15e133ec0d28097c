"""The stories a site shows, in its search: the same set as its /stories/ page (the network's
and the site's own, live and consented), in the reader's language, each linked on this site.
Registered with sites' search by cms/stories/wagtail_hooks.py."""

import logging

from django.db import DatabaseError
from wagtail.models import Locale, Site
from wagtail.search.backends import get_search_backend

from sites.search import SearchResults, search_terms

from .models import Story, StoryIndexPage
from .models.pages import stories_in_language

RESULTS_TEMPLATE = "stories/site_search_results.html"

logger = logging.getLogger(__name__)


# How many matches in a second language's candidates are read to find `limit` shown ones.
MATCH_WINDOW = 200


def _matching(terms: str, visible, locale_id: int) -> list[int]:
    """The pks of `visible` stories matching `terms`, best first. In a second language the
    stories shown are decided by EXISTS conditions the search backends cannot filter on: they
    search the live stories of both languages and keep those shown."""
    backend = get_search_backend()
    default = Locale.get_default()
    if locale_id == default.pk:
        return [story.pk for story in backend.search(terms, visible)]
    candidates = Story.objects.filter(live=True, locale__in=[locale_id, default.pk])
    hits = [story.pk for story in backend.search(terms, candidates)[:MATCH_WINDOW]]
    shown = set(visible.filter(pk__in=hits).values_list("pk", flat=True))
    return [pk for pk in hits if pk in shown]


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
    visible = stories_in_language(site, index.locale_id, Locale.get_default())
    try:
        found = _matching(terms, visible, index.locale_id)[:limit]
    except DatabaseError:
        logger.exception("Story search failed for %r", query)
        return None
    if not found:
        return None
    stories = visible.filter(pk__in=found).select_related("locale").prefetch_related("themes")
    by_pk = {story.pk: story for story in stories}
    for story in by_pk.values():
        # A story shown in its source language on a page in another one is marked as such.
        story.other_language = index.other_language(story)
    index_url = index.get_url(request)
    return SearchResults(
        RESULTS_TEMPLATE,
        [
            (by_pk[pk], index_url + index.reverse_subpage("story", args=[by_pk[pk].slug]))
            for pk in found
            if pk in by_pk
        ],
    )
