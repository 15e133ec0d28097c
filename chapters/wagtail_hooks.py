from wagtail import hooks
from wagtail.admin.auth import permission_denied

from .scoping import in_permitted_trees

NETWORK_WIDE_REPORTS = {"page-types-usage"}


@hooks.register("construct_reports_menu")
def hide_network_wide_reports(request, menu_items):
    """Reports that span every site are for superusers (see chapters.admin_views)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in NETWORK_WIDE_REPORTS]


@hooks.register("before_move_page")
def refuse_moves_the_user_may_not_make(request, page, destination):
    """Wagtail's move confirmation page checks permission only when the move is POSTed; its GET
    would show any page's draft title to anyone who types the URL."""
    if not page.permissions_for_user(request.user).can_move_to(destination):
        return permission_denied(request)
    return None


@hooks.register("construct_page_chooser_queryset")
def choose_pages_of_ones_own_sites(pages, request):
    """The page chooser lists draft titles; an editor chooses among their own site's pages
    (another site's page can still be linked by its public URL)."""
    scope = in_permitted_trees(request.user)
    return pages if scope is None else pages.filter(scope)


@hooks.register("construct_admin_api", order=100)
def scope_admin_api(router):
    """The admin API's images and documents: those the user may choose (Wagtail lists every
    collection's titles and file URLs). Registered after Wagtail's own endpoints, to replace
    them."""
    from .admin_views import ScopedDocumentsAdminAPI, ScopedImagesAdminAPI

    router.register_endpoint("images", ScopedImagesAdminAPI)
    router.register_endpoint("documents", ScopedDocumentsAdminAPI)
