"""The story library's part of a new chapter site: its /stories/ page, second in the menu.
Registered as a provisioning step in cms/stories/wagtail_hooks.py (see chapters.provisioning)."""

from functools import partial

from cms.core.provisioning import SiteSetup

from .models import StoryIndexPage

STORY_INDEX_INTRO = "Stories of connection from our city."


def add_story_index(setup: SiteSetup) -> None:
    setup.add_section("stories", partial(StoryIndexPage, title="Stories", intro=STORY_INDEX_INTRO))
