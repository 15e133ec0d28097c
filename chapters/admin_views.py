"""Admin views Wagtail does not scope to a site, closed to everyone but superusers.

Wagtail's "Page types usage" report counts pages across every site and names the last edited
page of each type, drafts included: a chapter editor would read national page titles there.
"""

from django.core.exceptions import PermissionDenied
from wagtail.admin.views.reports.page_types_usage import PageTypesUsageReportView


def superusers_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


page_types_usage = superusers_only(PageTypesUsageReportView.as_view())
page_types_usage_results = superusers_only(PageTypesUsageReportView.as_view(results_only=True))
