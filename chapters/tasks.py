"""Mail about chapters. Sent by workers once the chapter is committed, never in the request."""

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from cms.core.mail import email_text, render_email, send_once

from .invitations import admin_home_url, set_password_url
from .models import Chapter

# Celery may deliver a task twice; a second invitation within the hour is not sent.
INVITATION_ONCE_SECONDS = 3600


@shared_task
def send_editor_invitation(user_id: int, chapter_id: int) -> int:
    """Tell a chapter's first editor they may run its site: a link to set their password (a
    new account) or to sign in (an account that has one). Nothing if either row is gone or the
    person is no longer among the chapter's editors."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    chapter = Chapter.objects.select_related("site", "editors_group").filter(pk=chapter_id).first()
    if user is None or chapter is None or not user.email:
        return 0
    if not user.groups.filter(pk=chapter.editors_group_id).exists():
        return 0
    context = {
        "user": user,
        "first_name": email_text(user.first_name),
        "chapter": chapter,
        "chapter_name": email_text(chapter.name),
        "site_url": chapter.site.root_url + "/",
        "admin_url": admin_home_url(chapter),
        "set_password_url": "" if user.has_usable_password() else set_password_url(user, chapter),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject, body = render_email("chapters/email/editor_invitation", context)
    return send_once(
        f"chapters:invitation:{chapter_id}:{user_id}",
        INVITATION_ONCE_SECONDS,
        lambda: send_mail(subject, body, None, [user.email]),
    )
