"""Plain-text notifications, sent by workers: rendered from a pair of templates, one line of
subject (nothing typed can start another header), one message per recipient."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost, ValidationError
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.validators import validate_email
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from wagtail.models import Site


def one_line(value) -> str:
    """Words for a header: one line, so they never start a header of their own."""
    return " ".join(str(value).split())


def email_text(value) -> str:
    """Neutralise markup in a plain-text email (some mail clients render text as HTML) without
    the noise of escaping quotes: O'Brien stays O'Brien, <script> becomes &lt;script&gt;."""
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return mark_safe(text)  # noqa: S308 - escaped just here


def valid_address(value) -> str | None:
    """`value` if it is one valid email address (no line break, no display name), else None:
    what a resident typed becomes a recipient or a Reply-To only through this."""
    if not isinstance(value, str) or value != value.strip() or len(value) > 254:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def site_sender(name: str) -> str:
    """A From header in a site's name: its display name with the network's sender address (one
    verified sending domain for every site; the name is what residents recognise)."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL
    name = one_line(name)
    return formataddr((name, address)) if name else address


def send_once(key: str, timeout: int, send) -> int:
    """send() unless it already ran for `key` (Celery may deliver a task twice): the key is
    taken in the cache first, for `timeout` seconds, and given back if sending fails, so that a
    retry sends. What send() returns, or 0."""
    if not cache.add(key, True, timeout=timeout):
        return 0
    try:
        return send()
    except Exception:
        cache.delete(key)
        raise


def send_text_and_html(
    template: str, context: dict, to: str, *, from_email: str, reply_to=()
) -> int:
    """One message to `to`, from `<template>_subject.txt`, `<template>.txt` and `<template>.html`
    (the text part first, the HTML part its alternative)."""
    subject, body = render_email(template, context)
    message = EmailMultiAlternatives(
        subject, body, from_email, [to], reply_to=[address for address in reply_to if address]
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message.send()


def render_email(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) from `<template>_subject.txt` and `<template>.txt`."""
    subject = render_to_string(f"{template}_subject.txt", context)
    return one_line(subject), render_to_string(f"{template}.txt", context)


def send_to_each(subject: str, body: str, recipients) -> int:
    """One message per address, so no recipient sees another's; returns how many were sent."""
    return sum(send_mail(subject, body, None, [address]) for address in recipients)


def site_root_url(site: Site | None) -> str:
    """Where a mail about something of `site` links: that site's own root (Site.root_url, whose
    scheme and port follow the Site's port); WAGTAILADMIN_BASE_URL when there is no site."""
    if site is not None:
        return site.root_url
    return (settings.WAGTAILADMIN_BASE_URL or "").rstrip("/")


def default_site() -> Site | None:
    """The national site: the home of what belongs to no chapter (join requests)."""
    return Site.objects.filter(is_default_site=True).first()


def site_of(obj) -> Site | None:
    """The site an item belongs to: a page's site, or the `site` of a snippet that has one."""
    get_site = getattr(obj, "get_site", None)
    if callable(get_site):
        return get_site()
    site = getattr(obj, "site", None)
    return site if isinstance(site, Site) else None


def admin_url(view_name: str, *args, site: Site | None = None) -> str:
    """An absolute link to an admin view, for mail sent where there is no request: on the
    item's own site, so a chapter's editors stay on their chapter's host."""
    return site_root_url(site) + reverse(view_name, args=args)


def request_root_url(request) -> str | None:
    """scheme://host[:port] the request came in on, if its host is one of our Sites (and in
    ALLOWED_HOSTS); None for any other Host header, which may be forged."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    hostname, _port = split_domain_port(host)
    if not hostname or not Site.objects.filter(hostname__iexact=hostname).exists():
        return None
    return f"{request.scheme}://{host}"
