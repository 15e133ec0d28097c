"""National editors manage members and decide join requests in the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import permission_denied
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.models import Locale
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.core.queue import enqueue_on_commit

from .models import JoinRequest, Member
from .models.members import SLUG_LENGTH, UNIQUE_SUFFIX_ROOM
from .tasks import send_join_decision

DECIDE_PERMISSION = "coalition.decide_joinrequest"


class MemberViewSet(SnippetViewSet):
    model = Member
    icon = "group"
    menu_label = _("Members")
    menu_name = "members"
    add_to_admin_menu = True
    menu_order = 260
    list_display = ["name", "kind", "region", "founding_member"]
    list_filter = ["kind", "region", "founding_member", "locale"]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the applicant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


def _unique_member_slug(name: str, locale: Locale) -> str:
    base = slugify(name)[: SLUG_LENGTH - UNIQUE_SUFFIX_ROOM] or "member"
    slug, suffix = base, 2
    while Member.objects.filter(slug=slug, locale=locale).exists():
        slug, suffix = f"{base}-{suffix}", suffix + 1
    return slug


def _decide(request, pk: int, status: str, **fields) -> bool:
    """Record the decision if the request is still pending, and tell the applicant once it is
    committed. A conditional UPDATE on status='pending': two editors deciding at once decide
    once."""
    decided = JoinRequest.objects.filter(pk=pk, status=JoinRequest.Status.PENDING).update(
        status=status, decided_at=timezone.now(), decided_by=request.user, **fields
    )
    if decided:
        enqueue_on_commit(send_join_decision, pk)
    return bool(decided)


def _back_to_requests(request, decided: bool, done: str):
    if decided:
        messages.success(request, done)
    else:
        messages.warning(request, _("This request had already been decided."))
    return redirect("coalition_join_requests:index")


@require_http_methods(["GET", "POST"])
def decide_view(request, pk):
    """Approve (creates the Member) or decline (with a reason) a pending request."""
    if not request.user.has_perm(DECIDE_PERMISSION):
        return permission_denied(request)
    join_request = get_object_or_404(JoinRequest, pk=pk)
    decline_form = DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "approve":
            with transaction.atomic():
                decided = _decide(request, pk, JoinRequest.Status.APPROVED)
                if decided:
                    locale = Locale.get_default()
                    member = Member.objects.create(
                        name=join_request.organisation,
                        slug=_unique_member_slug(join_request.organisation, locale),
                        website=join_request.website,
                        kind=join_request.kind,
                        region=join_request.region,
                        joined_on=timezone.localdate(),
                        locale=locale,
                    )
                    JoinRequest.objects.filter(pk=pk).update(member=member)
            done = _("%(name)s is now a member.") % {"name": join_request.organisation}
            return _back_to_requests(request, decided, done)
        if action == "decline" and decline_form.is_valid():
            with transaction.atomic():
                decided = _decide(
                    request,
                    pk,
                    JoinRequest.Status.DECLINED,
                    decline_reason=decline_form.cleaned_data["reason"],
                )
            done = _("The request was declined; the applicant is told.")
            return _back_to_requests(request, decided, done)
    return TemplateResponse(
        request,
        "coalition/admin/decide.html",
        {
            "join_request": join_request,
            "decline_form": decline_form,
            "page_title": _("Join request: %(name)s") % {"name": join_request.organisation},
            "header_icon": "group",
        },
        status=200 if request.method == "GET" or not decline_form.errors else 400,
    )


class JoinRequestViewSet(ModelViewSet):
    model = JoinRequest
    icon = "mail"
    menu_label = _("Join requests")
    name = "coalition_join_requests"
    url_prefix = "coalition/join-requests"
    add_to_admin_menu = True
    menu_order = 270
    exclude_form_fields = []
    list_filter = ["status", "kind", "region"]
    search_fields = ["organisation", "contact_name", "contact_email"]
    inspect_view_enabled = False
    copy_view_enabled = False

    @property
    def list_display(self):
        return [
            TitleColumn(
                "organisation",
                label=_("Organisation"),
                url_name=self.get_url_name("decide"),
            ),
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
            Column("region", label=_("Region"), accessor="get_region_display"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                primary=lambda request: request.status == JoinRequest.Status.PENDING,
            ),
            DateColumn("created_at", label=_("Received")),
        ]

    def get_common_view_kwargs(self, **kwargs):
        # Requests are written by the public and decided here: no add or edit views; every
        # link Wagtail would make to "edit" goes to the decision page instead.
        return super().get_common_view_kwargs(
            **{
                "add_url_name": None,
                "edit_url_name": self.get_url_name("decide"),
                "history_url_name": None,
                "usage_url_name": None,
                **kwargs,
            }
        )

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if pattern.name in {"index", "index_results", "delete"}
        ] + [path("decide/<int:pk>/", decide_view, name="decide")]
