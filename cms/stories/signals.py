"""What the story library does when Wagtail publishes a story: a resident's story going live
tells them, with its link (a worker sends it once the publish is committed, and only the first
time: cms.stories.tasks.notify_story_published). Connected in StoriesConfig.ready.

(A resident's story entering moderation is announced to its editors once, by our own note:
Story.submission_announced_elsewhere keeps cms.core.moderation's mail away.)"""

from wagtail.signals import published

from cms.core.queue import enqueue_on_commit

from .models.story import Story
from .tasks import notify_story_published


def announce_publication(sender, instance, **kwargs) -> None:
    # The task tells them once only (a PublicationNotice row): every publish may ask.
    if instance.source == Story.Source.RESIDENT and instance.submitter_email:
        enqueue_on_commit(notify_story_published, instance.pk)


def connect() -> None:
    published.connect(announce_publication, sender=Story, dispatch_uid="stories.publication")
