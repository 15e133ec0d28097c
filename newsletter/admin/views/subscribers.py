"""A list's subscribers, as its own admin sees them: search by address, export one
subscription (JSON), remove one from this list (erasing its data there). Only this list's own
subscriptions are reachable through it."""

import logging

from django.contrib import messages
from django.db.models import F
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ...erasure import remove_from_list
from ...export import export_subscription
from ...models import DeliveryEvent, NewsletterList, Subscription, Suppression, email_hash
from ..forms import SubscriberSearchForm
from ..permissions import list_or_refuse

logger = logging.getLogger(__name__)

SUBSCRIBER_RESULTS = 50


@require_http_methods(["GET"])
def subscribers_view(request, list_id):
    newsletter_list, refused = list_or_refuse(request, list_id)
    if refused:
        return refused
    form = SubscriberSearchForm(request.GET)
    subscriptions = []
    query = ""
    if form.is_valid() and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        subscriptions = list(
            Subscription.objects.filter(
                newsletter_list=newsletter_list, subscriber__email__icontains=query
            )
            .select_related("subscriber")
            .order_by("subscriber__email")[:SUBSCRIBER_RESULTS]
        )
    return TemplateResponse(
        request,
        "newsletter/admin/subscribers.html",
        {
            "newsletter_list": newsletter_list,
            "form": form,
            "query": query,
            "subscriptions": subscriptions,
            "limit": SUBSCRIBER_RESULTS,
            "page_title": _("Subscribers: %(list)s") % {"list": newsletter_list.name},
            "header_icon": "user",
        },
    )


def _subscription_of(newsletter_list: NewsletterList, subscription_id: int) -> Subscription:
    """Only this list's own subscriptions are reachable through this list's admin; any other
    id is not found, alike whether it exists elsewhere or not at all."""
    return get_object_or_404(
        Subscription.objects.select_related("subscriber"),
        pk=subscription_id,
        newsletter_list=newsletter_list,
    )


@require_http_methods(["GET"])
def subscriber_view(request, list_id, subscription_id):
    """One subscription as this list's admin sees it: its status, whether the address is
    suppressed for this list (and why), and the bounces and complaints its emails drew."""
    newsletter_list, refused = list_or_refuse(request, list_id)
    if refused:
        return refused
    subscription = _subscription_of(newsletter_list, subscription_id)
    events = DeliveryEvent.objects.filter(delivery__subscription=subscription).select_related(
        "delivery__send__issue"
    )
    suppression = (
        Suppression.applying_to(newsletter_list)
        .filter(email_hash=email_hash(subscription.subscriber.email))
        .order_by(F("newsletter_list").asc(nulls_last=True))  # this list's own, else network
        .first()
    )
    return TemplateResponse(
        request,
        "newsletter/admin/subscriber.html",
        {
            "newsletter_list": newsletter_list,
            "subscription": subscription,
            "events": events,
            "suppression": suppression,
            "page_title": subscription.subscriber.email,
            "page_subtitle": newsletter_list.name,
            "header_icon": "user",
        },
    )


@require_http_methods(["GET"])
def export_view(request, list_id, subscription_id):
    newsletter_list, refused = list_or_refuse(request, list_id)
    if refused:
        return refused
    subscription = _subscription_of(newsletter_list, subscription_id)
    logger.info(
        "Subscription %s exported by %s from %s", subscription.pk, request.user, newsletter_list
    )
    response = JsonResponse(export_subscription(subscription), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = (
        f'attachment; filename="subscription-{newsletter_list.pk}-{subscription.pk}.json"'
    )
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def erase_view(request, list_id, subscription_id):
    """A site's erasure: removes the person from this list (see remove_from_list). GET asks;
    only the POST changes anything."""
    newsletter_list, refused = list_or_refuse(request, list_id)
    if refused:
        return refused
    subscription = _subscription_of(newsletter_list, subscription_id)
    if request.method == "POST":
        address = subscription.subscriber.email
        remove_from_list(subscription)
        logger.info(
            "Subscription %s removed by %s from %s", subscription_id, request.user, newsletter_list
        )
        messages.success(
            request,
            _(
                "%(address)s was removed from this list and its data here erased; only a hash "
                "is kept so this list never adds it again."
            )
            % {"address": address},
        )
        return redirect("newsletter_admin:subscribers", list_id=newsletter_list.pk)
    return TemplateResponse(
        request,
        "newsletter/admin/erase.html",
        {
            "newsletter_list": newsletter_list,
            "subscription": subscription,
            "page_title": _("Remove a subscriber"),
            "header_icon": "bin",
        },
    )
