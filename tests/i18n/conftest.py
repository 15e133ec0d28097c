"""Fixtures of the Welsh tests: Cardiff, a chapter made by `create_chapter --languages en,cy`,
and Cardiff in Welsh with two of its stories, one translated."""

import pytest
from wagtail.models import Site

from tests.factories import StoryFactory

from .welsh import make_welsh_chapter, publish_welsh_home, translate_page, translate_story


@pytest.fixture
def cardiff_site(network) -> Site:
    return make_welsh_chapter().site


@pytest.fixture
def welsh_stories(cardiff_site):
    """Cardiff in Welsh with its story index translated; two of its stories, one in Welsh."""
    publish_welsh_home(cardiff_site)
    stories = cardiff_site.root_page.get_children().get(slug="stories")
    translate_page(stories, "Straeon", "straeon")
    translated = StoryFactory(site=cardiff_site, title="Garden club", slug="garden-club")
    english_only = StoryFactory(site=cardiff_site, title="Repair cafe", slug="repair-cafe")
    welsh_version = translate_story(translated, "Clwb garddio")
    return translated, welsh_version, english_only
