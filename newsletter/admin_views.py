"""Newsletters in the Wagtail admin: sending an issue to its site's list, watching it go out,
and each list's numbers and subscribers.

Who may do what:
- An issue is sent by whoever may publish *that* issue page; Wagtail's page permissions already
  give each chapter's editors their own tree only. The list is always the issue's own site's,
  never one the user picks, so an editor can reach no other list by sending.
- A list's numbers and subscribers are shown to whoever may publish its site's root page, and
  network-wide to holders of the ordinary `newsletter.view_newsletterlist` permission (the
  national team); a group can also hold it for one site (GroupSitePermission), as with stories.
- A list's settings (its name, sender name, reply-to address and consent wording) are changed
  by whoever may publish its site's root page, and by holders of
  `newsletter.change_newsletterlist`, network-wide or for that one site (GroupSitePermission).
- Through a list's admin, whoever may see the list sees and acts on that list's subscriptions
  only: the address, the name given to that site, its dates and consent records, never
  whether the person is on any other list. Removing someone there removes them from that list
  (suppressed for it alone).
- Erasing a person from every list (a GDPR erasure request) is the national data team's:
  holders of `newsletter.erase_subscriber_everywhere`, on a page of its own, logged in
  NetworkErasure.

Every state change is a POST guarded by a conditional UPDATE, so a double click or two editors
at once change the state once, and enqueue once.
"""

import logging
import unicodedata
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from wagtail.admin import messages as admin_messages
from wagtail.admin.auth import permission_denied
from wagtail.admin.widgets import AdminDateTimeInput
from wagtail.models import Page, Site
from wagtail.permission_policies.sites import SitePermissionPolicy
from wagtail.permissions import page_permission_policy

from cms.core.queue import enqueue_on_commit
from cms.core.text import is_blank

from . import tasks
from .erasure import erase_everywhere, remove_from_list
from .export import export_subscription
from .models import (
    NetworkErasure,
    NewsletterIssuePage,
    NewsletterList,
    Send,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
    normalise_email,
)
from .pipeline.counts import Counts, delivery_counts
from .pipeline.queueing import AlreadySent, QueueOutcome, queue_send

logger = logging.getLogger(__name__)

FINISHED = {Send.Status.SENT, Send.Status.CANCELLED}
SUBSCRIBER_RESULTS = 50
ERASURE_LOG_ROWS = 50
ERASE_EVERYWHERE_PERMISSION = "newsletter.erase_subscriber_everywhere"


# --- who may see what ---------------------------------------------------------------------


class NewsletterListPermissionPolicy(SitePermissionPolicy):
    """Lists belong to sites: a global permission covers every site, a GroupSitePermission one
    site; on top of that a site's publishers (who may publish its root page) see its list and
    may change its settings."""

    def __init__(self):
        super().__init__(NewsletterList, site_field_name="site")

    def visible_sites(self, user) -> QuerySet:
        """The sites whose list the user may see, as one query whatever the number of sites:
        Wagtail's page permission policy gives the pages the user may publish (from the
        permissions it caches on the user), and a site counts when its root page is one of
        them (the tree's root node is never publishable, as can_publish() says)."""
        if not (user.is_authenticated and user.is_active):
            return Site.objects.none()
        granted = self.sites_user_has_permission_for(user, "view").values("pk")
        publishable = page_permission_policy.instances_user_has_permission_for(user, "publish")
        return Site.objects.filter(
            Q(pk__in=granted) | Q(root_page__in=publishable.exclude(depth=1))
        )

    def visible_lists(self, user) -> QuerySet:
        return NewsletterList.objects.filter(site__in=self.visible_sites(user)).select_related(
            "site__root_page"
        )

    def publishes_site_root(self, user, newsletter_list: NewsletterList) -> bool:
        """Whether the user may publish the root page of the list's site (no queries when the
        list was fetched with select_related("site__root_page"))."""
        if not (user.is_authenticated and user.is_active):
            return False
        return newsletter_list.site.root_page.permissions_for_user(user).can_publish()

    def may_see(self, user, newsletter_list: NewsletterList) -> bool:
        if self.user_has_permission_for_instance(user, "view", newsletter_list):
            return True
        return self.publishes_site_root(user, newsletter_list)

    def may_edit(self, user, newsletter_list: NewsletterList) -> bool:
        """Changing the list's settings: `change` for its site (global or GroupSitePermission),
        or publishing its site's root page."""
        if self.user_has_permission_for_instance(user, "change", newsletter_list):
            return True
        return self.publishes_site_root(user, newsletter_list)


