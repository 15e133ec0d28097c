"""The coalition's members in a site's search: on a site that has a member directory (the
national one). Registered with sites' search by cms/coalition/wagtail_hooks.py."""

import logging

from django.db import DatabaseError
from wagtail.search.backends import get_search_backend

from sites.search import SearchResults, search_terms

from .models import Member, MemberDirectoryPage

RESULTS_TEMPLATE = "coalition/site_search_results.html"

logger = logging.getLogger(__name__)


def search_members(request, query: str, root, limit: int = 12) -> SearchResults | None:
    """(member, url) pairs of the members matching the query, in the directory's language."""
    directory = (
        MemberDirectoryPage.objects.live().filter(path__startswith=root.path).first()
        if root is not None
        else None
    )
    terms = search_terms(query)
    if directory is None or not terms:
        return None
    try:
        in_locale = Member.objects.filter(locale_id=directory.locale_id)
        members = list(get_search_backend().search(terms, in_locale)[:limit])
    except DatabaseError:
        logger.exception("Member search failed for %r", query)
        return None
    if not members:
        return None
    return SearchResults(
        RESULTS_TEMPLATE, [(member, directory.member_url(member, request)) for member in members]
    )
