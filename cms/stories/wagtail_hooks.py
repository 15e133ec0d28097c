from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from .admin import StoryViewSet, ThemeViewSet
from .models import Story
from .permissions import StoryPermissionPolicy

register_permission_policy(Story, StoryPermissionPolicy(Story))
register_snippet(StoryViewSet)
register_snippet(ThemeViewSet)
