"""Where the story library plugs into Wagtail: its snippets and permission policy, the chooser
scope of its stories, its blocks in page bodies and newsletter issues, and its page on a new
chapter's site."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from cms.core.choosing import register_chooser_scope

from .admin import StoryViewSet, ThemeViewSet, _chooseable
from .blocks import FeaturedStoriesBlock
from .models import Story
from .permissions import StoryPermissionPolicy
from .provisioning import add_story_index
from .search import search_stories

register_permission_policy(Story, StoryPermissionPolicy(Story))
# A form accepts the stories the story chooser offers: the site's own and the network's.
register_chooser_scope(
    Story,
    _chooseable,
    _("Choose a story from your own site or the network: this one cannot be featured here."),
)
register_snippet(StoryViewSet)
register_snippet(ThemeViewSet)


@hooks.register("register_page_body_blocks", order=100)
def page_body_blocks():
    """Featured stories in every page body (cms.core.blocks), before the newsletter signup."""
    return [("featured_stories", FeaturedStoriesBlock())]


@hooks.register("register_newsletter_body_blocks", order=100)
def newsletter_body_blocks():
    """Featured stories in newsletter issues: the email renderer shows its story_links()."""
    return [("featured_stories", FeaturedStoriesBlock())]


# The stories a site shows, in its search (sites.search), after the coalition's members.
hooks.register("register_site_search_results", search_stories, order=200)

# A new chapter's /stories/, second in its menu (chapters.provisioning).
hooks.register("provision_chapter_site", add_story_index, order=200)
