"""Two-factor authentication for editors with django-otp's TOTP devices (authenticator apps).

An editor has at most one confirmed device. Enrolment makes an unconfirmed one, shows its key
(as a QR code and as text) and confirms it with a first code, so a mistyped key never locks
anyone out. Who must have one: superusers, when TWO_FACTOR_REQUIRED_FOR_SUPERUSERS is on.
"""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Authenticator app"


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_required(user) -> bool:
    return bool(settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS and user.is_superuser)


@transaction.atomic
def start_enrolment(user) -> TOTPDevice:
    """A fresh unconfirmed device (and key), replacing any earlier unfinished enrolment."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


@transaction.atomic
def confirm_enrolment(device: TOTPDevice) -> bool:
    """Turn the pending device on (a conditional update: False if another request did first).

    Any older confirmed device goes: one device per editor, the one they just proved they have.
    """
    if not TOTPDevice.objects.filter(pk=device.pk, confirmed=False).update(confirmed=True):
        return False
    TOTPDevice.objects.filter(user_id=device.user_id, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    return True


def remove_devices(user) -> int:
    """Every TOTP device of the user, confirmed or not; how many there were."""
    return TOTPDevice.objects.filter(user=user).delete()[0]


def readable_key(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps where the QR code cannot be scanned."""
    encoded = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(encoded[i : i + 4] for i in range(0, len(encoded), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as inline SVG markup (inline, so no data: URL is needed)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
