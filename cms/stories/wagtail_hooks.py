from django.utils.translation import gettext_lazy as _
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.core.choosing import register_chooser_scope

from .admin import StoryViewSet, ThemeViewSet, _chooseable
from .models import Story
from .permissions import StoryPermissionPolicy

register_permission_policy(Story, StoryPermissionPolicy(Story))
# A form accepts the stories the story chooser offers: the site's own and the network's.
register_chooser_scope(
    Story,
    _chooseable,
    _("Choose a story from your own site or the network: this one cannot be featured here."),
)
register_snippet(StoryViewSet)
register_snippet(ThemeViewSet)
