"""Wagtail's admin password reset, throttled per address and per client (cms.core.antispam).

Without this, anyone can make the site send an editor any number of reset mails. The counters
live in the shared cache, so they hold across web processes. A refused request gets the same
answer whether or not the address has an account, and sends nothing.
"""

from django.conf import settings
from django.utils.translation import ngettext
from wagtail.admin.views.account import PasswordResetView

from cms.core.antispam import rate_limited


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
