"""Signal receivers of the core app, connected from CoreConfig.ready()."""

from wagtail.models import TaskState
from wagtail.signals import task_submitted

from .moderation import task_submission_notifier
from .queue import enqueue_on_commit
from .tasks import send_task_submission_notification


def queue_task_submission_email(sender, instance=None, user=None, **kwargs) -> bool:
    """A task was submitted for moderation: a worker sends the email once the submission is
    committed (cms.core.moderation chooses its recipients)."""
    if not task_submission_notifier.can_handle(instance, user=user, **kwargs):
        return False
    enqueue_on_commit(send_task_submission_notification, instance.pk, user.pk if user else None)
    return True


def take_over_task_submission_emails() -> None:
    """Connect first under Wagtail's own dispatch_uid: Wagtail's later connect is then a no-op,
    so exactly one receiver answers (ours). Called from CoreConfig.ready(), which runs before
    wagtail.admin's (INSTALLED_APPS order)."""
    task_submitted.connect(
        queue_task_submission_email,
        sender=TaskState,
        dispatch_uid="group_approval_task_submitted_email_notification",
    )
