# The story model first: pages.py (and the sharing and tasks modules it uses) import it.
from .story import PublicationNotice, Story, StoryQuerySet, Theme  # noqa: I001
from .pages import StoryIndexPage

__all__ = ["PublicationNotice", "Story", "StoryIndexPage", "StoryQuerySet", "Theme"]
