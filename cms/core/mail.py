"""Plain-text notifications, sent by workers: rendered from a pair of templates, one line of
subject (nothing typed can start another header), one message per recipient."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse


def one_line(value) -> str:
    """Words for a header: one line, so they never start a header of their own."""
    return " ".join(str(value).split())


def render_email(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) from `<template>_subject.txt` and `<template>.txt`."""
    subject = render_to_string(f"{template}_subject.txt", context)
    return one_line(subject), render_to_string(f"{template}.txt", context)


def send_to_each(subject: str, body: str, recipients) -> int:
    """One message per address, so no recipient sees another's; returns how many were sent."""
    return sum(send_mail(subject, body, None, [address]) for address in recipients)


def admin_url(view_name: str, *args) -> str:
    """An absolute link to an admin view, for mail sent where there is no request."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse(view_name, args=args)
