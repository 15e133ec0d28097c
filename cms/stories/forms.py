"""The public "Share your story" form. Everything a resident types is plain text: cleaned of
control characters (cms.core.text) and escaped wherever it is shown."""

import datetime
import secrets
import warnings

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from cms.core.antispam import AntiSpamFormMixin
from cms.core.text import PlainTextField

MAX_STORY_CHARS = 5000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 6000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
# A photo chosen on a form sent back with errors waits here, for the same resident's next try.
KEPT_PHOTOS_DIR = "story-photos-kept"
KEPT_PHOTO_SALT = "stories.kept-photo"
KEPT_PHOTO_SECONDS = 2 * 3600  # as long as the form's own timestamp lives


class PhotoField(forms.FileField):
    """A JPEG, PNG or WebP photo, checked before anything is decoded: the upload's size first,
    then the format Pillow detects from the content (never the name), then the dimensions the
    header declares, then `verify()`."""

    widget = forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
    default_error_messages = {
        "too_big": _("The photo is %(size)s. Choose one of up to 5 MB."),
        "format": _("Choose a photo in JPEG, PNG or WebP format."),
        "dimensions": _(
            "The photo is too large (%(width)s × %(height)s pixels). Choose one of up to "
            "6000 × 6000 pixels."
        ),
        "bomb": _("The photo is too large. Choose one of up to 6000 × 6000 pixels."),
        "invalid_image": _("We could not read that photo. It may be damaged: try another."),
    }

    def to_python(self, data):
        upload = super().to_python(data)
        if upload is None:
            return None
        if upload.size > MAX_PHOTO_BYTES:
            raise ValidationError(
                self.error_messages["too_big"],
                code="too_big",
                params={"size": filesizeformat(upload.size)},
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                upload.seek(0)
                image = Image.open(upload, formats=list(PHOTO_FORMATS))
                width, height = image.size
                if width > MAX_PHOTO_SIDE or height > MAX_PHOTO_SIDE:
                    raise ValidationError(
                        self.error_messages["dimensions"],
                        code="dimensions",
                        params={"width": width, "height": height},
                    )
                upload.image_format = image.format
                image.verify()
        except ValidationError:
            raise
        except UnidentifiedImageError:
            raise ValidationError(self.error_messages["format"], code="format") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValidationError(self.error_messages["bomb"], code="dimensions") from None
        except Exception:  # Pillow raises many kinds of error for a damaged file
            raise ValidationError(
                self.error_messages["invalid_image"], code="invalid_image"
            ) from None
        upload.seek(0)
        return upload


class ShareStoryForm(AntiSpamFormMixin, forms.Form):
    """What a resident tells us. The title is not asked: the view derives it from the name."""

    name = PlainTextField(
        label=_("Your name"),
        max_length=120,
        error_messages={
            "required": _("Enter your name."),
            "max_length": _("Your name must be %(limit_value)d characters or fewer."),
        },
        help_text=_("As you would like it shown with your story"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address like name@example.com."),
            "max_length": _("Your email address must be %(limit_value)d characters or fewer."),
        },
        help_text=_("Only our editors see this, to ask you about your story. It is never shown."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    town = PlainTextField(
        label=_("Your town or city"),
        max_length=80,
        error_messages={
            "required": _("Enter your town or city."),
            "max_length": _("Your town or city must be %(limit_value)d characters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    story = PlainTextField(
        label=_("Your story"),
        multiline=True,
        max_length=MAX_STORY_CHARS,
        error_messages={
            "required": _("Tell us your story."),
            "max_length": _(
                "Your story must be 5,000 characters or fewer (it has %(show_value)d)."
            ),
        },
        help_text=_(
            "In your own words: who made a difference, and how. Up to 5,000 characters; "
            "leave an empty line between paragraphs."
        ),
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    photo = PhotoField(
        label=_("A photo"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB. Only share a photo you took or may share."),
    )
    # A signed reference to the photo kept from the resident's last try (see keep_photo).
    kept_photo = forms.CharField(required=False, widget=forms.HiddenInput)
    photo_description = PlainTextField(
        label=_("What the photo shows"),
        required=False,
        max_length=255,
        error_messages={
            "max_length": _("The description must be %(limit_value)d characters or fewer."),
        },
        help_text=_("Needed with a photo: it is read out to people who cannot see it."),
    )
    consent = forms.BooleanField(
        required=True,
        label=_(
            "I agree that my story, name and town (and photo, if I add one) may be shown on "
            "this network's websites and social media."
        ),
        # The template names the site's own contact address when it has one.
        help_text=_("You can withdraw your consent at any time by emailing us."),
        error_messages={"required": _("Tick the box to say we may share your story.")},
    )

    kept_photo_name = ""  # the stored photo this submission uses, if it was kept
    photo_kept = False  # sent back with errors, this form keeps the resident's photo

    def clean_photo(self):
        """A new photo wins; else the one kept from the last try, checked again."""
        upload = self.cleaned_data.get("photo")
        if upload or "photo" in self.files:
            return upload
        kept = kept_photo_file(self.data.get("kept_photo", ""))
        if kept is None:
            return None
        self.kept_photo_name = kept.name  # deleted once the story has its own copy
        return self.fields["photo"].to_python(kept)

    def full_clean(self):
        super().full_clean()
        # Not for a form the spam checks refused (a non-field error): a bot's files are not kept.
        if (
            self.is_bound
            and self.errors
            and not self.non_field_errors()
            and "photo" not in self.errors
        ):
            self.keep_photo()

    def keep_photo(self) -> None:
        """Sent back with errors, the form keeps a good photo on the server, for the resident's
        next try (a browser never refills a file field): its signed name goes in the form."""
        upload = self.cleaned_data.get("photo")
        if not upload:
            return
        if self.kept_photo_name:
            token = self.data.get("kept_photo", "")  # kept already: the same reference
        else:
            name = f"{KEPT_PHOTOS_DIR}/{secrets.token_hex(16)}.{PHOTO_FORMATS[upload.image_format]}"
            upload.seek(0)
            token = signing.dumps(default_storage.save(name, upload), salt=KEPT_PHOTO_SALT)
            delete_abandoned_photos()
        self.data = self.data.copy()
        self.data["kept_photo"] = token
        self.photo_kept = True

    def clean(self):
        # Our own checks first, so they show alongside an expired-form message.
        if self.cleaned_data.get("photo") and not self.cleaned_data.get("photo_description"):
            self.add_error(
                "photo_description",
                ValidationError(
                    _("Describe the photo, for people who cannot see it."), code="required"
                ),
            )
        cleaned_data = super().clean()
        if cleaned_data is not None:
            cleaned_data["kept_photo"] = self.kept_photo_name
        return cleaned_data


def kept_photo_file(token: str):
    """The kept photo a signed reference names, opened; None if forged, expired or gone."""
    if not token or len(token) > 500:
        return None
    try:
        name = signing.loads(token, salt=KEPT_PHOTO_SALT, max_age=KEPT_PHOTO_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(name, str) or not name.startswith(KEPT_PHOTOS_DIR + "/"):
        return None
    if not default_storage.exists(name):
        return None
    kept = default_storage.open(name)
    kept.name = name
    return kept


def delete_abandoned_photos() -> None:
    """Photos kept for a try that never came: gone once their reference has expired."""
    try:
        _dirs, files = default_storage.listdir(KEPT_PHOTOS_DIR)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - datetime.timedelta(seconds=KEPT_PHOTO_SECONDS)
    for file_name in files:
        path = f"{KEPT_PHOTOS_DIR}/{file_name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
