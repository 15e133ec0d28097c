from wagtail import hooks

NETWORK_WIDE_REPORTS = {"page-types-usage"}


@hooks.register("construct_reports_menu")
def hide_network_wide_reports(request, menu_items):
    """Reports that span every site are for superusers (see chapters.admin_views)."""
    if not request.user.is_superuser:
        menu_items[:] = [item for item in menu_items if item.name not in NETWORK_WIDE_REPORTS]
