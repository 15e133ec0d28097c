"""Scoped versions of Wagtail admin views that answer for every site, and the checks that wrap
others. They are put on Wagtail's own URL patterns by chapters.admin_guards.

- The page chooser's "chosen" step and its external-link step answered with the draft title,
  edit URL and URL of any page whose id or URL was given: they answer for the pages the user
  may choose (the same `construct_page_chooser_queryset` hooks as the chooser's listing).
- Wagtail's page chooser opened on a page of another site showed that page's draft title.
- Moving the tree's root (which has no parent) was a 500.
"""

from collections.abc import Callable
from functools import wraps

from django.db.models import QuerySet
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.chooser import ChosenMultipleView, ExternalLinkView
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page, Site
from wagtail.permissions import policy_registry

from .scoping import in_permitted_trees, may_browse, may_reach_page

# --- pages --------------------------------------------------------------------------------


def choosable_pages(request) -> QuerySet:
    """The pages the page chooser offers this user: Wagtail's hooks, as its listing runs them."""
    pages = Page.objects.all()
    for hook in hooks.get_hooks("construct_page_chooser_queryset"):
        pages = hook(pages, request)
    return pages


def _page_ids(values) -> list[int] | None:
    try:
        return [int(value) for value in values]
    except (TypeError, ValueError):
        return None


class ScopedChosenMultipleView(ChosenMultipleView):
    """The chosen pages, among those the user may choose; the tree's root is never a choice."""

    def get(self, request):
        ids = _page_ids(request.GET.getlist("id"))
        if ids is None:
            return HttpResponseBadRequest(gettext("Page ids are numbers."))
        pages = choosable_pages(request).filter(pk__in=ids).exclude(depth=1).specific()
        return self.render_chosen_response(
            [
                {
                    "id": page.pk,
                    "parentId": page.get_parent().pk,
                    "adminTitle": page.get_admin_display_title(),
                    "editUrl": _edit_url(page),
                    "url": page.url,
                }
                for page in pages
            ]
        )


def _edit_url(page: Page) -> str:
    return reverse("wagtailadmin_pages:edit", args=(page.pk,))


class ScopedExternalLinkView(ExternalLinkView):
    """An external URL is turned into a link to a page only on the sites the user works on;
    another site's URL stays an external link (and its page's draft title unsaid). Wagtail
    matches against `request._wagtail_cached_site_root_paths` when it is set: it is set here to
    the user's own sites (tests/test_admin_tenancy.py fails if Wagtail stops reading it)."""

    def post(self, request):
        url_field = f"{self.form_prefix}-{self.link_url_field_name}"
        if url_field not in request.POST:  # Wagtail's URL field fails on a missing value
            request.POST = request.POST.copy()
            request.POST[url_field] = ""
        scope = in_permitted_trees(request.user)
        roots = Site.get_site_root_paths()
        if scope is not None:
            own_roots = Site.objects.filter(root_page__in=Page.objects.filter(scope).values("pk"))
            own_sites = set(own_roots.values_list("pk", flat=True))
            roots = [root for root in roots if root.site_id in own_sites]
        request._wagtail_cached_site_root_paths = roots
        return super().post(request)


page_chosen_multiple = ScopedChosenMultipleView.as_view()
external_link = ScopedExternalLinkView.as_view()


def browse_own_sites_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request, parent_page_id, *args, **kwargs):
        parent = get_object_or_404(Page, id=parent_page_id)
        if not may_browse(request.user, parent):
            return permission_denied(request)
        return view(request, *args, parent_page_id=parent_page_id, **kwargs)

    return wrapped


def page_editors_only(view: Callable) -> Callable:
    @wraps(view)
    def wrapped(request, page_id, *args, **kwargs):
        page = get_object_or_404(Page, id=page_id)
        if not page.permissions_for_user(request.user).can_edit():
            return permission_denied(request)
        return view(request, *args, page_id=page_id, **kwargs)

    return wrapped


def parent_page_of_ones_own(view: Callable) -> Callable:
    """ "Choose a parent" names the posted parent page in its error and redraws its chooser
    with that page's title: a page outside the user's trees is refused first."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        posted = request.POST.get("parent_page") if request.method == "POST" else None
        ids = _page_ids([posted]) if posted else None
        page = Page.objects.filter(pk=ids[0]).first() if ids else None
        if page is not None and not may_reach_page(request.user, page):
            return permission_denied(request)
        return view(request, *args, **kwargs)

    return wrapped


def not_the_tree_root(view: Callable) -> Callable:
    """The root has no parent to be ordered in (Wagtail fails with a 500)."""

    @wraps(view)
    def wrapped(request, page_to_move_id, *args, **kwargs):
        page = get_object_or_404(Page, id=page_to_move_id)
        if page.is_root():
            return permission_denied(request)
        return view(request, *args, page_to_move_id=page_to_move_id, **kwargs)

    return wrapped


# --- the admin API's images and documents --------------------------------------------------


class ChoosableOnlyMixin:
    """Images or documents in the collections the user may choose from (Wagtail's admin API
    lists every collection's titles and file URLs)."""

    def get_queryset(self):
        policy = policy_registry.get_by_type(self.model)
        choosable = policy.instances_user_has_permission_for(self.request.user, "choose")
        return super().get_queryset().filter(pk__in=choosable.values("pk"))


class ScopedImagesAdminAPI(ChoosableOnlyMixin, ImagesAdminAPIViewSet):
    model = get_image_model()


class ScopedDocumentsAdminAPI(ChoosableOnlyMixin, DocumentsAdminAPIViewSet):
    model = get_document_model()