list_policy = NewsletterListPermissionPolicy()


def may_erase_everywhere(user) -> bool:
    """The national data team: who may erase a person from every list of the network."""
    return user.is_authenticated and user.is_active and user.has_perm(ERASE_EVERYWHERE_PERMISSION)


def may_send(user, page: Page) -> bool:
    return page.permissions_for_user(user).can_publish()


def _issue_or_refuse(request, page_id):
    """(issue, None) or (None, response). The permission is checked before the page type, so
    a page the user may not publish is refused alike whatever it is."""
    page = get_object_or_404(Page, pk=page_id)
    if not may_send(request.user, page):
        return None, permission_denied(request)
    if not issubclass(page.specific_class or Page, NewsletterIssuePage):
        raise Http404
    return page.specific, None


def _list_or_refuse(request, list_id, *, edit=False):
    """(list, None) or (None, response): Wagtail's refusal for a list the user may not see (or,
    with edit=True, may not change the settings of)."""
    newsletter_list = get_object_or_404(
        NewsletterList.objects.select_related("site__root_page"), pk=list_id
    )
    allowed = list_policy.may_edit if edit else list_policy.may_see
    if not allowed(request.user, newsletter_list):
        return None, permission_denied(request)
    return newsletter_list, None


# --- numbers --------------------------------------------------------------------------------


@dataclass
class Progress:
    """A send's state and delivery counts, as the send page and its JSON show them."""

    status: str
    status_label: str
    paused_reason: str
    counts: Counts

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def as_dict(self) -> dict:
        counts = self.counts
        return {
            "status": self.status,
            "status_label": self.status_label,
            "paused_reason": self.paused_reason,
            "total": counts.total,
            "queued": counts.queued,
            "claimed": counts.claimed,
            "sent": counts.sent,
            "failed": counts.failed,
            "skipped": counts.skipped,
            "remaining": counts.remaining,
            "done": counts.done,
            "finished": self.finished,
        }


def progress_of(sends) -> dict[int, Progress]:
    """Each send's progress; the counts of all of them come from one grouped query."""
    sends = list(sends)
    counts = delivery_counts(send.pk for send in sends)
    return {
        send.pk: Progress(
            status=send.status,
            status_label=send.get_status_display(),
            paused_reason=send.paused_reason if send.status == Send.Status.PAUSED else "",
            counts=counts.get(send.pk, Counts()),
        )
        for send in sends
    }


def send_progress(send: Send) -> Progress:
    return progress_of([send])[send.pk]


def count_recipients(newsletter_list: NewsletterList) -> int:
    """Who a send would record deliveries for (Subscription.objects.recipients)."""
    return Subscription.objects.recipient_count(newsletter_list)


# --- changing a send's state (each a conditional update) ------------------------------------


def request_send(issue: NewsletterIssuePage, user, scheduled_for=None) -> QueueOutcome:
    """Send now (scheduled_for None) or schedule, through the pipeline's queue_send: the one
    Send per issue is made once and moves on only by a conditional UPDATE, so only the call
    that changed it publishes the issue and, for "send now", enqueues the start."""
    with transaction.atomic():
        outcome = queue_send(issue, requested_by=user, scheduled_for=scheduled_for)
        if outcome.changed and outcome.send.status == Send.Status.QUEUED:
            enqueue_on_commit(tasks.start_send, outcome.send.pk)
    return outcome


def cancel_schedule(send: Send) -> bool:
    """A scheduled send that has not started is withdrawn, and its row removed so the issue can
    be scheduled again; one the sweep has already started is left alone. The conditional UPDATE
    decides (and holds the row until commit, so no start can take it meanwhile)."""
    with transaction.atomic():
        cancelled = Send.objects.filter(pk=send.pk, status=Send.Status.SCHEDULED).update(
            status=Send.Status.CANCELLED
        )
        if cancelled:
            Send.objects.filter(pk=send.pk, status=Send.Status.CANCELLED).delete()
    return bool(cancelled)


def resume_send(send: Send) -> bool:
    with transaction.atomic():
        resumed = Send.objects.filter(pk=send.pk, status=Send.Status.PAUSED).update(
            status=Send.Status.SENDING, paused_reason=""
        )
        if resumed:
            enqueue_on_commit(tasks.resume_send, send.pk)
    return bool(resumed)


def send_test(issue: NewsletterIssuePage, address: str) -> None:
    enqueue_on_commit(tasks.send_test, issue.pk, address)


