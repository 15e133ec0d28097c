"""A moderation task that knows about sites.

Wagtail's group approval lets every member of the chosen groups approve everything the workflow
covers. A workflow for a snippet model covers every site's snippets, so one chapter's
moderators would review (and see the drafts of) every other chapter's. This task asks, for each
object, whether the reviewer may publish *that* object: its page permissions for a page, the
model's permission policy (site-scoped for stories) for a snippet.
"""

from celery import shared_task
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.models import AbstractGroupApprovalTask, Page, TaskState
from wagtail.permissions import policy_registry
from wagtail.signals import task_submitted

from .mail import site_of, site_root_url
from .queue import enqueue_on_commit


class SiteScopedApprovalTask(AbstractGroupApprovalTask):
    class Meta:
        verbose_name = _("site-scoped group approval task")
        verbose_name_plural = _("site-scoped group approval tasks")

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve the items of the sites they may publish on")

    def may_review(self, obj, user) -> bool:
        if user.is_superuser:
            return True
        if not self._user_in_groups(user):
            return False
        if isinstance(obj, Page):
            return obj.permissions_for_user(user).can_publish()
        policy = policy_registry.get_by_type(type(obj))
        return policy.user_has_permission_for_instance(user, "publish", obj)

    def user_can_access_editor(self, obj, user):
        return self.may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self.may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self.may_review(obj, user)

    def get_actions(self, obj, user):
        return super().get_actions(obj, user) if self.may_review(obj, user) else []

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser:
            return states
        reviewable = [
            state.pk
            for state in states.select_related("workflow_state")
            if state.workflow_state.content_object is not None
            and self.may_review(state.workflow_state.content_object, user)
        ]
        return states.filter(pk__in=reviewable)


class SiteAwareTaskSubmissionNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "submitted for moderation" email, told only to reviewers of that object's
    site, and sent by a worker rather than inside the editor's (or resident's) request."""

    def get_recipient_users(self, task_state, **kwargs):
        users = super().get_recipient_users(task_state, **kwargs)
        task = task_state.task.specific
        if not isinstance(task, SiteScopedApprovalTask):
            return users
        obj = task_state.workflow_state.content_object
        reviewers = [user for user in users if task.may_review(obj, user)]
        # Those who work on this object's own site first; the network-wide team only when the
        # site has nobody of its own (the national site's stories, a chapter without editors).
        policy = policy_registry.get_by_type(type(obj))
        if hasattr(policy, "is_network_wide"):
            own_site = [user for user in reviewers if not policy.is_network_wide(user)]
            reviewers = own_site or reviewers
        return users.filter(pk__in=[user.pk for user in reviewers])

    def get_context(self, task_state, **kwargs):
        """Links in the mail go to the object's own site (a Leeds story: the Leeds host)."""
        context = super().get_context(task_state, **kwargs)
        site = site_of(task_state.workflow_state.content_object)
        context["site_url"] = site_root_url(site) if site is not None else ""
        return context

    def __call__(self, instance=None, **kwargs):
        if not self.can_handle(instance, **kwargs):
            return False
        user = kwargs.get("user")
        enqueue_on_commit(send_task_submission_notification, instance.pk, user.pk if user else None)
        return True

    def send_now(self, task_state, user=None) -> bool:
        return super().__call__(task_state, user=user)


task_submission_notifier = SiteAwareTaskSubmissionNotifier()


@shared_task
def send_task_submission_notification(task_state_id: int, user_id: int | None) -> bool:
    task_state = TaskState.objects.filter(pk=task_state_id).first()
    if task_state is None:
        return False
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    return task_submission_notifier.send_now(task_state, user=user)


def take_over_task_submission_emails() -> None:
    """Connect first under Wagtail's own dispatch_uid: Wagtail's later connect is then a no-op,
    so exactly one notifier answers (ours). Called from CoreConfig.ready(), which runs before
    wagtail.admin's (INSTALLED_APPS order)."""
    task_submitted.connect(
        task_submission_notifier,
        sender=TaskState,
        dispatch_uid="group_approval_task_submitted_email_notification",
    )
