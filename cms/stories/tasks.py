"""Background work of the story library. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

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
            transaction.on_commit(lambda pk=story_id: notify_consent_lapsed.delay(pk))
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
    return (
        settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        + f"/admin/snippets/stories/story/edit/{story.pk}/"
    )
