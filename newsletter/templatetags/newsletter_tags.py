"""Newsletter pieces any template may place: the signup form for the request's site (used by
the NewsletterSignupBlock's template, newsletter/blocks.py), the archive of sent issues, and
an issue as its email (the editor's "email" preview)."""

from django import template
from django.utils.safestring import mark_safe
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
    issue is sent in every language at once, so a translation counts as sent with its source."""
    request = context.get("request")
    sent = NewsletterIssuePage.objects.filter(send__status=Send.Status.SENT).values(
        "translation_key"
    )
    issues = (
        NewsletterIssuePage.objects.child_of(index_page)
        .live()
        .public()
        .filter(translation_key__in=sent)
        .order_by("-first_published_at", "-pk")
    )
    return paginate(request, issues, ARCHIVE_PER_PAGE)


@register.simple_tag(takes_context=True)
def newsletter_page_url(context) -> str:
    """Where to subscribe on the request's site: its newsletter page in the reader's language,
    else in any language, else the home page."""
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
    page = pages.filter(locale=Locale.get_active()).first() or pages.first()
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
