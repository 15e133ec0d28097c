"""Wagtail's admin password reset, throttled per address and per client (cms.core.antispam).

Without this, anyone can make the site send an editor any number of reset mails. The counters
live in the shared cache, so they hold across web processes. A refused request gets the same
answer whether or not the address has an account, and sends nothing.

The mail links to the host the request came in on. Wagtail's mail links to
WAGTAILADMIN_BASE_URL when it is set, which is one host for the whole network: a Leeds editor
resetting on leeds.example would land on the national host (and, with the development default,
on localhost:8000). The request's own host is used only when it is one of our Sites; any other
Host header (which an attacker can forge to harvest reset tokens) falls back to
WAGTAILADMIN_BASE_URL.
"""

from django.conf import settings
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import PasswordResetForm
from wagtail.admin.views.account import PasswordResetView

from cms.core.antispam import rate_limited
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


class ThrottledPasswordResetView(PasswordResetView):
    def form_valid(self, form):
        request = self.request
        window = settings.PASSWORD_RESET_WINDOW_SECONDS
        address = form.cleaned_data["email"].strip().lower()
        # Both counted every time, so neither limit can be used up behind the other.
        over_address = rate_limited(
            request,
            "password-reset:address",
            settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
            window,
            client=address,
        )
        over_client = rate_limited(
            request, "password-reset:client", settings.PASSWORD_RESET_LIMIT_PER_IP, window
        )
        if not (over_address or over_client):
            return super().form_valid(form)
        seconds = request.rate_limit_retry_after
        minutes = max(1, -(-seconds // 60))
        form.add_error(
            None,
            ngettext(
                "Too many password reset requests for this address or from your connection, "
                "so no email was sent this time. Please try again in %(minutes)d minute.",
                "Too many password reset requests for this address or from your connection, "
                "so no email was sent this time. Please try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes},
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(seconds)
        response["Cache-Control"] = "no-store"
        return response
