"""What the story library does when Wagtail publishes or moderates a story.

- A resident's story going live for the first time tells them, with its link (a worker sends
  it once the publish is committed; cms.stories.tasks.notify_story_published).
- A resident's story entering moderation is announced to its editors once: by our own note
  (cms.stories.tasks.notify_new_submission, which says who sent what), not also by Wagtail's
  "submitted for approval" mail, which a story started by nobody would add.
Connected in StoriesConfig.ready."""

from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.models import TaskState
from wagtail.signals import published, task_submitted

from cms.core.queue import enqueue_on_commit

from .models.story import Story
from .tasks import notify_story_published

# Wagtail's own receiver of task_submitted (wagtail.admin.signal_handlers), replaced below.
WAGTAIL_TASK_SUBMITTED_UID = "group_approval_task_submitted_email_notification"


def announce_publication(sender, instance, **kwargs) -> None:
    # The task tells them once only (a PublicationNotice row): every publish may ask.
    if instance.source == Story.Source.RESIDENT and instance.submitter_email:
        enqueue_on_commit(notify_story_published, instance.pk)


class TaskSubmissionNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "waiting for your approval" mail, except for a story a resident shared (the
    workflow started by no user): its editors have our note about it already."""

    def can_handle(self, instance, **kwargs):
        if kwargs.get("user") is None:
            content = instance.workflow_state.content_object
            if isinstance(content, Story) and content.source == Story.Source.RESIDENT:
                return False
        return super().can_handle(instance, **kwargs)


# Signals hold receivers weakly: this one lives as long as the module.
task_submission_notifier = TaskSubmissionNotifier()


def connect() -> None:
    published.connect(announce_publication, sender=Story, dispatch_uid="stories.publication")
    # Ours takes Wagtail's dispatch_uid, so whichever app is ready first, only one is connected.
    task_submitted.disconnect(sender=TaskState, dispatch_uid=WAGTAIL_TASK_SUBMITTED_UID)
    task_submitted.connect(
        task_submission_notifier, sender=TaskState, dispatch_uid=WAGTAIL_TASK_SUBMITTED_UID
    )
