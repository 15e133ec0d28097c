"""The public newsletter forms. Everything a resident types is plain text (cms.core.text), and
nothing they type ever reaches an email header: the address is validated by EmailField, the
name is only ever shown escaped."""

from django import forms
from django.conf import settings
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms.core.antispam import AntiSpamFormMixin
from cms.core.text import PlainTextField
from sites.branding import Brand

from .models import NewsletterList, Subscription


def language_choices(codes: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) from settings.LANGUAGES, limited to `codes` when given (a site's offered
    locales); all of them when none of `codes` is a known language."""
    known = [(code, str(name)) for code, name in settings.LANGUAGES]
    if codes:
        wanted = [(code, name) for code, name in known if code in set(codes)]
        if wanted:
            return wanted
    return known


def _initial_language(choices: list[tuple[str, str]]) -> str:
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    codes = [code for code, _name in choices]
    return active if active in codes else codes[0]


class SubscribeForm(AntiSpamFormMixin, forms.Form):
    """Subscribing to one site's list. The consent box is labelled with the list's own words,
    and the version of those words travels with the form: if an editor changes them between
    showing and sending, the resident is asked to read and tick again."""

    antispam_salt = "newsletter.subscribe"

    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _("Your email address must be %(limit_value)d characters or fewer."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    name = PlainTextField(
        label=_("Your name"),
        required=False,
        max_length=Subscription._meta.get_field("name").max_length,
        error_messages={
            "max_length": _("Your name must be %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        error_messages={
            "required": _("Choose a language."),
            "invalid_choice": _("Choose one of the languages listed."),
        },
    )
    consent = forms.BooleanField(
        error_messages={"required": _("Tick the box to say you agree, or we cannot subscribe you.")}
    )
    # Hidden fields never fail the form (their errors would be shown nowhere): garbage in them
    # counts as absent.
    consent_version = PlainTextField(required=False, widget=forms.HiddenInput())
    # The page the form was on: recorded with the consent, if it is on this site.
    source = PlainTextField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, newsletter_list: NewsletterList | None, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.newsletter_list = newsletter_list
        choices = language_choices(languages)
        self.fields["language"].choices = choices
        self.fields["language"].initial = _initial_language(choices)
        if len(choices) == 1:
            self.fields["language"].widget = forms.HiddenInput()
        wording, version = self.consent_wording()
        self.fields["consent"].label = wording
        self.fields["consent_version"].initial = version

    def clean(self):
        cleaned_data = super().clean()
        # A single language is a hidden field: an error on it would be shown nowhere.
        if self.fields["language"].widget.is_hidden and "language" in self._errors:
            self.add_error(None, self._errors.pop("language"))
        return cleaned_data

    def consent_wording(self) -> tuple[str, int]:
        """The words the consent box shows, and their version (a list not yet created in the
        database says the default words, version 1, exactly what it will be created with)."""
        if self.newsletter_list is not None:
            return self.newsletter_list.reader_wording(), self.newsletter_list.consent_version
        field = NewsletterList._meta.get_field("consent_wording")
        return str(field.get_default()), 1

    def clean_source(self):
        return self.cleaned_data.get("source", "")[:2000]

    def clean_consent_version(self):
        try:
            shown = int(self.cleaned_data.get("consent_version") or "")
        except ValueError:
            shown = None
        _wording, current = self.consent_wording()
        if shown is not None and shown != current:
            # The words changed since the page was shown: show the new ones and ask again.
            self.data = self.data.copy()
            self.data[self.add_prefix("consent")] = ""
            self.data[self.add_prefix("consent_version")] = str(current)
            self.add_error(
                "consent",
                _("The wording of this agreement has just changed. Please read it and tick again."),
            )
        return current


class PreferencesLanguageForm(forms.Form):
    """A subscriber's language: those the sites of their lists offer (they may be on several
    sites' lists); every language the network writes in when not given."""

    language = forms.ChoiceField(
        label=_("Language of the emails"),
        error_messages={"invalid_choice": _("Choose one of the languages listed.")},
    )

    def __init__(self, *args, languages: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices(languages)


def subscribe_form(request, newsletter_list: NewsletterList | None, data=None, **kwargs):
    """The signup form for the request's site, in the languages that site offers."""
    languages = [locale.language_code for locale in Brand.for_request(request).offered_locales]
    return SubscribeForm(data, newsletter_list=newsletter_list, languages=languages, **kwargs)
