"""Background work of the story library. Tasks take ids and are safe to run twice."""

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from cms.core.mail import (
    admin_url,
    email_text,
    send_once,
    send_text_and_html,
    site_sender,
    valid_address,
)
from cms.core.queue import enqueue_on_commit
from sites.models import SiteSettings, public_name

from .models import pages as story_pages  # a module: pages imports sharing, which imports us
from .models.story import PublicationNotice, Story
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
    context = {
        "site_name": story.site.site_name or story.site.hostname,
        "admin_url": _admin_url(story),
        "name": email_text(story.person_name),
        "town": email_text(story.town),
        "email": email_text(story.submitter_email),
        "quote": email_text(story.quote),
        "has_photo": bool(story.image_id),
        "submitted_on": story.created_at,
    }
    return send_once(
        f"stories:new-submission-notified:{story_id}",
        7 * 24 * 3600,
        lambda: send_to_editors(story.site, "new_submission", context),
    )


ACKNOWLEDGED_FOR_SECONDS = 30 * 24 * 3600  # a task redelivered later than this is long gone


def _resident_context(story: Story) -> dict:
    site = story.site
    settings = SiteSettings.for_site(site)
    return {
        "site_name": public_name(site, settings),
        "site_url": site.root_url,
        "contact_email": settings.contact_email,
        "name": email_text(story.person_name),
        "quote": email_text(story.quote),
    }


def _send_to_resident(story: Story, template: str, context: dict) -> int:
    return send_text_and_html(
        f"stories/email/{template}",
        context,
        story.submitter_email,
        from_email=site_sender(context["site_name"]),
        reply_to=[context["contact_email"]],
    )


@shared_task
def acknowledge_shared_story(story_id: int) -> int:
    """Thank the resident who shared a story, in its site's name, and say what happens next:
    once per story (Celery may deliver a task twice), only to a valid address."""
    story = (
        Story.objects.select_related("site")
        .filter(pk=story_id, source=Story.Source.RESIDENT)
        .first()
    )
    if story is None or valid_address(story.submitter_email) is None:
        return 0
    return send_once(
        f"stories:share-acknowledged:{story_id}",
        ACKNOWLEDGED_FOR_SECONDS,
        lambda: _send_to_resident(story, "shared_acknowledgement", _resident_context(story)),
    )


@shared_task
def notify_story_published(story_id: int) -> int:
    """Tell the resident their story is live, with its link on its own site: once, ever (a
    PublicationNotice row remembers; a republished story sends nothing), and only while it is
    live and consented."""
    story = (
        Story.objects.select_related("site")
        .filter(pk=story_id, source=Story.Source.RESIDENT, live=True)
        .first()
    )
    if story is None or not story.consent_is_valid:
        return 0
    if valid_address(story.submitter_email) is None:
        return 0
    url = story_pages.canonical_story_url(story)
    if not url:  # the site shows no stories: nothing to link to yet
        return 0
    _notice, claimed = PublicationNotice.objects.get_or_create(story=story)
    if not claimed:  # told already (or another run is telling them now)
        return 0
    try:
        return _send_to_resident(story, "published", {**_resident_context(story), "story_url": url})
    except Exception:
        PublicationNotice.objects.filter(story=story).delete()  # let a retry send it
        raise
