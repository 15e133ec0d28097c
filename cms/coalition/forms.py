"""The public "Join the Coalition" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cms.core.antispam import AntiSpamFormMixin
from cms.core.text import PlainTextField

from .models.members import JoinRequest


class JoinRequestForm(AntiSpamFormMixin, forms.ModelForm):
    """An organisation asking to join. Stored as a pending request; published only when a
    national editor approves it. What is typed is plain text, cleaned of control characters."""

    antispam_salt = "coalition.join"

    organisation = PlainTextField(label=_("Organisation name"), max_length=160)
    contact_name = PlainTextField(label=_("Your name"), max_length=120)
    reason = PlainTextField(
        label=_("Why do you want to join?"),
        multiline=True,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    agreed_to_aims = forms.BooleanField(
        required=True,
        label=_("We share the coalition's aims and agree to work towards them"),
        error_messages={"required": _("Please confirm that you share the coalition's aims.")},
    )

    class Meta:
        model = JoinRequest
        fields = [
            "organisation",
            "kind",
            "website",
            "region",
            "contact_name",
            "contact_email",
            "reason",
            "agreed_to_aims",
        ]
        labels = {
            "kind": _("What kind of organisation is it?"),
            "website": _("Website (optional)"),
            "contact_email": _("Your email address"),
        }
