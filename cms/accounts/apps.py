from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Editors' accounts: sign-in lockout, password-reset throttling, two-factor authentication.

    The counting and the one-time passwords come from django-axes and django-otp; this app
    fits them into Wagtail's admin (its look, its account menu, its login and reset views).
    """

    name = "cms.accounts"
    # Fixed here, not by the project's DEFAULT_AUTO_FIELD: a host project with another default
    # would otherwise see migrations to make for our models.
    default_auto_field = "django.db.models.BigAutoField"
    label = "accounts"
    verbose_name = _("Editors' accounts")
