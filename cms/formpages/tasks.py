"""Mail and housekeeping for form pages. Tasks take ids and are safe to run twice.

Every mail is in the site's name (its display name, the network's sender address). The editors'
notification carries the resident's address as Reply-To, so answering it answers them; the
resident's acknowledgement carries the site's contact address, so answering it reaches the team."""

import datetime
import logging

from celery import shared_task
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from cms.core.mail import (
    admin_url,
    email_text,
    one_line,
    send_once,
    send_text_and_html,
    site_sender,
    valid_address,
)
from sites.models import SiteSettings, public_name

logger = logging.getLogger(__name__)


def months_ago(months: int, now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    month_index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(now.day, 28)
    return now.replace(year=year, month=month + 1, day=day)


ACKNOWLEDGED_FOR_SECONDS = 30 * 24 * 3600  # a task redelivered later than this is long gone


def resident_address(page, submission) -> str | None:
    """The address the resident gave in the form's first email field, if it is a valid one."""
    data = submission.get_data()
    for field in page.get_form_fields():
        if field.field_type == "email":
            return valid_address(data.get(field.clean_name))
    return None


@shared_task
def send_submission_notification(submission_id: int) -> int:
    """Tell the form's team of a submission, Reply-To the resident (when they gave a valid
    address). What the resident typed goes in the body only: the address is checked to be one
    valid address before it is a header, nothing else they typed is."""
    submission = FormSubmission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None:
        return 0
    page = submission.page.specific
    site = page.get_site()
    recipients = [address.strip() for address in page.to_address.split(",") if address.strip()]
    settings = SiteSettings.for_site(site) if site is not None else None
    if not recipients and settings is not None and settings.contact_email:
        recipients = [settings.contact_email]
    if not recipients:
        logger.warning("Form %s has no address to send submission %s to", page.pk, submission_id)
        return 0
    fields = {field.clean_name: field.label for field in page.get_form_fields()}
    rows = [
        (fields.get(name, name), ", ".join(map(str, value)) if isinstance(value, list) else value)
        for name, value in submission.get_data().items()
        if name != "submit_time"
    ]
    body = render_to_string(
        "formpages/email/submission.txt",
        {
            "page": page,
            "rows": rows,
            "submission": submission,
            "site": site,
            "submissions_url": admin_url("wagtailforms:list_submissions", page.pk, site=site),
        },
    )
    default_subject = gettext("New submission: %(title)s") % {"title": page.title}
    subject = one_line(page.subject or default_subject)  # editors' words
    reply_to = resident_address(page, submission)
    return EmailMessage(
        subject,
        body,
        site_sender(public_name(site, settings) if site is not None else ""),
        recipients,
        reply_to=[reply_to] if reply_to else None,
    ).send()


@shared_task
def send_submission_acknowledgement(submission_id: int) -> int:
    """Thank the resident, in the site's name, and say what happens next: once per submission
    (Celery may deliver a task twice), and only to a valid address."""
    submission = FormSubmission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None:
        return 0
    page = submission.page.specific
    address = resident_address(page, submission)
    site = page.get_site()
    if address is None or site is None:
        return 0
    settings = SiteSettings.for_site(site)
    data = submission.get_data()
    name_field = next(
        (
            field.clean_name
            for field in page.get_form_fields()
            if field.field_type == "singleline" and "name" in field.clean_name
        ),
        None,
    )
    context = {
        "site_name": public_name(site, settings),
        "site_url": site.root_url,
        "form_title": page.title,
        "name": email_text(data.get(name_field, "")) if name_field else "",
        "contact_email": settings.contact_email,
    }
    return send_once(
        f"formpages:acknowledged:{submission_id}",
        ACKNOWLEDGED_FOR_SECONDS,
        lambda: send_text_and_html(
            "formpages/email/acknowledgement",
            context,
            address,
            from_email=site_sender(context["site_name"]),
            reply_to=[settings.contact_email],
        ),
    )


@shared_task
def delete_expired_submissions() -> int:
    """Delete each site's form submissions older than its retention period (site settings)."""
    deleted = 0
    for site_settings in SiteSettings.objects.select_related("site__root_page"):
        root = site_settings.site.root_page
        roots = Page.objects.filter(translation_key=root.translation_key)
        cutoff = months_ago(site_settings.form_retention_months)
        for tree in roots:
            count, _ = FormSubmission.objects.filter(
                page__path__startswith=tree.path, submit_time__lt=cutoff
            ).delete()
            deleted += count
    if deleted:
        logger.info("Deleted %d form submissions past their retention period", deleted)
    return deleted
