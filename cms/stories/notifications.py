"""Who hears about a story: the editors who work on its home site's stories."""

from django.contrib.auth import get_user_model
from wagtail.models import Site

from cms.core.mail import render_email, send_to_each


def editor_emails(site: Site) -> list[str]:
    """Editors who work on this site's stories (a chapter's own editors, through their site
    permission); for a site with none, the network-wide story editors."""
    User = get_user_model()
    active = User.objects.filter(is_active=True).exclude(email="")
    users = active.filter(
        groups__site_permissions__site=site,
        groups__site_permissions__permission__codename="change_story",
    )
    if not users.exists():
        users = active.filter(
            groups__permissions__codename="change_story",
            groups__permissions__content_type__app_label="stories",
        )
    return sorted(set(users.values_list("email", flat=True)))


def send_to_editors(site: Site, template: str, context: dict) -> int:
    recipients = editor_emails(site)
    if not recipients:
        return 0
    subject, body = render_email(f"stories/email/{template}", context)
    return send_to_each(subject, body, recipients)
