"""Public newsletter views: subscribe, confirm, preferences and one-click unsubscribe.

They live outside the page tree (/subscriptions/ on every host) and act on the request's own
site: subscribing on Coventry's host subscribes to Coventry's list, never the national one.
They answer in each language the site offers (/cy/subscriptions/… in Welsh); the language of
the page someone subscribes on is the language of their confirmation mail and its links.
Links in emails carry signed tokens; a forged, expired or reused one gets a clear page and
changes nothing. Pages holding a token are never cached and never send it on as a referrer.
"""

import json
import re
from functools import wraps

from django.conf import settings
from django.core import signing
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from cms.core.antispam import rate_limited, too_many_requests
from cms.core.context import public_context

from . import subscriptions as service
from .export import export_subscriber
from .forms import PreferencesLanguageForm, subscribe_form
from .models import NewsletterList, Subscriber, Subscription, offered_language, site_languages
from .tokens import read_confirm_token, read_unsubscribe_token

# Every POST counts, valid or not: a person correcting a typo needs a few, a bot many.
SUBSCRIBE_RATE_LIMIT = 10
SUBSCRIBE_RATE_WINDOW_SECONDS = 10 * 60
MAX_TOKEN_LENGTH = 500
PREFERENCES_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
ALLOWED_METHODS = require_http_methods(["GET", "HEAD", "POST"])


# --- languages -------------------------------------------------------------------------------


def _language_offered(request, site) -> bool:
    return (get_language() or "") in site_languages(site)


