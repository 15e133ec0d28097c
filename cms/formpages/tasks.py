"""Mail and housekeeping for form pages. Tasks take ids and are safe to run twice."""

import datetime
import logging

from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

from cms.core.mail import admin_url, one_line
from sites.models import SiteSettings

logger = logging.getLogger(__name__)


def months_ago(months: int, now: datetime.datetime | None = None) -> datetime.datetime:
    now = now or timezone.now()
    month_index = now.year * 12 + (now.month - 1) - months
    year, month = divmod(month_index, 12)
    day = min(now.day, 28)
    return now.replace(year=year, month=month + 1, day=day)


@shared_task
def send_submission_notification(submission_id: int) -> int:
    """Tell the form's team of a submission. What the resident typed goes in the body only:
    never in the subject, the sender or any other header."""
    submission = FormSubmission.objects.select_related("page").filter(pk=submission_id).first()
    if submission is None:
        return 0
    page = submission.page.specific
    site = page.get_site()
    recipients = [address.strip() for address in page.to_address.split(",") if address.strip()]
    if not recipients and site is not None:
        contact = SiteSettings.for_site(site).contact_email
        recipients = [contact] if contact else []
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
    subject = one_line(page.subject or f"New submission: {page.title}")  # editors' words
    return send_mail(subject, body, page.from_address or None, recipients)


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
