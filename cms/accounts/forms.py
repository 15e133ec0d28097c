"""The one form of two-factor authentication: a six-digit code checked against one device."""

import math

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import VerifyNotAllowed


class CodeForm(forms.Form):
    """A code from the editor's authenticator app, checked (and throttled) by django-otp.

    django-otp doubles the wait after each wrong code, so guessing six digits is hopeless.
    """

    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit():
            raise forms.ValidationError(_("Enter the digits your app shows."), code="format")
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            if details and details.get("reason") == VerifyNotAllowed.N_FAILED_ATTEMPTS:
                wait = (details["locked_until"] - timezone.now()).total_seconds()
                raise forms.ValidationError(
                    _("Too many wrong codes. Try again in %(seconds)d seconds."),
                    code="throttled",
                    params={"seconds": max(1, math.ceil(wait))},
                )
            raise forms.ValidationError(_("This code cannot be checked now."), code="refused")
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _("That code is not right, or has expired. Enter the code your app shows now."),
                code="invalid",
            )
        return code
