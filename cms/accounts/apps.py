from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Editors' accounts: sign-in lockout, password-reset throttling, two-factor authentication.

    The counting and the one-time passwords come from django-axes and django-otp; this app
    fits them into Wagtail's admin (its look, its account menu, its login and reset views).
    """

    name = "cms.accounts"
    label = "accounts"
    verbose_name = _("Editors' accounts")
