from django import forms
from django.utils.translation import gettext_lazy as _

from cms.core.antispam import AntiSpamFormMixin
from cms.core.text import clean_text

from .models.members import JoinRequest


class JoinRequestForm(AntiSpamFormMixin, forms.ModelForm):
    """An organisation asking to join. Stored as a pending request; published only when a
    national editor approves it."""

    antispam_salt = "coalition.join"
    text_fields = ("organisation", "contact_name", "reason")

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
            "organisation": _("Organisation name"),
            "kind": _("What kind of organisation is it?"),
            "website": _("Website (optional)"),
            "contact_name": _("Your name"),
            "contact_email": _("Your email address"),
            "reason": _("Why do you want to join?"),
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 6})}

    def clean(self):
        cleaned_data = super().clean()
        for name in self.text_fields:
            if name in cleaned_data:
                cleaned = clean_text(cleaned_data[name])
                if not cleaned:
                    self.add_error(name, _("This field is required."))
                cleaned_data[name] = cleaned
        return cleaned_data
