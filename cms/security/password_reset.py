"""The admin's password-reset mail links to the host the request came in on.

Wagtail's mail links to WAGTAILADMIN_BASE_URL when it is set, which is one host for the whole
network: a Leeds editor resetting on leeds.example would land on the national host (and, with
the development default, on localhost:8000). The request's own host is used only when it is
one of our Sites; any other Host header (which an attacker can forge to harvest reset tokens)
falls back to WAGTAILADMIN_BASE_URL.
"""

from django.conf import settings
from wagtail.admin.forms.auth import PasswordResetForm

from cms.core.mail import request_root_url


class SiteAwarePasswordResetForm(PasswordResetForm):
    def save(self, *args, request=None, extra_email_context=None, **kwargs):
        root = (request_root_url(request) if request is not None else None) or (
            settings.WAGTAILADMIN_BASE_URL or ""
        ).rstrip("/")
        extra_email_context = {**(extra_email_context or {}), "reset_root_url": root}
        return super().save(
            *args, request=request, extra_email_context=extra_email_context, **kwargs
        )
