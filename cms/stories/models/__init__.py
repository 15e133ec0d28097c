# The story model first: pages.py (and the views and tasks it uses) import it.
from .story import Story, StoryQuerySet, Theme  # noqa: I001
from .pages import StoryIndexPage

__all__ = ["Story", "StoryIndexPage", "StoryQuerySet", "Theme"]
