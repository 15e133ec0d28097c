"""Mail about join requests. Sent by workers, never in the request; user input only in bodies."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string

from .models.members import JoinRequest


def _render(template: str, context: dict) -> tuple[str, str]:
    subject = render_to_string(f"coalition/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"coalition/email/{template}.txt", context)
    return " ".join(subject.split()), body


def national_editor_emails() -> list[str]:
    """People who decide join requests (through their groups), not every superuser."""
    users = get_user_model().objects.filter(
        Q(groups__permissions__codename="decide_joinrequest")
        | Q(user_permissions__codename="decide_joinrequest"),
        is_active=True,
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _admin_url(join_request: JoinRequest) -> str:
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    return f"{base}/admin/coalition/join-requests/decide/{join_request.pk}/"


@shared_task
def acknowledge_join_request(request_id: int) -> int:
    join_request = JoinRequest.objects.filter(pk=request_id).first()
    if join_request is None:
        return 0
    subject, body = _render("join_acknowledgement", {"join_request": join_request})
    return send_mail(subject, body, None, [join_request.contact_email])


@shared_task
def notify_national_editors(request_id: int) -> int:
    join_request = JoinRequest.objects.filter(pk=request_id).first()
    if join_request is None:
        return 0
    context = {"join_request": join_request, "admin_url": _admin_url(join_request)}
    subject, body = _render("join_notification", context)
    return sum(send_mail(subject, body, None, [email]) for email in national_editor_emails())


@shared_task
def send_join_decision(request_id: int) -> int:
    join_request = JoinRequest.objects.select_related("member").filter(pk=request_id).first()
    if join_request is None or join_request.status == JoinRequest.Status.PENDING:
        return 0
    template = (
        "join_approved" if join_request.status == JoinRequest.Status.APPROVED else "join_declined"
    )
    subject, body = _render(template, {"join_request": join_request})
    return send_mail(subject, body, None, [join_request.contact_email])
