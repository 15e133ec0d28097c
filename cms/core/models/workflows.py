"""A moderation task that knows about sites.

Wagtail's group approval lets every member of the chosen groups approve everything the workflow
covers. A workflow for a snippet model covers every site's snippets, so one chapter's
moderators would review (and see the drafts of) every other chapter's. This task asks, for each
object, whether the reviewer may publish *that* object: its page permissions for a page, the
model's permission policy (site-scoped for stories) for a snippet.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, Page
from wagtail.permissions import policy_registry


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
