"""Mail about join requests. Sent by workers, never in the request; user input only in bodies."""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q

from cms.core.mail import admin_url, default_site, render_email, send_to_each

from .models.members import JoinRequest


def national_editor_emails() -> list[str]:
    """People who decide join requests (through their groups), not every superuser."""
    users = get_user_model().objects.filter(
        Q(groups__permissions__codename="decide_joinrequest")
        | Q(user_permissions__codename="decide_joinrequest"),
        is_active=True,
    )
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


@shared_task
def acknowledge_join_request(request_id: int) -> int:
    join_request = JoinRequest.objects.filter(pk=request_id).first()
    if join_request is None:
        return 0
    subject, body = render_email(
        "coalition/email/join_acknowledgement", {"join_request": join_request}
    )
    return send_mail(subject, body, None, [join_request.contact_email])


@shared_task
def notify_national_editors(request_id: int) -> int:
    join_request = JoinRequest.objects.filter(pk=request_id).first()
    if join_request is None:
        return 0
    context = {
        "join_request": join_request,
        # Join requests are the national site's business: its host, not WAGTAILADMIN_BASE_URL.
        "admin_url": admin_url(
            "coalition_join_requests:decide", join_request.pk, site=default_site()
        ),
    }
    subject, body = render_email("coalition/email/join_notification", context)
    return send_to_each(subject, body, national_editor_emails())


@shared_task
def send_join_decision(request_id: int) -> int:
    join_request = JoinRequest.objects.select_related("member").filter(pk=request_id).first()
    if join_request is None or join_request.status == JoinRequest.Status.PENDING:
        return 0
    template = (
        "join_approved" if join_request.status == JoinRequest.Status.APPROVED else "join_declined"
    )
    subject, body = render_email(f"coalition/email/{template}", {"join_request": join_request})
    return send_mail(subject, body, None, [join_request.contact_email])
