"""Erasing a person from every list: the national data team's page (find an address, review
what every list holds of it, erase it), with the log of past erasures."""

import logging

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_denied

from ...erasure import erase_everywhere
from ...models import NetworkErasure, Subscriber, Suppression, email_hash, normalise_email
from ..forms import EraseEverywhereForm
from ..permissions import may_erase_everywhere

logger = logging.getLogger(__name__)

ERASURE_LOG_ROWS = 50


def _erasure_page(request, form, *, status=200):
    return TemplateResponse(
        request,
        "newsletter/admin/erase_everywhere.html",
        {
            "form": form,
            "log": NetworkErasure.objects.all()[:ERASURE_LOG_ROWS],
            "page_title": _("Erase a person from every list"),
            "header_icon": "bin",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def erase_everywhere_view(request):
    """Find an address, see what every list holds of it, then (a second POST) erase it from
    the whole network. The log of past erasures is on the same page."""
    if not may_erase_everywhere(request.user):
        return permission_denied(request)
    if request.method != "POST":
        return _erasure_page(request, EraseEverywhereForm())
    form = EraseEverywhereForm(request.POST)
    action = request.POST.get("action")
    if action not in {"review", "erase"}:
        return HttpResponseBadRequest(_("Unknown action"))
    if not form.is_valid():
        return _erasure_page(request, form, status=400)
    address = normalise_email(form.cleaned_data["email"])
    if action == "erase":
        erasure = erase_everywhere(address, erased_by=request.user)
        if erasure is None:
            messages.warning(request, _("This address had already been erased: nothing changed."))
        else:
            logger.info(
                "Address %s… erased from every list by %s (%s subscriptions)",
                erasure.email_hash[:12],
                request.user,
                erasure.subscriptions_removed,
            )
            messages.success(
                request,
                _(
                    "%(address)s was erased from every list (%(count)s subscriptions); only a "
                    "hash is kept so no list can add it again."
                )
                % {"address": address, "count": erasure.subscriptions_removed},
            )
        return redirect("newsletter_admin:erase_everywhere")
    subscriber = Subscriber.objects.filter(email=address).first()
    subscriptions = (
        list(
            subscriber.subscriptions.select_related("newsletter_list__site").order_by(
                "newsletter_list__name"
            )
        )
        if subscriber
        else []
    )
    return TemplateResponse(
        request,
        "newsletter/admin/erase_everywhere_confirm.html",
        {
            "address": address,
            "subscriptions": subscriptions,
            "earlier": NetworkErasure.objects.filter(email_hash=email_hash(address)),
            "suppressed": Suppression.is_suppressed(address),
            "page_title": _("Erase a person from every list"),
            "header_icon": "bin",
        },
    )
