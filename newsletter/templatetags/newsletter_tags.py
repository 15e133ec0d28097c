"""Newsletter pieces any template may place: the signup form for the request's site (used by
the NewsletterSignupBlock's template, newsletter/blocks.py), the archive of sent issues, and
an issue as its email (the editor's "email" preview)."""

from functools import reduce
from operator import or_

from django import template
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.models import Locale, Site

from cms.core.pagination import paginate

from ..forms import subscribe_form
from ..models import NewsletterIndexPage, NewsletterIssuePage, NewsletterList, Send
from ..rendering import fill_links, render_issue

register = template.Library()

ARCHIVE_PER_PAGE = 12


@register.inclusion_tag("newsletter/includes/signup_form.html", takes_context=True)
def newsletter_signup_form(context, heading_id: str = ""):
    """The form posting to the request's site's list (no list row is created just to show it:
    the form then says the default wording, exactly what the list will be created with)."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"form": None}
    # Ids unique on the page, however many signup forms it holds.
    count = getattr(request, "_newsletter_signup_forms", 0) + 1
    request._newsletter_signup_forms = count
    newsletter_list = NewsletterList.objects.filter(site=site).first()
    form = subscribe_form(request, newsletter_list, auto_id=f"newsletter-{count}-%s")
    form.initial["source"] = request.build_absolute_uri()
    return {
        "form": form,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "labelledby": heading_id,
    }


@register.simple_tag(takes_context=True)
def newsletter_archive(context, index_page: NewsletterIndexPage):
    """The issues of this newsletter page that have been sent, newest first, paginated. An
    issue is sent in every language at once, so a translation counts as sent with its source.
    Each issue in this page's language where it has a version in it, else in the one it has
    (the template marks it with its language): a Welsh archive lists every issue sent."""
    request = context.get("request")
    sent = NewsletterIssuePage.objects.filter(send__status=Send.Status.SENT).values(
        "translation_key"
    )
    indexes = index_page.get_translations(inclusive=True)
    under_any = reduce(or_, (Q(path__startswith=index.path) for index in indexes))
    candidates = (
        NewsletterIssuePage.objects.filter(under_any, depth=index_page.depth + 1)
        .live()
        .public()
        .filter(translation_key__in=sent)
        .select_related("locale")
    )
    chosen: dict = {}
    for issue in candidates:
        kept = chosen.get(issue.translation_key)
        if kept is None or _preference(issue, index_page) < _preference(kept, index_page):
            chosen[issue.translation_key] = issue
    issues = sorted(
        chosen.values(),
        key=lambda issue: (
            issue.first_published_at is not None,
            issue.first_published_at,
            issue.pk,
        ),
        reverse=True,
    )
    return paginate(request, issues, ARCHIVE_PER_PAGE)


def _preference(issue: NewsletterIssuePage, index_page: NewsletterIndexPage) -> tuple:
    """Lower is better: the archive page's own language, then the default, then the rest."""
    if issue.locale_id == index_page.locale_id:
        return (0, issue.pk)
    if issue.locale.language_code == settings.LANGUAGE_CODE:
        return (1, issue.pk)
    return (2, issue.pk)


@register.simple_tag(takes_context=True)
def newsletter_page_url(context) -> str:
    """Where to subscribe on the request's site: its newsletter page in the reader's language,
    else the signup page in that language (/cy/subscriptions/subscribe/), else its newsletter
    page, else the home page."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return "/"
    pages = (
        NewsletterIndexPage.objects.live()
        .public()
        .filter(path__startswith=site.root_page.path)
        .order_by("depth", "pk")
    )
    page = pages.filter(locale=Locale.get_active()).first()
    if page is None and get_language() != settings.LANGUAGE_CODE:
        # No newsletter page in the reader's language: its signup page, which is.
        return reverse("newsletter:subscribe")
    page = page or pages.first()
    url = page.get_url(request) if page else None
    return url or site.root_page.get_url(request) or "/"


@register.simple_tag(takes_context=True)
def newsletter_email_preview(context, issue: NewsletterIssuePage) -> str:
    """The issue as its email, for the editor's "email" preview: rendered from this (perhaps
    unsaved) draft by newsletter.rendering, as seen from the issue's own site, with "#" where
    each subscriber's own links go (the preview has none to show)."""
    rendered = render_issue(issue, issue.locale.language_code, request=context.get("request"))
    rendered = fill_links(rendered, preferences_url="#", unsubscribe_url="#")
    return mark_safe(rendered.html)  # noqa: S308 - the email templates escaped what they show
