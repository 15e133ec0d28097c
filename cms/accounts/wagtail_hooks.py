from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from .views import TwoFactorSettingsView, VerifyView


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("account/two-factor/", TwoFactorSettingsView.as_view(), name="accounts_two_factor"),
        path("account/two-factor/verify/", VerifyView.as_view(), name="accounts_two_factor_verify"),
    ]


@hooks.register("register_account_menu_item")
def two_factor_menu_item(request):
    return {
        "url": reverse("accounts_two_factor"),
        "label": _("Two-factor authentication"),
        "help_text": _("Ask for a code from an authenticator app on your phone at every sign-in."),
    }
