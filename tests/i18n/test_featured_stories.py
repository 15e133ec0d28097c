"""The "featured stories" block on a Welsh page: each story in Welsh where its translation is
live, else the English one with its card marked lang="en"; whether a story shows at all is the
English source's consent and reach, never the translation's copy of them."""

import re

import pytest
from django.utils import timezone
from wagtail.models import Site

from cms.stories.models import Story
from tests.conftest import NATIONAL_HOST
from tests.factories import StoryFactory

from .welsh import cardiff, html_lang, story_cards, welsh


def featured_cards(html: str) -> dict[str, str]:
    section = re.search(r'<section class="featured-stories".*?</section>', html, re.S)
    assert section, "no featured stories block"
    return story_cards(section.group(0))


def national_featured() -> list[Story]:
    """The English stories the national home features (the demo's chosen three)."""
    page = Site.objects.get(is_default_site=True).root_page.specific
    block = next(block for block in page.body if block.block_type == "featured_stories")
    return [story for story in block.value["stories"] if story is not None]


@pytest.mark.django_db
def test_the_welsh_home_features_the_welsh_versions(client, network):
    stories = national_featured()
    assert stories
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert html_lang(html) == "cy"
    cards = featured_cards(html)
    for story in stories:
        welsh_story = story.get_translation(welsh())
        assert welsh_story.title in cards and 'lang="en"' not in cards[welsh_story.title]
        assert story.title not in cards


@pytest.mark.django_db
def test_consent_withdrawn_on_the_english_story_takes_it_off_the_welsh_home(client, network):
    story = national_featured()[0]
    welsh_title = story.get_translation(welsh()).title
    assert welsh_title in featured_cards(
        client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    )
    Story.objects.filter(pk=story.pk).update(consent_withdrawn_at=timezone.now())
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert welsh_title not in featured_cards(html)


@pytest.mark.django_db
def test_a_featured_story_without_welsh_is_shown_in_english_marked(client, network):
    """wagtail-localize keeps a chosen story that has no Welsh version as it is: the English."""
    story = StoryFactory(site=network.national_site, title="Allotment mornings")
    welsh_home = network.national_site.root_page.get_translation(welsh()).specific
    for block in welsh_home.body:
        if block.block_type == "featured_stories":
            block.value["stories"] = [story]
    welsh_home.save_revision().publish()
    cards = featured_cards(client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode())
    assert 'lang="en"' in cards[story.title]


@pytest.mark.django_db
def test_a_welsh_chapter_features_its_stories_in_either_language(client, welsh_stories):
    translated, welsh_version, english_only = welsh_stories
    welsh_home = translated.site.root_page.get_translation(welsh()).specific
    welsh_home.body.append(
        (
            "featured_stories",
            {"heading": "", "mode": "latest_site", "stories": [], "theme": None, "count": 3},
        )
    )
    welsh_home.save_revision().publish()
    cards = featured_cards(cardiff(client, "/cy/").content.decode())
    assert welsh_version.title in cards and 'lang="en"' not in cards[welsh_version.title]
    assert translated.title not in cards
    assert 'lang="en"' in cards[english_only.title]
