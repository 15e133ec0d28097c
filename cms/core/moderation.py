"""Wagtail's "submitted for moderation" email, told only to the reviewers of the object's own
site, with links to that site.

The email is sent by a worker (cms.core.tasks.send_task_submission_notification), never inside
the editor's (or resident's) request: cms.core.signals queues it when a task is submitted.
"""

from django.db.models import QuerySet
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.permissions import policy_registry

from .mail import site_of, site_root_url
from .models import SiteScopedApprovalTask


class SiteAwareTaskSubmissionNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Recipients: the reviewers who may review this object (SiteScopedApprovalTask), those of
    the object's own site first. Not sent for an object that says its submission is announced
    by its own app (`submission_announced_elsewhere(user)`: a story a resident shared)."""

    def can_handle(self, instance, **kwargs) -> bool:
        if not super().can_handle(instance, **kwargs):
            return False
        obj = instance.workflow_state.content_object
        announced_elsewhere = getattr(obj, "submission_announced_elsewhere", None)
        return not (callable(announced_elsewhere) and announced_elsewhere(kwargs.get("user")))

    def get_recipient_users(self, task_state, **kwargs) -> QuerySet:
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


task_submission_notifier = SiteAwareTaskSubmissionNotifier()
