"""Admin views Wagtail leaves unscoped, closed or checked here.

- Wagtail's "Page types usage" report counts pages across every site and names the last edited
  page of each type, drafts included: superusers only.
- Wagtail's page chooser opened on a page of another site shows that page's draft title.
- Wagtail's workflow-cancellation confirmation answers for any page id without a permission
  check, telling whoever asks which moderation step a page is at: editors of that page only.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.chooser import BrowseView
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView
from wagtail.admin.viewsets.pages import page_viewset_registry
from wagtail.models import Page

from .scoping import may_browse


def superusers_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def page_editors_only(view):
    def wrapped(request, page_id, *args, **kwargs):
        page = get_object_or_404(Page, id=page_id)
        if not page.permissions_for_user(request.user).can_edit():
            return permission_denied(request)
        return view(request, *args, page_id=page_id, **kwargs)

    return wrapped


def browse_own_sites_only(view):
    def wrapped(request, parent_page_id, *args, **kwargs):
        parent = get_object_or_404(Page, id=parent_page_id)
        if not may_browse(request.user, parent):
            return permission_denied(request)
        return view(request, *args, parent_page_id=parent_page_id, **kwargs)

    return wrapped


page_chooser_browse = browse_own_sites_only(BrowseView.as_view())
page_types_usage = superusers_only(PageTypesUsageReportView.as_view())
page_types_usage_results = superusers_only(PageTypesUsageReportView.as_view(results_only=True))
confirm_workflow_cancellation = page_editors_only(
    page_viewset_registry.as_view("confirm_workflow_cancellation", page_id_kwarg="page_id")
)
