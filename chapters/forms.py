"""The details of a new chapter, as the admin's "Start a chapter" form and `create_chapter` both
take them: the same fields, the same checks (chapters.validation) and the same messages, then
the same provisioning (chapters.provisioning.provision_chapter, in one transaction)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from wagtail.coreutils import get_content_languages
from wagtail.models import Locale

from cms.coalition.models import Region
from sites.models import SiteSettings

from . import validation
from .models import Chapter
from .provisioning import ChapterDetails, ProvisionResult, provision_chapter

COLOUR_INPUT = forms.TextInput(attrs={"type": "color", "data-chapter-colour": ""})


def _language_choices():
    names = get_content_languages()
    codes = Locale.objects.order_by("pk").values_list("language_code", flat=True)
    return [(code, names.get(code, code)) for code in codes]


class LanguagesField(forms.MultipleChoiceField):
    """Language codes, checked by chapters.validation (the command's message for an unknown
    code) rather than by the field's own choices."""

    def valid_value(self, value) -> bool:
        return True


def _colour_field(name: str, label) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        initial=SiteSettings._meta.get_field(name).default,
        widget=COLOUR_INPUT,
    )


class StartChapterForm(forms.Form):
    """A chapter's details. Fields are optional where the command's options are; the admin
    asks for the first editor (`editor_required`). `new_only` refuses a chapter that exists
    (the admin); the command completes it instead."""

    name = forms.CharField(
        label=_("Name"),
        max_length=validation.NAME_LENGTH,
        required=False,
        help_text=_("e.g. Leeds Connects"),
    )
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    region = forms.CharField(label=_("Region"), max_length=40, required=False, widget=forms.Select)
    towns = forms.CharField(
        label=_("Towns covered"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=Chapter._meta.get_field("towns").help_text,
    )
    slug = forms.CharField(
        label=_("Short name"),
        max_length=50,
        required=False,
        help_text=_(
            "Lowercase letters, digits and hyphens, e.g. leeds. Left blank: made from the city "
            "or name."
        ),
    )
    hostname = forms.CharField(
        label=_("Hostname"),
        max_length=253,
        required=False,
        help_text=_("The site's address without https://, e.g. leeds.connectioncoalition.org.uk"),
    )
    languages = LanguagesField(
        label=_("Languages"), required=False, initial=["en"], widget=forms.CheckboxSelectMultiple
    )
    primary_colour = _colour_field("primary_colour", _("Primary colour"))
    accent_colour = _colour_field("accent_colour", _("Accent colour"))
    background_colour = _colour_field("background_colour", _("Background colour"))
    editor_email = forms.CharField(
        label=_("First editor's email"), max_length=254, required=False, widget=forms.EmailInput
    )
    editor_name = forms.CharField(label=_("First editor's name"), max_length=150, required=False)
    # fmt: skip

    def __init__(self, *args, new_only: bool = True, editor_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_only = new_only
        self.editor_required = editor_required
        self.fields["languages"].choices = _language_choices()
        self.fields["region"].widget.choices = [("", "---------"), *Region.choices]

    def clean_name(self) -> str:
        return validation.checked_name(self.cleaned_data["name"])

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"]
        if not slug.strip():
            slug = slugify(self.cleaned_data.get("city") or self.cleaned_data.get("name") or "")
        return validation.checked_slug(slug[:50].strip("-"))

    def clean_region(self) -> str:
        return validation.checked_region(self.cleaned_data["region"])

    def clean_hostname(self) -> str:
        return validation.checked_hostname(self.cleaned_data["hostname"])

    def clean_languages(self) -> list[str]:
        codes = self.cleaned_data["languages"] or ["en"]
        return [locale.language_code for locale in validation.checked_languages(codes)]

    def clean_editor_email(self) -> str:
        email = self.cleaned_data["editor_email"]
        if not email.strip():
            if self.editor_required:
                raise ValidationError(
                    _("Enter the first editor's email address."), code="editor_missing"
                )
            return ""
        return validation.checked_editor_email(email)

    def clean(self):
        cleaned = super().clean()
        self._check_together(cleaned)
        colours = {name: cleaned.get(name, "") for name in validation.COLOUR_FIELDS}
        try:
            cleaned.update(validation.checked_colours(colours))
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned

    def _check_together(self, cleaned: dict) -> None:
        """The checks that need several fields: is the name, host or slug taken?"""
        slug, name, hostname = (cleaned.get(key) for key in ("slug", "name", "hostname"))
        checks = [
            ("hostname", lambda: validation.checked_hostname_free(hostname, slug), hostname),
            ("name", lambda: validation.checked_name_free(name, slug), name),
            ("slug", lambda: validation.checked_existing(slug, hostname, new_only=self.new_only),
             hostname),
        ]  # fmt: skip
        if not slug:
            return
        for field, check, needed in checks:
            if needed and field not in self.errors:
                try:
                    check()
                except ValidationError as error:
                    self.add_error(field, error)

    def provision(self, port: int) -> ProvisionResult:
        data = self.cleaned_data
        details = ChapterDetails(
            region=data["region"],
            towns=data["towns"],
            colours={name: data[name] for name in validation.COLOUR_FIELDS},
            editor_email=data["editor_email"],
            editor_name=data["editor_name"],
        )
        return provision_chapter(
            data["slug"],
            data["name"],
            data["hostname"],
            city=data["city"],
            port=port,
            languages=data["languages"],
            details=details,
            new_only=self.new_only,
        )
