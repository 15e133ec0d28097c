"""The public "Share your story" form. Everything a resident types is plain text: cleaned of
control characters (cms.core.text) and escaped wherever it is shown."""

import warnings

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from cms.core.antispam import AntiSpamFormMixin
from cms.core.text import PlainTextField

MAX_STORY_CHARS = 5000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_PHOTO_SIDE = 6000
PHOTO_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


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

    def clean(self):
        # Our own checks first, so they show alongside an expired-form message.
        if self.cleaned_data.get("photo") and not self.cleaned_data.get("photo_description"):
            self.add_error(
                "photo_description",
                ValidationError(
                    _("Describe the photo, for people who cannot see it."), code="required"
                ),
            )
        return super().clean()
