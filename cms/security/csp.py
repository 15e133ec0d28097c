"""Content-Security-Policy: one policy for the public sites, another for Wagtail's admin.

django-csp builds and sends the header; this middleware only chooses which of the two policies
in settings (SECURITY_CSP_PUBLIC, SECURITY_CSP_ADMIN) a response gets, and whether it is
enforced or report-only (SECURITY_CSP_REPORT_ONLY). A view that sets its own policy with
django-csp's decorators keeps it.
"""

from functools import cache

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.urls import NoReverseMatch, reverse


@cache
def admin_prefix() -> str:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:  # an install without Wagtail's admin mounted
        return "/admin/"


def policy_for(request) -> dict:
    """The directives for this request: the admin's (its preview panels included) or the sites'."""
    if request.path_info.startswith(admin_prefix()):
        return settings.SECURITY_CSP_ADMIN
    return settings.SECURITY_CSP_PUBLIC


class SiteAndAdminCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        # The other header (enforced / report-only) is sent only if a view asked for it with
        # django-csp's decorators: parts.config stays None and django-csp sends nothing.
        if report_only == settings.SECURITY_CSP_REPORT_ONLY and parts.config is None:
            parts.config = policy_for(request)
        return parts
