"""The emails the newsletter sends one at a time: the test email of an issue and the
confirmation of a subscription; and the links and headers an issue's deliveries share with
them (each delivery's email is made by newsletter.pipeline.compose, from a template filled per
recipient). Nothing here sends."""

from email.utils import formataddr

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from wagtail.models import Site

from cms.core.mail import one_line

from .conf import sender_address
from .models import (
    Delivery,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscription,
    offered_language,
)
from .rendering import fill_links, issue_site, render_issue
from .signing import SignedEmail
from .tokens import CONFIRM_MAX_AGE, confirm_token

# --- links ----------------------------------------------------------------------------------


def site_link(site: Site, path: str) -> str:
    return site.root_url.rstrip("/") + path


def notice_language(subscription: Subscription) -> str:
    """The language of the mail about a subscription (its confirmation): the language of the
    page the person subscribed on, if the list's site (still) offers it."""
    language = subscription.language or subscription.subscriber.language
    return offered_language(language, subscription.newsletter_list.languages)


def confirm_url(subscription: Subscription, language: str | None = None) -> str:
    """An absolute link on the list's own site (Coventry's mail links to Coventry's host), to
    the confirm page in the mail's language."""
    with translation.override(language or notice_language(subscription)):
        path = reverse("newsletter:confirm", args=[confirm_token(subscription.pk)])
    return site_link(subscription.newsletter_list.site, path)


# --- headers --------------------------------------------------------------------------------


def list_id(newsletter_list: NewsletterList) -> str:
    """RFC 2919: "<name>" <list-<id>.<site hostname>>; the same for every issue of the list."""
    name = one_line(newsletter_list.name).replace("\\", "").replace('"', "")
    return f'"{name}" <list-{newsletter_list.pk}.{newsletter_list.site.hostname}>'


def message_id(send: Send, delivery: Delivery) -> str:
    """Stable: a copy sent again after a crash has the same Message-ID, so mail systems that
    keep them can drop the duplicate."""
    return f"<newsletter.{send.pk}.{delivery.pk}@{send.newsletter_list.site.hostname}>"


def from_header(newsletter_list: NewsletterList) -> str:
    name = one_line(newsletter_list.from_name or newsletter_list.name)
    return formataddr((name, sender_address())) if name else sender_address()


# --- the emails -----------------------------------------------------------------------------


def proof_message(issue: NewsletterIssuePage, address: str) -> SignedEmail:
    """The issue as its subscribers will get it, to one address, marked as a test; its personal
    links lead to the site's newsletter page (a test recipient has no subscription)."""
    site = issue_site(issue)
    newsletter_list = NewsletterList.for_site(site)
    language = issue.locale.language_code
    rendered = render_issue(issue, language)
    index = NewsletterIndexPage.objects.filter(path__startswith=site.root_page.path).first()
    landing = (index.get_full_url() if index else "") or site.root_url
    copy = fill_links(rendered, preferences_url=landing, unsubscribe_url=landing)
    message = SignedEmail(
        subject=f"[Test] {copy.subject}",
        body=copy.text,
        from_email=from_header(newsletter_list),
        to=[address],
        reply_to=[newsletter_list.reply_to] if newsletter_list.reply_to else None,
        headers={"List-Id": list_id(newsletter_list)},
    )
    message.attach_alternative(copy.html, "text/html")
    return message


def confirmation_message(subscription: Subscription) -> SignedEmail:
    """The confirmation email: HTML and plain text, from the list's name at our own address. The
    resident's name is not in it: anyone can type anything there, and this mail goes to an
    address they have not yet proved is theirs."""
    newsletter_list = subscription.newsletter_list
    site = newsletter_list.site
    subscriber = subscription.subscriber
    list_name = one_line(newsletter_list.from_name or newsletter_list.name)
    language = notice_language(subscription)
    context = {
        "language": language,
        "list_name": list_name,
        "site_name": site.site_name or site.hostname,
        "site_url": site.root_url,
        "confirm_url": confirm_url(subscription, language),
        "expires_days": CONFIRM_MAX_AGE // (24 * 3600),
    }
    with translation.override(language):
        subject = one_line(render_to_string("newsletter/email/confirm_subject.txt", context))
        text = render_to_string("newsletter/email/confirm.txt", context)
        html = render_to_string("newsletter/email/confirm.html", context)
    reply_to = [newsletter_list.reply_to] if newsletter_list.reply_to else None
    message = SignedEmail(
        subject=subject,
        body=text,
        from_email=from_header(newsletter_list),
        to=[subscriber.email],
        reply_to=reply_to,
        headers={"Auto-Submitted": "auto-generated", "Content-Language": language},
    )
    message.attach_alternative(html, "text/html")
    return message
