"""A new chapter's first editor: their account, in the chapter's editors group, and the link
that lets them set their password (Django's password reset token, so the link works once,
expires after PASSWORD_RESET_TIMEOUT and needs no password to be sent by mail)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from cms.core.mail import site_root_url

from .models import Chapter

USERNAME_LENGTH = 150


def add_first_editor(chapter: Chapter, email: str, name: str = ""):
    """The account with this address (a new one, without a usable password, if there is none)
    added to the chapter's editors. An existing account keeps its name and password."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        first_name, _space, last_name = " ".join(name.split()).partition(" ")
        user = User(
            username=_free_username(email),
            email=email,
            first_name=first_name[:150],
            last_name=last_name[:150],
        )
        user.set_unusable_password()
        user.save()
    user.groups.add(chapter.editors_group)
    return user


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email[:USERNAME_LENGTH]
    username, suffix = base, 2
    while User.objects.filter(username__iexact=username).exists():
        tail = f"-{suffix}"
        username, suffix = base[: USERNAME_LENGTH - len(tail)] + tail, suffix + 1
    return username


def set_password_url(user, chapter: Chapter) -> str:
    """Wagtail's "set a new password" page for `user`, on the chapter's own host."""
    path = reverse(
        "wagtailadmin_password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return site_root_url(chapter.site) + path


def admin_home_url(chapter: Chapter) -> str:
    return site_root_url(chapter.site) + reverse("wagtailadmin_home")
