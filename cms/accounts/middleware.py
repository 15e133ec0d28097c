"""Keeps the admin closed to a session that has the password but not yet the second factor.

After OTPMiddleware (which knows whether this session gave a code):
- an editor with a device who has not given its code this session is sent to the code page,
  and outside the admin counts as signed out (private pages and documents stay closed);
- a superuser without a device, when TWO_FACTOR_REQUIRED_FOR_SUPERUSERS is on, is sent to
  enrolment.
Sign-in, sign-out and the admin's script catalogue and icons stay open, or those pages break.
"""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve, reverse

from . import two_factor

ALWAYS_OPEN = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}
VERIFY = "accounts_two_factor_verify"
ENROL = "accounts_two_factor"


def url_name(request) -> str | None:
    try:
        return resolve(request.path_info).url_name
    except Resolver404:
        return None


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # No session, nobody signed in: leave request.user (and the session) untouched, so
            # anonymous pages do not start to vary on Cookie.
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and not user.is_verified():
            in_admin = request.path_info.startswith(reverse("wagtailadmin_home"))
            if two_factor.has_device(user):
                if not in_admin:
                    request.user = AnonymousUser()
                elif url_name(request) not in ALWAYS_OPEN | {VERIFY}:
                    return redirect_to_login(request.get_full_path(), reverse(VERIFY))
            elif (
                in_admin
                and two_factor.is_required(user)
                and url_name(request) not in ALWAYS_OPEN | {ENROL}
            ):
                return redirect_to_login(request.get_full_path(), reverse(ENROL))
        return self.get_response(request)
