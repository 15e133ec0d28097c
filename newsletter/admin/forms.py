"""The newsletter admin's forms: scheduling a send, finding a subscriber, the address to
erase from every list, a list's settings, and an SMTP server."""

import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateTimeInput

from cms.core.text import is_blank

from ..models import NewsletterList, SmtpServer
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
    line break or any other control character in them is refused, not quietly replaced. The
    SMTP server is a field only with choose_server (the national team): without it a posted
    smtp_server is not read at all."""

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

    def __init__(self, *args, choose_server: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if choose_server:
            self.fields["smtp_server"] = smtp_server_field()

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


class SmtpServerForm(WagtailAdminModelForm):
    """An SMTP server as the national team sets it up. The password is write-only: the form
    never renders it (not even masked), a blank entry keeps the stored one, and "remove"
    clears it."""

    new_password = forms.CharField(
        label=gettext_lazy("Password"),
        required=False,
        strip=False,
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    clear_password = forms.BooleanField(
        label=gettext_lazy("Remove the stored password"), required=False
    )

    class Meta:
        model = SmtpServer
        fields = [
            "name",
            "host",
            "port",
            "security",
            "username",
            "rate_per_second",
            "rate_per_minute",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.has_password:
            self.fields["new_password"].help_text = gettext_lazy(
                "A password is stored (it is never shown). Leave blank to keep the current "
                "password, or enter a new one to replace it."
            )
        else:
            self.fields["new_password"].help_text = gettext_lazy(
                "Kept encrypted and never shown again. Leave blank for a server without login."
            )
            del self.fields["clear_password"]
        names = ["name", "host", "port", "security", "username", "new_password"]
        self.order_fields([*names, "clear_password"])

    def clean_name(self):
        return self._single_line("name")

    def clean_username(self):
        return self._single_line("username")

    def clean_new_password(self):
        return self._single_line("new_password", strip=False)

    def _single_line(self, field_name: str, strip: bool = True) -> str:
        value = self.cleaned_data.get(field_name, "")
        if _control_characters(value):
            raise forms.ValidationError(
                _("Use a single line, without line breaks or control characters."),
                code="control_characters",
            )
        return value.strip() if strip else value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") and cleaned.get("clear_password"):
            self.add_error(
                "clear_password",
                _("Either enter a new password or remove the stored one, not both."),
            )
        return cleaned

    def save(self, commit=True):
        server = super().save(commit=False)
        if self.cleaned_data.get("clear_password"):
            server.password = ""
        elif self.cleaned_data.get("new_password"):
            server.password = self.cleaned_data["new_password"]
        if commit:
            server.save()
            self.save_m2m()
        return server


def smtp_server_field() -> forms.ModelChoiceField:
    """The list settings' choice of server, offered to the national team only (see
    permissions.may_choose_smtp_server)."""
    return forms.ModelChoiceField(
        queryset=SmtpServer.objects.all(),
        required=False,
        label=gettext_lazy("SMTP server"),
        empty_label=gettext_lazy("The project's mail server (EMAIL_URL)"),
        help_text=gettext_lazy(
            "Where this list's emails are sent from: the chapter's own provider account, if "
            "it has one (see Settings → SMTP servers)."
        ),
    )


class ListServerForm(forms.Form):
    """The national team's choice of a list's server (views.lists.list_server_view)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["smtp_server"] = smtp_server_field()
