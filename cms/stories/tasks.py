"""Background work of the story library. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import mark_safe

from cms.core.mail import admin_url
from cms.core.queue import enqueue_on_commit

from .models.story import Story
from .notifications import send_to_editors

logger = logging.getLogger(__name__)


@shared_task
def withdraw_lapsed_stories() -> int:
    """Unpublish every live story whose consent has expired or been withdrawn, then tell its
    editors. The public pages already hide such stories; this makes the admin say so too."""
    withdrawn = 0
    for story_id in Story.objects.filter(live=True).lapsed().values_list("pk", flat=True):
        with transaction.atomic():
            story = Story.objects.select_for_update().filter(pk=story_id, live=True).first()
            if story is None:  # another run got there first
                continue
            story.unpublish()
            withdrawn += 1
            enqueue_on_commit(notify_consent_lapsed, story_id)
    if withdrawn:
        logger.info("Withdrew %d stories whose consent lapsed", withdrawn)
    return withdrawn


@shared_task
def notify_consent_lapsed(story_id: int) -> int:
    story = Story.objects.select_related("site").filter(pk=story_id).first()
    if story is None:
        return 0
    reason = "withdrawn" if story.consent_withdrawn_at else "expired"
    return send_to_editors(
        story.site,
        "consent_lapsed",
        {"story": story, "reason": reason, "admin_url": _admin_url(story), "today": timezone.now()},
    )


def _admin_url(story: Story) -> str:
    return admin_url("wagtailsnippets_stories_story:edit", story.pk, site=story.site)


@shared_task
def notify_new_submission(story_id: int) -> int:
    """Tell a site's editors that a resident has shared a story, waiting for them as a draft.

    The resident's words appear only in the body, never in the subject or another header. A
    second run for the same story sends nothing (Celery may deliver a task twice)."""
    story = (
        Story.objects.select_related("site")
        .filter(pk=story_id, source=Story.Source.RESIDENT)
        .first()
    )
    if story is None:
        return 0
    once_key = f"stories:new-submission-notified:{story_id}"
    if not cache.add(once_key, True, timeout=7 * 24 * 3600):
        return 0
    context = {
        "site_name": story.site.site_name or story.site.hostname,
        "admin_url": _admin_url(story),
        "name": _email_text(story.person_name),
        "town": _email_text(story.town),
        "email": _email_text(story.submitter_email),
        "quote": _email_text(story.quote),
        "has_photo": bool(story.image_id),
        "submitted_on": story.created_at,
    }
    try:
        return send_to_editors(story.site, "new_submission", context)
    except Exception:
        cache.delete(once_key)  # let a retry send it
        raise


def _email_text(value: str) -> str:
    """Neutralise markup in a plain-text email (some mail clients render text as HTML) without
    the noise of escaping quotes: O'Brien stays O'Brien, <script> becomes &lt;script&gt;."""
    return mark_safe(  # noqa: S308 - escaped just here
        value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )
