"""Who may do what to which story.

A story belongs to a site (its home: the national site or a chapter's). Wagtail's
SitePermissionPolicy already lets a group hold a permission for one site only
(GroupSitePermission) or for every site (an ordinary group permission): chapter groups get the
former, national editors the latter. On top of that, anyone who may work with stories may *read*
(inspect, choose) a story that is live somewhere, but never another site's drafts.
"""

from django.db.models import Q
from wagtail.permission_policies.sites import SitePermissionPolicy

READ_ACTIONS = {"view", "choose"}
WORK_ACTIONS = ["add", "change", "delete", "publish"]


class StoryPermissionPolicy(SitePermissionPolicy):
    def __init__(self, model):
        super().__init__(model, site_field_name="site")

    def _may_work_with_stories(self, user) -> bool:
        return self.user_has_any_permission(user, WORK_ACTIONS)

    def user_has_any_permission(self, user, actions):
        if set(actions) & READ_ACTIONS and super().user_has_any_permission(user, WORK_ACTIONS):
            return True
        return super().user_has_any_permission(user, actions)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if super().user_has_any_permission_for_instance(user, actions, instance):
            return True
        if set(actions) & READ_ACTIONS and instance.live:
            return self._may_work_with_stories(user)
        return False

    def instances_user_has_any_permission_for(self, user, actions):
        own = Q(site__in=self.sites_user_has_any_permission_for(user, actions))
        if set(actions) & READ_ACTIONS and self._may_work_with_stories(user):
            own |= Q(site__in=self.sites_user_has_any_permission_for(user, WORK_ACTIONS))
            own |= Q(live=True)
        return self.model._default_manager.filter(own)

    def is_network_wide(self, user) -> bool:
        """National editors: story permissions for every site, not through a site grant."""
        return user.is_superuser or self._user_has_global_permission(user, ["change"])
