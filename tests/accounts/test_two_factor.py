"""Two-factor authentication for editors (cms/accounts): enrolment from the account menu, the
code asked for after the password, the admin closed until it is given, superusers sent to
enrolment when the setting requires it, and the operator's reset for a lost phone.

Codes are computed as an authenticator app would, with django-otp's own TOTP from the device's
key. A code is good once: a second sign-in on the same device uses the next 30-second step's
code (accepted within django-otp's tolerance of one step), so no test waits for the clock.
"""

import re
import time
from base64 import b32encode
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import GroupFactory, UserFactory
from tests.helpers import body, logged_in
from tests.shared_chapter import leeds_param

ENROL = reverse("accounts_two_factor")
VERIFY = reverse("accounts_two_factor_verify")
ADMIN = reverse("wagtailadmin_home")
PAGES = reverse("wagtailimages:index")
WRONG_CODE = "That code is not right, or has expired."


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    good = {code_for(device, steps) for steps in (-1, 0, 1, 2)}
    return next(f"{n:06d}" for n in range(0, 1_000_000, 7919) if f"{n:06d}" not in good)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def let_throttle_pass(device: TOTPDevice) -> None:
    """As if the wait django-otp asks for after a wrong code had passed."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(hours=1)
    )


def redirect_target(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


@pytest.fixture
def editor(db):
    """An editor made with the factories, in Wagtail's own "Editors" group (admin access,
    images): for what any editor does, whatever their site."""
    return UserFactory(groups=[GroupFactory(name="Editors")])


@pytest.fixture(params=["coventry", leeds_param()])
def chapter_editor(request, network):
    """A chapter editor: the demo's Coventry editor, and Leeds's, made by create_chapter."""
    if request.param == "coventry":
        return get_user_model().objects.get(username="coventry-editor")
    return request.getfixturevalue("leeds_editor")


def test_chapter_editor_enrols_from_the_account_menu_and_is_then_asked_for_a_code(
    chapter_editor,
):
    client = logged_in(chapter_editor)
    account = client.get(reverse("wagtailadmin_account"))
    assert ENROL in body(account) and "Two-factor authentication" in body(account)

    off = client.get(ENROL)
    assert off.status_code == 200
    assert "Two-factor authentication is off" in body(off)
    assert not TOTPDevice.objects.filter(user=chapter_editor).exists()  # a GET changes nothing

    started = client.post(ENROL, {"action": "start"})
    assert redirect_target(started) == ENROL
    device = TOTPDevice.objects.get(user=chapter_editor)
    assert device.confirmed is False
    page = body(client.get(ENROL))
    assert "<svg" in page  # the QR code of the otpauth:// URI
    key = b32encode(device.bin_key).decode().rstrip("=")
    shown = re.search(r'<code id="two-factor-key">([A-Z2-7 ]+)</code>', page).group(1)
    assert shown.replace(" ", "") == key

    refused = client.post(ENROL, {"action": "confirm", "code": wrong_code(device)})
    assert refused.status_code == 200 and WRONG_CODE in body(refused)
    device.refresh_from_db()
    assert device.confirmed is False
    let_throttle_pass(device)

    confirmed = client.post(ENROL, {"action": "confirm", "code": code_for(device)})
    assert redirect_target(confirmed) == ENROL
    device.refresh_from_db()
    assert device.confirmed is True
    assert "Two-factor authentication is on" in body(client.get(ENROL))
    assert client.get(PAGES).status_code == 200  # this session gave its code at enrolment

    # The next sign-in: the password alone no longer opens the admin.
    later = logged_in(chapter_editor)
    assert redirect_target(later.get(PAGES)) == f"{VERIFY}?next={PAGES}"
    form = later.get(f"{VERIFY}?next={PAGES}")
    assert form.status_code == 200 and "Enter the code from your authenticator app" in body(form)
    verified = later.post(VERIFY, {"code": code_for(device, 1), "next": PAGES})
    assert redirect_target(verified) == PAGES
    assert later.get(PAGES).status_code == 200


def test_admin_stays_closed_until_the_right_code_and_wrong_codes_are_throttled(
    coventry_editor, network
):
    device = confirmed_device(coventry_editor)
    client = logged_in(coventry_editor)
    for path in (ADMIN, PAGES, reverse("wagtailadmin_account"), ENROL):
        response = client.get(path)
        assert redirect_target(response).startswith(f"{VERIFY}?next="), path
        assert "Pages" not in body(response)

    refused = client.post(VERIFY, {"code": wrong_code(device), "next": PAGES})
    assert refused.status_code == 200 and WRONG_CODE in body(refused)
    assert redirect_target(client.get(PAGES)).startswith(VERIFY)
    # Straight after a wrong code even the right one must wait: guessing is slowed down.
    throttled = client.post(VERIFY, {"code": code_for(device), "next": PAGES})
    assert "Too many wrong codes. Try again in" in body(throttled)
    assert redirect_target(client.get(PAGES)).startswith(VERIFY)
    for junk in ("", "12ab56", "x" * 500):
        answer = client.post(VERIFY, {"code": junk})
        assert answer.status_code == 200, junk
    assert redirect_target(client.get(PAGES)).startswith(VERIFY)

    let_throttle_pass(device)
    accepted = client.post(VERIFY, {"code": code_for(device), "next": PAGES})
    assert redirect_target(accepted) == PAGES
    assert client.get(PAGES).status_code == 200
    # A code is good once: replaying it in another session is refused.
    replay = logged_in(coventry_editor)
    replayed = replay.post(VERIFY, {"code": code_for(device), "next": PAGES})
    assert WRONG_CODE in body(replayed)
    assert redirect_target(replay.get(PAGES)).startswith(VERIFY)


def test_verify_never_redirects_off_site(editor):
    device = confirmed_device(editor)
    client = logged_in(editor)
    response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
    assert redirect_target(response) == ADMIN


def test_unverified_session_is_signed_out_on_the_public_site(coventry_editor, network):
    confirmed_device(coventry_editor)
    half = logged_in(coventry_editor)
    page = half.get("/", HTTP_HOST="coventry.localhost")
    assert page.status_code == 200
    assert "wagtail-userbar" not in body(page)
    # Positive control: the same editor without a device gets Wagtail's userbar.
    TOTPDevice.objects.filter(user=coventry_editor).delete()
    assert "wagtail-userbar" in body(half.get("/", HTTP_HOST="coventry.localhost"))


def test_superuser_without_a_device_is_sent_to_enrolment_when_required(
    superuser, coventry_editor, settings
):
    settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    client = logged_in(superuser)
    for path in (ADMIN, PAGES, reverse("wagtailadmin_account")):
        assert redirect_target(client.get(path)) == f"{ENROL}?next={path}", path
    page = client.get(f"{ENROL}?next={PAGES}")
    assert page.status_code == 200
    assert "Your account must use two-factor authentication" in body(page)
    # Another editor is not forced.
    assert logged_in(coventry_editor).get(PAGES).status_code == 200

    assert redirect_target(client.post(ENROL, {"action": "start", "next": PAGES})).startswith(ENROL)
    device = TOTPDevice.objects.get(user=superuser)
    assert redirect_target(client.get(PAGES)).startswith(ENROL)  # not confirmed yet
    done = client.post(ENROL, {"action": "confirm", "code": code_for(device), "next": PAGES})
    assert redirect_target(done) == PAGES
    assert client.get(PAGES).status_code == 200

    # Required: it cannot be turned off, even with a good code.
    kept = client.post(ENROL, {"action": "disable", "code": code_for(device, 1)}, follow=True)
    assert "required for your account" in body(kept)
    assert TOTPDevice.objects.filter(user=superuser, confirmed=True).exists()


def test_superuser_is_not_forced_when_not_required(db, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = False
    assert logged_in(UserFactory(is_superuser=True)).get(PAGES).status_code == 200


def test_editor_turns_it_off_with_a_current_code(editor):
    device = confirmed_device(editor)
    client = logged_in(editor)
    client.post(VERIFY, {"code": code_for(device)})
    refused = client.post(ENROL, {"action": "disable", "code": wrong_code(device)})
    assert WRONG_CODE in body(refused)
    assert TOTPDevice.objects.filter(user=editor).exists()
    let_throttle_pass(device)
    done = client.post(ENROL, {"action": "disable", "code": code_for(device, 1)}, follow=True)
    assert "Two-factor authentication is off" in body(done)
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert logged_in(editor).get(PAGES).status_code == 200


def test_operator_resets_a_lost_phone(editor, capsys):
    confirmed_device(editor)
    assert redirect_target(logged_in(editor).get(PAGES)).startswith(VERIFY)
    call_command("two_factor_reset", editor.username)
    assert f"Removed 1 two-factor device(s) of {editor.username}" in capsys.readouterr().out
    assert logged_in(editor).get(PAGES).status_code == 200
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("two_factor_reset", "nobody")


def test_unknown_action_changes_nothing(editor):
    client = Client()
    client.force_login(editor)
    response = client.post(ENROL, {"action": "explode"}, follow=True)
    assert response.status_code == 200
    assert "Nothing was changed" in body(response)
    assert not TOTPDevice.objects.filter(user=editor).exists()
