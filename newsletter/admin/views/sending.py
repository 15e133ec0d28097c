"""An issue's send page: send a test, send now, schedule, cancel a schedule, resume a paused
send, and the progress it polls (JSON). Whoever may publish the issue may send it; the list is
always the issue's own site's."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from sites.models import SiteSettings

from ...bounces.figures import list_rates, send_outcomes
from ...models import NewsletterIssuePage, NewsletterList, Send, Subscription
from ...pipeline.queueing import AlreadySent, EmptyIssue, QueueOutcome, has_body
from ..forms import ScheduleForm
from ..permissions import issue_or_refuse, list_policy
from ..services import (
    cancel_schedule,
    request_send,
    resume_send,
    send_progress,
    send_test,
)

ACTIONS = {"test", "send_now", "schedule", "cancel", "resume"}
EMPTY_ISSUE = _lazy(
    "This issue has nothing in its body yet: add some content before sending it. Nothing was sent."
)


def _recipients(newsletter_list: NewsletterList | None) -> int:
    return Subscription.objects.recipient_count(newsletter_list) if newsletter_list else 0


def _confirm_send_now(request, issue: NewsletterIssuePage):
    """The step between "Send now" and sending: the list and how many people it reaches, and a
    second POST (confirmed=yes) to go ahead. Nothing is written until then."""
    site = issue.get_site()
    newsletter_list = NewsletterList.objects.filter(site=site).first()
    return TemplateResponse(
        request,
        "newsletter/admin/send_confirm.html",
        {
            "issue": issue,
            "newsletter_list": newsletter_list,
            "list_name": newsletter_list.name if newsletter_list else site.site_name,
            # Marketing mail must say where its sender can be written to (PECR, CAN-SPAM).
            "no_postal_address": not SiteSettings.for_site(site).postal_address.strip(),
            "recipients": _recipients(newsletter_list),
            "page_title": _("Send “%(title)s” now?") % {"title": issue.get_admin_display_title()},
            "header_icon": "mail",
        },
    )


def _say_outcome(request, outcome: QueueOutcome, when) -> None:
    if outcome.changed and when:
        local = date_format(timezone.localtime(when), "DATETIME_FORMAT")
        messages.success(request, _("Scheduled for %(when)s.") % {"when": local})
    elif outcome.changed:
        messages.success(request, _("Sending has started."))
    else:
        status = outcome.send.get_status_display().lower()
        messages.warning(
            request,
            _("This issue was already %(status)s: nothing more was sent.") % {"status": status},
        )


def _act(request, issue: NewsletterIssuePage, send: Send | None, schedule_form: ScheduleForm):
    """Carry out the POSTed action; None when the schedule form must be shown again."""
    action = request.POST.get("action")
    here = redirect("newsletter_admin:send", page_id=issue.pk)
    if action not in ACTIONS:
        return HttpResponseBadRequest(_("Unknown action"))
    if action == "test":
        if not request.user.email:
            messages.error(request, _("Your account has no email address to send a test to."))
        else:
            send_test(issue, request.user.email)
            messages.success(
                request, _("A test is on its way to %(address)s.") % {"address": request.user.email}
            )
        return here
    if issue.get_site() is None:
        messages.error(request, _("This issue is not on any site, so it has no list."))
        return here
    if action in {"send_now", "schedule"}:
        if not has_body(issue):
            messages.error(request, EMPTY_ISSUE)
            return here
        startable = send is None or send.status == Send.Status.SCHEDULED
        if action == "send_now" and startable and request.POST.get("confirmed") != "yes":
            return _confirm_send_now(request, issue)
        if action == "schedule" and not schedule_form.is_valid():
            return None
        when = schedule_form.cleaned_data["scheduled_for"] if action == "schedule" else None
        try:
            _say_outcome(request, request_send(issue, request.user, scheduled_for=when), when)
        except AlreadySent:
            messages.error(
                request, _("Another language version of this issue has already been sent.")
            )
        except EmptyIssue:
            messages.error(request, EMPTY_ISSUE)
        return here
    if send is None:
        messages.warning(request, _("This issue has not been sent or scheduled."))
    elif action == "cancel":
        if cancel_schedule(send):
            messages.success(request, _("The scheduled send was cancelled."))
        else:
            messages.warning(request, _("This send has already started; it was not cancelled."))
    elif resume_send(send):
        messages.success(request, _("Sending has resumed."))
    else:
        messages.warning(request, _("This send was not paused."))
    return here


@require_http_methods(["GET", "POST"])
def send_view(request, page_id):
    issue, refused = issue_or_refuse(request, page_id)
    if refused:
        return refused
    send = Send.objects.filter(issue=issue).first()
    posted_schedule = request.method == "POST" and request.POST.get("action") == "schedule"
    schedule_form = ScheduleForm(request.POST if posted_schedule else None)
    if request.method == "POST":
        response = _act(request, issue, send, schedule_form)
        if response is not None:
            return response

    site = issue.get_site()
    newsletter_list = NewsletterList.objects.filter(site=site).first() if site else None
    recipients = None
    if newsletter_list is not None and (send is None or send.status == Send.Status.SCHEDULED):
        recipients = _recipients(newsletter_list)
    started = send is not None and send.status != Send.Status.SCHEDULED
    return TemplateResponse(
        request,
        "newsletter/admin/send.html",
        {
            "issue": issue,
            "site": site,
            "newsletter_list": newsletter_list,
            "send": send,
            "progress": send_progress(send) if send else None,
            # Bounces, complaints and unsubscribes after it, and the list's recent rates.
            "outcome": send_outcomes([send.pk])[send.pk] if started else None,
            "rates": list_rates([send.newsletter_list_id])[send.newsletter_list_id]
            if started
            else None,
            "recipients": recipients,
            "schedule_form": schedule_form,
            "empty": not has_body(issue),
            "may_see_list": newsletter_list is not None
            and list_policy.may_see(request.user, newsletter_list),
            "page_title": _("Send “%(title)s”") % {"title": issue.get_admin_display_title()},
            "header_icon": "mail",
        },
        status=400 if schedule_form.errors else 200,
    )


@require_http_methods(["GET"])
def progress_view(request, page_id):
    issue, refused = issue_or_refuse(request, page_id)
    if refused:
        return refused
    send = Send.objects.filter(issue=issue).first()
    if send is None:
        return JsonResponse({"status": None})
    response = JsonResponse(send_progress(send).as_dict())
    response["Cache-Control"] = "no-store"
    return response
