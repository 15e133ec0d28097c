"""The Newsletters overview (each visible list's numbers and sends), a list's settings, and
the national team's choice of a list's SMTP server."""

import logging

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages as admin_messages
from wagtail.admin.auth import permission_denied

from ...bounces.figures import list_rates, send_outcomes
from ...models import Send, Subscription
from ..forms import ListServerForm, NewsletterListForm
from ..permissions import (
    list_or_refuse,
    list_policy,
    may_choose_smtp_server,
    may_erase_everywhere,
    may_send,
)
from ..services import LIST_SETTINGS_FIELDS, progress_of, save_list_settings, set_list_server

logger = logging.getLogger(__name__)


@require_http_methods(["GET"])
def lists_view(request):
    lists = list(list_policy.visible_lists(request.user))
    erases_everywhere = may_erase_everywhere(request.user)
    chooses_server = may_choose_smtp_server(request.user)
    if not lists and not erases_everywhere:
        return permission_denied(request)
    subscriber_counts: dict[int, dict[str, int]] = {item.pk: {} for item in lists}
    rows = (
        Subscription.objects.filter(newsletter_list__in=lists)
        .values("newsletter_list", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in rows:
        subscriber_counts[row["newsletter_list"]][row["status"]] = row["count"]
    sends = list(
        Send.objects.filter(newsletter_list__in=lists)
        .select_related("issue")
        .order_by("-created_at")
    )
    progress = progress_of(sends)
    outcomes = send_outcomes(send.pk for send in sends)
    rates = list_rates(item.pk for item in lists)
    sendable = {send.pk for send in sends if may_send(request.user, send.issue)}
    rows = []
    for newsletter_list in lists:
        counts = subscriber_counts[newsletter_list.pk]
        rows.append(
            {
                "list": newsletter_list,
                "pending": counts.get(Subscription.Status.PENDING, 0),
                "confirmed": counts.get(Subscription.Status.CONFIRMED, 0),
                "unsubscribed": counts.get(Subscription.Status.UNSUBSCRIBED, 0),
                "rates": rates[newsletter_list.pk],
                "sends": [
                    (send, progress[send.pk], outcomes[send.pk], send.pk in sendable)
                    for send in sends
                    if send.newsletter_list_id == newsletter_list.pk
                ],
                "may_edit": list_policy.may_edit(request.user, newsletter_list),
                "may_choose_server": chooses_server,
            }
        )
    return TemplateResponse(
        request,
        "newsletter/admin/lists.html",
        {
            "rows": rows,
            "may_erase_everywhere": erases_everywhere,
            "page_title": _("Newsletters"),
            "header_icon": "mail",
        },
    )


def _saved_message(saved, new_version: bool) -> str:
    message = _("The settings of “%(name)s” were saved.") % {"name": saved.name}
    if new_version:
        message += " " + _(
            "Consent wording is now version %(version)s; each subscriber's consent "
            "record keeps the version they agreed to."
        ) % {"version": saved.consent_version}
    return message


@require_http_methods(["GET", "POST"])
def edit_list_view(request, list_id):
    newsletter_list, refused = list_or_refuse(request, list_id, edit=True)
    if refused:
        return refused
    options = {"choose_server": may_choose_smtp_server(request.user)}
    if request.method == "POST":
        form = NewsletterListForm(request.POST, **options)
        if form.is_valid():
            saved, new_version = save_list_settings(newsletter_list.pk, form.cleaned_data)
            logger.info("Newsletter list %s settings changed by %s", saved.pk, request.user)
            messages.success(request, _saved_message(saved, new_version))
            return redirect("newsletter_admin:index")
        admin_messages.validation_error(
            request, _("The list settings could not be saved due to errors."), form
        )
    else:
        initial = {name: getattr(newsletter_list, name) for name in LIST_SETTINGS_FIELDS}
        initial["smtp_server"] = newsletter_list.smtp_server_id
        form = NewsletterListForm(initial=initial, **options)
    return TemplateResponse(
        request,
        "newsletter/admin/list_edit.html",
        {
            "newsletter_list": newsletter_list,
            "form": form,
            "action_url": reverse("newsletter_admin:edit_list", args=[newsletter_list.pk]),
            "submit_button_label": _("Save"),
            "submit_button_active_label": _("Saving…"),
            "page_title": _("Edit list settings"),
            "page_subtitle": newsletter_list.name,
            "header_title": _("Edit list settings: %(list)s") % {"list": newsletter_list.name},
            "header_icon": "mail",
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def list_server_view(request, list_id):
    """The national team chooses the SMTP server of any list it sees (a chapter's own provider
    account), without being given the chapter's other settings."""
    if not may_choose_smtp_server(request.user):
        return permission_denied(request)
    newsletter_list, refused = list_or_refuse(request, list_id)
    if refused:
        return refused
    form = ListServerForm(
        request.POST if request.method == "POST" else None,
        initial={"smtp_server": newsletter_list.smtp_server_id},
    )
    if form.is_valid():
        server = form.cleaned_data["smtp_server"]
        set_list_server(newsletter_list.pk, server)
        logger.info("Newsletter list %s SMTP server set by %s", newsletter_list.pk, request.user)
        messages.success(
            request,
            _("“%(list)s” now sends through %(server)s.")
            % {"list": newsletter_list.name, "server": server or _("the project's mail server")},
        )
        return redirect("newsletter_admin:index")
    return TemplateResponse(
        request,
        "wagtailadmin/generic/form.html",
        {
            "form": form,
            "action_url": reverse("newsletter_admin:list_server", args=[newsletter_list.pk]),
            "submit_button_label": _("Save"),
            "submit_button_active_label": _("Saving…"),
            "page_title": _("SMTP server"),
            "page_subtitle": newsletter_list.name,
            "header_title": _("SMTP server: %(list)s") % {"list": newsletter_list.name},
            "header_icon": "mail",
        },
        status=400 if form.errors else 200,
    )
