"""Guards put on Wagtail's own admin URL patterns, for a network of sites in one admin.

Wagtail's admin is written for one organisation: many of its views check a model permission
("may this user edit pages at all?") and then show whatever object the URL names. Rather than
copying routes one by one in front of Wagtail's (a route Wagtail renames or adds in an upgrade
would slip past), the admin's URL patterns are walked once they are built (`guard_admin_urls`,
called from cms/urls.py) and:

- every view that takes a page id (`page_id`, `parent_page_id`, `page_to_move_id`, and the
  revisions comparison's `pk`) first checks that the page is in one of the user's own trees, an
  ancestor they pass through, or a page whose current moderation step they review. Anyone else
  gets Wagtail's refusal before Wagtail's view runs, so no view can name that page's draft
  title, not even in a flash message;
- views named in `REPLACED` are swapped for scoped versions (chapters.admin_views);
- views named in `SUPERUSERS_ONLY` (network-wide reports) are closed to everyone else;
- every view of wagtail-localize is listed in `localize_views.LOCALIZE_GUARDS` with the check of
  the page, snippet, translation source or translation its URL names.

A name that is registered here but no longer exists in Wagtail's URLs is an error at start-up
(`ImproperlyConfigured`), so an upgrade that moves a guarded view cannot pass unnoticed; so is a
wagtail-localize view that is not listed (an upgrade that adds or renames one).
"""

from collections.abc import Callable, Iterator
from functools import wraps

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import URLPattern, URLResolver
from wagtail.admin.auth import permission_denied
from wagtail.models import Page

from . import admin_views, localize_views
from .scoping import may_reach_page

# Arguments that name a page, in every admin view that takes one.
PAGE_ARGUMENTS = ("page_id", "parent_page_id", "page_to_move_id")
# Views whose page argument has another name.
PAGE_ARGUMENT_OF = {"wagtailadmin_pages:revisions_compare": "pk"}
# The explorer already answers a foreign page by sending the user to their own tree.
PAGE_GUARD_EXEMPT = {"wagtailadmin_explore", "wagtailadmin_explore_results"}

SUPERUSERS_ONLY = {
    # Counts pages across every site and names the last edited page of each type, drafts
    # included.
    "wagtailadmin_reports:page_types_usage",
    "wagtailadmin_reports:page_types_usage_results",
}

# Views replaced by scoped versions: name -> the view to serve instead.
REPLACED: dict[str, Callable] = {
    "wagtailadmin_choose_page_chosen_multiple": admin_views.page_chosen_multiple,
    "wagtailadmin_choose_page_external_link": admin_views.external_link,
    "wagtail_localize:translations_report": localize_views.translations_report,
    "wagtail_localize:translations_report_results": localize_views.translations_report_results,
    "wagtail_localize:snippets_api_listing": localize_views.snippets_api_listing,
    "wagtail_localize:snippets_api_detail": localize_views.snippets_api_detail,
}

# Views wrapped with an extra check of their own: name -> decorator.
WRAPPED: dict[str, Callable] = {
    "wagtailadmin_choose_page_child": admin_views.browse_own_sites_only,
    "wagtailadmin_pages:set_page_position": admin_views.not_the_tree_root,
    "wagtailadmin_pages:choose_parent": admin_views.parent_page_of_ones_own,
    # Tells which moderation step a page is at: for the page's editors.
    "wagtailadmin_pages:confirm_workflow_cancellation": admin_views.page_editors_only,
    # Every wagtail-localize view, by the kind of id it takes (chapters.localize_views).
    **localize_views.LOCALIZE_GUARDS,
}
LOCALIZE_NAMESPACE = "wagtail_localize:"


def page_guard(view: Callable, argument: str) -> Callable:
    @wraps(view)
    def guarded(request, *args, **kwargs):
        page_id = kwargs.get(argument)
        try:
            page = Page.objects.filter(pk=int(page_id)).first() if page_id is not None else None
        except (TypeError, ValueError):
            page = None  # the view answers its own 404
        # Anyone not logged in is left to Wagtail, which sends them to the login page.
        user = request.user
        if page is not None and user.is_authenticated and not may_reach_page(user, page):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return guarded


def superusers_only(view: Callable) -> Callable:
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


def _patterns(patterns, namespace: str = "") -> Iterator[tuple[str | None, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}", pattern
        else:
            yield None, pattern


def _page_argument(name: str | None, pattern: URLPattern) -> str | None:
    if name in PAGE_GUARD_EXEMPT:
        return None
    if name in PAGE_ARGUMENT_OF:
        return PAGE_ARGUMENT_OF[name]
    converters = getattr(pattern.pattern, "converters", {})
    return next((argument for argument in PAGE_ARGUMENTS if argument in converters), None)


def guard_admin_urls(patterns) -> dict[str, int]:
    """Put the guards on the admin's URL patterns, in place; how many of each were put."""
    counts = {"page": 0, "replaced": 0, "wrapped": 0, "superusers_only": 0}
    seen: set[str] = set()
    unlisted: set[str] = set()
    for name, pattern in _patterns(patterns):
        view = pattern.callback
        if name in REPLACED:
            view = REPLACED[name]
            counts["replaced"] += 1
        if name in WRAPPED:
            view = WRAPPED[name](view)
            counts["wrapped"] += 1
        if name in SUPERUSERS_ONLY:
            view = superusers_only(view)
            counts["superusers_only"] += 1
        argument = _page_argument(name, pattern)
        if argument is not None:
            view = page_guard(view, argument)
            counts["page"] += 1
        if name in REPLACED or name in WRAPPED or name in SUPERUSERS_ONLY:
            seen.add(name)
        elif name and name.startswith(LOCALIZE_NAMESPACE):
            unlisted.add(name)
        if view is not pattern.callback:
            pattern.callback = view
    _check_all_guarded(seen, unlisted)
    return counts


def _check_all_guarded(seen: set[str], unlisted: set[str]) -> None:
    if unlisted:
        raise ImproperlyConfigured(
            "wagtail-localize views that chapters.localize_views.LOCALIZE_GUARDS does not "
            f"list (say which object each takes and guard it): {sorted(unlisted)}"
        )
    missing = (set(REPLACED) | set(WRAPPED) | SUPERUSERS_ONLY) - seen
    if missing:
        raise ImproperlyConfigured(
            f"Admin views to guard are missing from Wagtail's URLs: {sorted(missing)}"
        )