# --- the send page ----------------------------------------------------------------------------


class ScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=gettext_lazy("Send at"),
        widget=AdminDateTimeInput,
        help_text=gettext_lazy("A time in the future; the issue goes out within a minute of it."),
    )

    def clean_scheduled_for(self):
        when = self.cleaned_data["scheduled_for"]
        if when <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return when


ACTIONS = {"test", "send_now", "schedule", "cancel", "resume"}


def _say_outcome(request, outcome: QueueOutcome, when) -> None:
    if outcome.changed and when:
        local = timezone.localtime(when).strftime("%Y-%m-%d %H:%M")
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
        return HttpResponseBadRequest("Unknown action")
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
        if action == "schedule" and not schedule_form.is_valid():
            return None
        when = schedule_form.cleaned_data["scheduled_for"] if action == "schedule" else None
        try:
            _say_outcome(request, request_send(issue, request.user, scheduled_for=when), when)
        except AlreadySent:
            messages.error(
                request, _("Another language version of this issue has already been sent.")
            )
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
    issue, refused = _issue_or_refuse(request, page_id)
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
        recipients = count_recipients(newsletter_list)
    return TemplateResponse(
        request,
        "newsletter/admin/send.html",
        {
            "issue": issue,
            "site": site,
            "newsletter_list": newsletter_list,
            "send": send,
            "progress": send_progress(send) if send else None,
            "recipients": recipients,
            "schedule_form": schedule_form,
            "may_see_list": newsletter_list is not None
            and list_policy.may_see(request.user, newsletter_list),
            "page_title": _("Send “%(title)s”") % {"title": issue.get_admin_display_title()},
            "header_icon": "mail",
        },
        status=400 if schedule_form.errors else 200,
    )


@require_http_methods(["GET"])
def progress_view(request, page_id):
    issue, refused = _issue_or_refuse(request, page_id)
    if refused:
        return refused
    send = Send.objects.filter(issue=issue).first()
    if send is None:
        return JsonResponse({"status": None})
    response = JsonResponse(send_progress(send).as_dict())
    response["Cache-Control"] = "no-store"
    return response


# --- lists overview and subscribers -------------------------------------------------------------


@require_http_methods(["GET"])
def lists_view(request):
    lists = list(list_policy.visible_lists(request.user))
    erases_everywhere = may_erase_everywhere(request.user)
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
                "sends": [
                    (send, progress[send.pk], send.pk in sendable)
                    for send in sends
                    if send.newsletter_list_id == newsletter_list.pk
                ],
                "may_edit": list_policy.may_edit(request.user, newsletter_list),
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


class SubscriberSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Email address"),
        max_length=254,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


@require_http_methods(["GET"])
def subscribers_view(request, list_id):
    newsletter_list, refused = _list_or_refuse(request, list_id)
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
def export_view(request, list_id, subscription_id):
    newsletter_list, refused = _list_or_refuse(request, list_id)
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
    newsletter_list, refused = _list_or_refuse(request, list_id)
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


# --- erasing a person from every list (the national data team) ---------------------------------


class EraseEverywhereForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address"),
        max_length=254,
        help_text=gettext_lazy("The address the person asked to have erased."),
        error_messages={
            "required": gettext_lazy("Enter the address to erase."),
            "invalid": gettext_lazy("Enter an email address like name@example.com."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


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
        return HttpResponseBadRequest("Unknown action")
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


# --- a list's settings --------------------------------------------------------------------------

_LINE_BREAKS = {"\r\n": "\n", "\r": "\n", "\u2028": "\n", "\u2029": "\n\n", "\x85": "\n"}
# The consent wording is the label of the signup form's consent box: a paragraph or two.
CONSENT_WORDING_MAX_LENGTH = 2000
LIST_SETTINGS_FIELDS = ["name", "from_name", "reply_to", "consent_wording"]


def _control_characters(value: str, allowed: str = "") -> bool:
    """Whether the text holds control characters or line/paragraph separators not `allowed`."""
    return any(
        unicodedata.category(char) in {"Cc", "Zl", "Zp"} and char not in allowed for char in value
    )


def _normalise_wording(value: str) -> str:
    for old, new in _LINE_BREAKS.items():
        value = value.replace(old, new)
    return value.strip()


class NewsletterListForm(forms.Form):
    """A list's settings. The name and sender name go into email headers (From, List-Id), so a
    line break or any other control character in them is refused, not quietly replaced."""

    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=NewsletterList._meta.get_field("name").max_length,
        help_text=gettext_lazy(
            "The newsletter's name, shown to subscribers and in the emails' List-Id; also the "
            "sender name when none is given below."
        ),
        error_messages={"required": gettext_lazy("Enter the newsletter's name.")},
    )
    from_name = forms.CharField(
        label=gettext_lazy("Sender name"),
        required=False,
        max_length=NewsletterList._meta.get_field("from_name").max_length,
        help_text=gettext_lazy(
            "Shown as the sender of every email, e.g. Connecting for Good. Leave it empty to "
            "use the newsletter's name."
        ),
    )
    reply_to = forms.EmailField(
        label=gettext_lazy("Reply-to address"),
        required=False,
        max_length=NewsletterList._meta.get_field("reply_to").max_length,
        help_text=gettext_lazy(
            "Where subscribers' replies go. Leave it empty and replies go to the sending address."
        ),
        error_messages={
            "invalid": gettext_lazy("Enter an email address like newsletter@example.org."),
        },
    )
    consent_wording = forms.CharField(
        label=gettext_lazy("Consent wording"),
        max_length=CONSENT_WORDING_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "The words next to the consent box on the signup form. Changing them makes a new "
            "version; each subscriber's consent record keeps the words they agreed to."
        ),
        error_messages={
            "required": gettext_lazy(
                "Enter the consent wording: people cannot subscribe without agreeing to it."
            ),
        },
    )

    def _one_line(self, field_name: str, *, required: bool) -> str:
        value = self.cleaned_data.get(field_name, "")
        if _control_characters(value):
            raise forms.ValidationError(
                _("Use a single line, without line breaks or control characters."),
                code="control_characters",
            )
        if is_blank(value):
            if required:
                raise forms.ValidationError(
                    self.fields[field_name].error_messages["required"], code="required"
                )
            return ""
        return value

    def clean_name(self):
        return self._one_line("name", required=True)

    def clean_from_name(self):
        return self._one_line("from_name", required=False)

    def clean_reply_to(self):
        value = self.cleaned_data.get("reply_to", "")
        if _control_characters(value):
            raise forms.ValidationError(self.fields["reply_to"].error_messages["invalid"])
        return value

    def clean_consent_wording(self):
        value = _normalise_wording(self.cleaned_data.get("consent_wording", ""))
        if _control_characters(value, allowed="\n\t"):
            raise forms.ValidationError(
                _("Remove the control characters from the wording; line breaks are fine."),
                code="control_characters",
            )
        if is_blank(value):
            raise forms.ValidationError(
                self.fields["consent_wording"].error_messages["required"], code="required"
            )
        return value


def save_list_settings(list_id: int, data: dict) -> tuple[NewsletterList, bool]:
    """Save the settings on the locked row; (list, whether the consent wording got a new
    version). Wording that differs only in line endings or surrounding spaces is unchanged."""
    with transaction.atomic():
        newsletter_list = NewsletterList.objects.select_for_update().get(pk=list_id)
        version = newsletter_list.consent_version
        wording = data["consent_wording"]
        if _normalise_wording(newsletter_list.consent_wording) == wording:
            wording = newsletter_list.consent_wording
        for field_name in LIST_SETTINGS_FIELDS:
            setattr(newsletter_list, field_name, data[field_name])
        newsletter_list.consent_wording = wording
        newsletter_list.save(update_fields=[*LIST_SETTINGS_FIELDS, "consent_version"])
    return newsletter_list, newsletter_list.consent_version != version


@require_http_methods(["GET", "POST"])
def edit_list_view(request, list_id):
    newsletter_list, refused = _list_or_refuse(request, list_id, edit=True)
    if refused:
        return refused
    if request.method == "POST":
        form = NewsletterListForm(request.POST)
        if form.is_valid():
            saved, new_version = save_list_settings(newsletter_list.pk, form.cleaned_data)
            logger.info("Newsletter list %s settings changed by %s", saved.pk, request.user)
            message = _("The settings of “%(name)s” were saved.") % {"name": saved.name}
            if new_version:
                message += " " + _(
                    "Consent wording is now version %(version)s; each subscriber's consent "
                    "record keeps the version they agreed to."
                ) % {"version": saved.consent_version}
            messages.success(request, message)
            return redirect("newsletter_admin:index")
        admin_messages.validation_error(
            request, _("The list settings could not be saved due to errors."), form
        )
    else:
        form = NewsletterListForm(
            initial={name: getattr(newsletter_list, name) for name in LIST_SETTINGS_FIELDS}
        )
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
