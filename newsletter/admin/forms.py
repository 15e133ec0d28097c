"""The newsletter admin's forms: scheduling a send, finding a subscriber, the address to
erase from every list, and a list's settings."""

import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.widgets import AdminDateTimeInput

from cms.core.text import is_blank

from ..models import NewsletterList
from .services import normalise_wording

# The consent wording is the label of the signup form's consent box: a paragraph or two.
CONSENT_WORDING_MAX_LENGTH = 2000


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        widget=AdminDateTimeInput,
        help_text=gettext_lazy("A time in the future; the issue goes out within a minute of it."),
    )

    def clean_scheduled_for(self):
        when = self.cleaned_data["scheduled_for"]
        if when <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return when


class SubscriberSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Email address"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class EraseEverywhereForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy("The address the person asked to have erased."),
        error_messages={
            "required": gettext_lazy("Enter the address to erase."),
            "invalid": gettext_lazy("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def _control_characters(value: str, allowed: str = "") -> bool:
    """Whether the text holds control characters or line/paragraph separators not `allowed`."""
    return any(
        unicodedata.category(char) in {"Cc", "Zl", "Zp"} and char not in allowed for char in value
    )


class NewsletterListForm(forms.Form):
    """A list's settings. The name and sender name go into email headers (From, List-Id), so a
    line break or any other control character in them is refused, not quietly replaced."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NewsletterList._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "The newsletter's name, shown to subscribers and in the emails' List-Id; also the "
            "sender name when none is given below."
        ),
        error_messages={"required": gettext_lazy("Enter the newsletter's name.")},
    )
    from_name = forms.CharField(
        label=gettext_lazy("Sender name"),
        required=False,
        max_length=NewsletterList._meta.get_field("from_name").max_length,
        help_text=gettext_lazy(
            "Shown as the sender of every email, e.g. Connecting for Good. Leave it empty to "
            "use the newsletter's name."
        ),
    )
    reply_to = forms.EmailField(
        label=gettext_lazy("Reply-to address"),
        required=False,
        max_length=NewsletterList._meta.get_field("reply_to").max_length,
        help_text=gettext_lazy(
            "Where subscribers' replies go. Leave it empty and replies go to the sending address."
        ),
        error_messages={
            "invalid": gettext_lazy("Enter an email address like newsletter@example.org."),
        },
    )
    consent_wording = forms.CharField(
        label=gettext_lazy("Consent wording"),
        max_length=CONSENT_WORDING_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The words next to the consent box on the signup form. Changing them makes a new "
            "version; each subscriber's consent record keeps the words they agreed to."
        ),
        error_messages={
            "required": gettext_lazy(
                "Enter the consent wording: people cannot subscribe without agreeing to it."
            ),
        },
    )

    def _one_line(self, field_name: str, *, required: bool) -> str:
        value = self.cleaned_data.get(field_name, "")
        if _control_characters(value):
            raise forms.ValidationError(
                _("Use a single line, without line breaks or control characters."),
                code="control_characters",
            )
        if is_blank(value):
            if required:
                raise forms.ValidationError(
                    self.fields[field_name].error_messages["required"], code="required"
                )
            return ""
        return value

    def clean_name(self):
        return self._one_line("name", required=True)

    def clean_from_name(self):
        return self._one_line("from_name", required=False)

    def clean_reply_to(self):
        value = self.cleaned_data.get("reply_to", "")
        if _control_characters(value):
            raise forms.ValidationError(self.fields["reply_to"].error_messages["invalid"])
        return value

    def clean_consent_wording(self):
        value = normalise_wording(self.cleaned_data.get("consent_wording", ""))
        if _control_characters(value, allowed="\n\t"):
            raise forms.ValidationError(
                _("Remove the control characters from the wording; line breaks are fine."),
                code="control_characters",
            )
        if is_blank(value):
            raise forms.ValidationError(
                self.fields["consent_wording"].error_messages["required"], code="required"
            )
        return value