def in_offered_language(view):
    """A link from an email (confirm, preferences, unsubscribe) always works: in a language
    the site does not offer (any more), it answers in the default language rather than not
    at all."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        site = Site.find_for_request(request)
        if site is not None and not _language_offered(request, site):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return view(request, *args, **kwargs)

    return wrapper


# --- subscribe -------------------------------------------------------------------------------


@ALLOWED_METHODS
def subscribe(request):
    site = Site.find_for_request(request)
    if site is None or not _language_offered(request, site):
        raise Http404  # /cy/subscriptions/subscribe/ on a site without Welsh
    if request.method != "POST":
        if "thanks" in request.GET:
            return _page(request, "newsletter/subscribe_thanks.html", {})
        form = subscribe_form(request, NewsletterList.objects.filter(site=site).first())
        form.initial["source"] = request.build_absolute_uri()
        return _subscribe_page(request, form)

    if rate_limited(
        request, "newsletter.subscribe", SUBSCRIBE_RATE_LIMIT, SUBSCRIBE_RATE_WINDOW_SECONDS
    ):
        return too_many_requests(request)
    newsletter_list = NewsletterList.for_site(site)
    try:
        form = subscribe_form(request, newsletter_list, request.POST)
        form.is_valid()
    except RequestDataTooBig:
        return _unreadable(request, newsletter_list, _("What you sent is too long."), 413)
    except (SuspiciousOperation, MultiPartParserError):
        return _unreadable(request, newsletter_list, _("We could not read what you sent."), 400)
    if not form.is_valid():
        return _subscribe_page(request, form)

    data = form.cleaned_data
    source = data.get("source") or request.META.get("HTTP_REFERER", "")
    service.subscribe(
        newsletter_list,
        email=data["email"],
        name=data["name"],
        language=data["language"],
        page_language=get_language(),
        source_url=service.clean_source_url(source, request.get_host()),
        wording=form.consent_wording()[0],
    )
    # The same answer whatever happened (new, already subscribed, suppressed): the page never
    # tells anyone whether an address is on a list.
    response = HttpResponseRedirect(reverse("newsletter:subscribe") + "?thanks")
    response.status_code = 303
    return response


def _subscribe_page(request, form, status=200):
    return _page(request, "newsletter/subscribe.html", {"form": form}, status=status)


def _unreadable(request, newsletter_list, message: str, status: int):
    """A request Django could not parse: the form again, empty, with one clear message."""
    form = subscribe_form(request, newsletter_list)
    form.cleaned_data = {}
    form.add_error(None, message)
    return _subscribe_page(request, form, status=status)


# --- confirm ---------------------------------------------------------------------------------


@ALLOWED_METHODS
@in_offered_language
def confirm(request, token):
    """GET shows a "Confirm" button and changes nothing (mail scanners open links); POST
    confirms."""
    try:
        subscription_id = read_confirm_token(token[:MAX_TOKEN_LENGTH])
    except signing.SignatureExpired:
        return link_problem(request, "expired", status=400)
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return link_problem(request, "forged", status=400)
    subscription = (
        Subscription.objects.select_related("newsletter_list__site")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        return link_problem(request, "missing", status=404)
    if subscription.status == Subscription.Status.CONFIRMED:
        return _confirm_page(request, subscription, "already_confirmed")
    if subscription.status == Subscription.Status.UNSUBSCRIBED:
        return link_problem(request, "unsubscribed", status=400)
    if not service.token_is_current(token, subscription):
        return link_problem(request, "superseded", status=400)
    if request.method != "POST":
        return _confirm_page(request, subscription, "ask")

    outcome = service.confirm_subscription(subscription.pk)
    if outcome == service.ConfirmOutcome.MISSING:
        return link_problem(request, "missing", status=404)
    if outcome == service.ConfirmOutcome.UNSUBSCRIBED:
        return link_problem(request, "unsubscribed", status=400)
    state = "confirmed" if outcome == service.ConfirmOutcome.CONFIRMED else "already_confirmed"
    return _confirm_page(request, subscription, state)


def _confirm_page(request, subscription, state: str):
    context = {
        "state": state,
        "subscription": subscription,
        "newsletter_list": subscription.newsletter_list,
        "preferences_url": reverse("newsletter:preferences", args=[subscription.subscriber.token]),
    }
    return _page(request, "newsletter/confirm.html", context, private=True)


# --- preferences -----------------------------------------------------------------------------


@ALLOWED_METHODS
@in_offered_language
def preferences(request, token):
    """Someone's subscriptions across the network: language, unsubscribe from each, a copy of
    their data. Every change is a POST with a CSRF token."""
    subscriber = None
    if PREFERENCES_TOKEN.fullmatch(token):  # what new_token() makes; never NUL into a query
        subscriber = Subscriber.objects.filter(token=token).first()
    if subscriber is None:
        return link_problem(request, "unknown_subscriber", status=404)

    languages = subscriber_languages(subscriber)
    language_form = PreferencesLanguageForm(
        initial={"language": subscriber.language}, languages=languages
    )
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "export":
            return _export(subscriber)
        if action == "language":
            language_form = PreferencesLanguageForm(request.POST, languages=languages)
            if language_form.is_valid():
                language = language_form.cleaned_data["language"]
                service.set_language(subscriber, language)
                return _back_to_preferences(request, token, "language", language)
        elif action == "unsubscribe":
            subscription = _own_subscription(subscriber, request.POST.get("subscription"))
            if subscription is not None:
                service.unsubscribe(subscription.pk, source_url=_tokenless_url(request))
                return _back_to_preferences(request, token, "unsubscribed")
            return _preferences_page(request, subscriber, language_form, status=400)
        else:
            return _preferences_page(request, subscriber, language_form, status=400)
    done = request.GET.get("done", "")
    return _preferences_page(
        request,
        subscriber,
        language_form,
        done=done if done in ("language", "unsubscribed") else "",
    )


def _own_subscription(subscriber, value) -> Subscription | None:
    try:
        subscription_id = int(value)
    except (TypeError, ValueError):
        return None
    return subscriber.subscriptions.filter(pk=subscription_id).first()


def subscriber_languages(subscriber) -> list[str]:
    """The languages a subscriber may choose: those offered by the sites of their lists."""
    offered = {settings.LANGUAGE_CODE}
    for subscription in subscriber.subscriptions.select_related("newsletter_list__site"):
        offered.update(subscription.newsletter_list.languages)
    return [code for code, _name in settings.LANGUAGES if code in offered]


def _back_to_preferences(request, token: str, done: str, language: str | None = None):
    """Back to the page (GET), in the language just chosen if this site offers it."""
    site = Site.find_for_request(request)
    language = offered_language(language or get_language(), site_languages(site))
    with translation.override(language):
        url = reverse("newsletter:preferences", args=[token])
    response = HttpResponseRedirect(url + f"?done={done}")
    response.status_code = 303
    response["Referrer-Policy"] = "same-origin"
    return response


def _preferences_page(request, subscriber, language_form, done: str = "", status: int = 200):
    subscriptions = subscriber.subscriptions.select_related("newsletter_list__site").order_by(
        "newsletter_list__name", "pk"
    )
    context = {
        "subscriber": subscriber,
        "subscriptions": subscriptions,
        "language_form": language_form,
        "done": done,
    }
    return _page(request, "newsletter/preferences.html", context, status=status, private=True)


def _export(subscriber):
    body = json.dumps(export_subscriber(subscriber), indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="newsletter-data.json"'
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "same-origin"
    return response


# --- one-click unsubscribe -------------------------------------------------------------------


@csrf_exempt  # RFC 8058: mail providers POST with no cookie and no CSRF token; the token is the key
@ALLOWED_METHODS
@in_offered_language
def unsubscribe(request, token):
    """GET shows an "Unsubscribe" button; POST (the RFC's `List-Unsubscribe=One-Click` body, an
    empty body or our own form) unsubscribes, and says so every time it is sent again."""
    try:
        subscription_id = read_unsubscribe_token(token[:MAX_TOKEN_LENGTH])
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return link_problem(request, "forged", status=400)
    subscription = (
        Subscription.objects.select_related("newsletter_list__site", "subscriber")
        .filter(pk=subscription_id)
        .first()
    )
    if request.method == "POST":
        # The body is not read at all: whatever a mail provider sends, the token decides.
        service.unsubscribe(subscription_id, source_url=_tokenless_url(request))
        if subscription is not None:
            subscription.refresh_from_db()
        state = "done"
    elif subscription is None or subscription.status == Subscription.Status.UNSUBSCRIBED:
        state = "done"
    else:
        state = "ask"
    context = {
        "state": state,
        "subscription": subscription,
        "newsletter_list": subscription.newsletter_list if subscription else None,
        "preferences_url": (
            reverse("newsletter:preferences", args=[subscription.subscriber.token])
            if subscription
            else ""
        ),
    }
    return _page(request, "newsletter/unsubscribe.html", context, private=True)


# --- shared ----------------------------------------------------------------------------------


def _tokenless_url(request) -> str:
    """Where an unsubscribe happened, for its consent record: the page, without the token."""
    return request.build_absolute_uri(request.path.rsplit("/", 2)[0] + "/")


def link_problem(request, problem: str, status: int):
    """A link that does not work (forged, expired, reused, for something since removed)."""
    return _page(request, "newsletter/link_problem.html", {"problem": problem}, status, True)


def _page(request, template: str, context: dict, status: int = 200, private: bool = False):
    response = render(request, template, {**public_context(request), **context}, status=status)
    # Forms carry a CSRF token and a signed timestamp, token pages a personal link: no shared
    # cache may keep them, and no link on them may pass the token on as a referrer.
    add_never_cache_headers(response)
    if private:
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
    return response
