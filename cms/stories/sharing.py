"""Residents sharing their own stories: the share form's rate limit, and turning what was sent
into a draft Story (the form is served by StoryIndexPage's share route).

A shared story arrives as a draft of the site it was sent from, for that site's editors to
moderate; nothing a resident sends is shown anywhere until an editor publishes it. The editors
hear about it by email, and the resident is thanked, by Celery tasks enqueued once the draft is
committed; the resident is told again when it is published (cms.stories.signals).
"""

import re
import secrets
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Site

from cms.core.queue import enqueue_on_commit

from .forms import PHOTO_FORMATS
from .models.story import Story
from .tasks import acknowledge_shared_story, notify_new_submission

# Every POST counts, valid or not: a person correcting mistakes needs a few, a bot many.
SHARE_RATE_LIMIT = 10
SHARE_RATE_WINDOW_SECONDS = 10 * 60
QUOTE_CHARS = 280
SHARED_STORIES_COLLECTION = "Shared stories"


# --- turning a submission into a draft story ----------------------------------------------


def create_resident_story(data: dict, *, site: Site, locale: Locale) -> Story:
    """A draft Story on `site` (not live: it has a revision, like a draft saved in the admin),
    its photo in the site's collection; the site's editors are told once it is committed."""
    name = data["name"]
    title = _("%(name)s's story") % {"name": name}
    image = None
    try:
        with transaction.atomic():
            if data.get("photo"):
                image = _save_photo(data["photo"], title=title, site=site)
            story = Story(
                locale=locale,
                title=title[:255],
                slug=_unique_slug(title),
                site=site,
                reach=Story.Reach.LOCAL,
                quote=story_quote(data["story"]),
                body=story_body_html(data["story"]),
                person_name=name,
                town=data["town"],
                image=image,
                image_alt=data.get("photo_description", "") if image else "",
                consent_given_on=timezone.localdate(),
                consent_scope=Story.ConsentScope.WEBSITE_SOCIAL,
                source=Story.Source.RESIDENT,
                submitter_email=data["email"],
                live=False,
            )
            story.save()
            story.save_revision(log_action="wagtail.create")
            workflow = story.get_workflow()
            if workflow is not None:  # into the site's moderation queue
                workflow.start(story, user=None)
            enqueue_on_commit(notify_new_submission, story.pk)
            enqueue_on_commit(acknowledge_shared_story, story.pk)
    except Exception:
        if image is not None:  # the row is rolled back; don't leave its file behind
            image.file.delete(save=False)
        raise
    if data.get("kept_photo"):  # the photo kept from an earlier try: the story has its copy
        transaction.on_commit(partial(default_storage.delete, data["kept_photo"]))
    return story


def story_quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """The story's opening, on one line, cut at a word near `limit` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    if flat[limit] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def story_body_html(text: str) -> str:
    """Rich text from plain text: a paragraph per blank-line-separated block, line breaks kept,
    every character escaped (the resident's words are never trusted as HTML)."""
    paragraphs = [block.strip() for block in re.split(r"\n[ \t]*\n", text) if block.strip()]
    return "".join(
        "<p>" + "<br/>".join(escape(line.strip()) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )


def _unique_slug(title: str) -> str:
    # A random suffix: unique in practice, never "share" (a route), unguessable before publishing.
    return f"{slugify(title)[:60].strip('-') or 'story'}-{secrets.token_hex(4)}"


def _save_photo(upload, *, title: str, site: Site):
    """A Wagtail image under a name we choose (never the uploaded one), in the extension of the
    format Pillow detected."""
    upload.name = f"story-{secrets.token_hex(8)}.{PHOTO_FORMATS[upload.image_format]}"
    image = get_image_model()(
        title=_("Photo: %(title)s") % {"title": title},
        file=upload,
        collection=photo_collection(site),
    )
    image._set_image_file_metadata()
    image.save()
    return image


def photo_collection(site: Site) -> Collection:
    """Where a resident's photo goes: the collection this site's editors add images to (found
    through the groups holding a permission on this site, so the story library needs to know
    nothing of chapters), else a "Shared stories" collection under the root, made on demand."""
    collection = (
        Collection.objects.filter(
            depth__gt=1,
            group_permissions__permission__codename="add_image",
            group_permissions__group__site_permissions__site=site,
        )
        .order_by("depth", "pk")
        .first()
    )
    if collection is not None:
        return collection
    root = Collection.get_first_root_node()
    return root.get_children().filter(name=SHARED_STORIES_COLLECTION).first() or root.add_child(
        name=SHARED_STORIES_COLLECTION
    )
