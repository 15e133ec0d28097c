"""What a locked-out editor sees: Wagtail's sign-in page, answered 429, saying why and for how
long, instead of django-axes' bare text. Named by AXES_LOCKOUT_CALLABLE."""

import ipaddress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from wagtail.admin.views.account import get_user_login_form, password_reset_enabled

from cms.core.antispam import client_ip


def client_address(request: HttpRequest) -> str | None:
    """The client as every rate limit here sees it (TRUSTED_PROXY_COUNT), for axes.

    axes stores it in an IP address column: anything else (no REMOTE_ADDR, as with the test
    client's force_login, or junk in X-Forwarded-For) would be a database error on PostgreSQL,
    so it falls back to REMOTE_ADDR, then to no address.
    """
    for candidate in (client_ip(request), request.META.get("REMOTE_ADDR", "")):
        try:
            return str(ipaddress.ip_address(candidate.strip()))
        except ValueError:
            continue
    return None


def cool_off_minutes() -> int:
    """The cool-off in whole minutes, rounded up (each refused attempt starts it again)."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    return max(1, -(-seconds // 60))


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD, "")
    if not isinstance(username, str):
        username = ""
    user_model = get_user_model()
    form = get_user_login_form()(request=request, initial={"username": username})
    minutes = cool_off_minutes()
    context = {
        "form": form,
        "next": request.POST.get("next", ""),
        "show_password_reset": password_reset_enabled(),
        "username_field": user_model._meta.get_field(user_model.USERNAME_FIELD).verbose_name,
        "cool_off_minutes": minutes,
    }
    # Rendered now: axes returns it from its middleware, after the view's response is done.
    response = render(
        request, "accounts/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
    response["Retry-After"] = str(minutes * 60)
    response["Cache-Control"] = "no-store"
    return response
