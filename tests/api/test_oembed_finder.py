"""A member's Wagtail site embeds one of our stories by its URL: Wagtail's own oEmbed finder,
given our provider, asks our server over HTTP and gets the story's snippet."""

import pytest
from django.test import override_settings
from wagtail.embeds import embeds
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.embeds.finders.oembed import OEmbedFinder

from cms.stories.models import Story
from tests.api.live import serving_the_test_database

pytestmark = pytest.mark.django_db

ZAK = "http://localhost/stories/zak-qpg-hub/"


def our_provider(server: str) -> dict:
    """What a member's site puts in WAGTAILEMBEDS_FINDERS for our network."""
    return {
        "endpoint": f"{server}/oembed/",
        "urls": [r"^https?://(localhost|[a-z0-9-]+\.localhost)/.+$"],
    }


def test_wagtails_oembed_finder_embeds_our_story(network):
    story = Story.objects.get(slug="zak-qpg-hub", locale__language_code="en")
    with serving_the_test_database() as server:
        finders = [{"class": "wagtail.embeds.finders.oembed", "providers": [our_provider(server)]}]
        with override_settings(WAGTAILEMBEDS_FINDERS=finders):
            embed = embeds.get_embed(ZAK, max_width=400)

    assert embed.type == "rich"
    assert embed.title == story.title
    assert embed.provider_name == "Connection Coalition"
    assert embed.width <= 400
    assert embed.thumbnail_url.startswith("http://localhost/media/images/")
    assert story.title in embed.html and f'href="{ZAK}"' in embed.html
    assert "<script" not in embed.html


def test_the_finder_gets_nothing_for_an_address_that_is_not_ours(network):
    with serving_the_test_database() as server:
        finder = OEmbedFinder(providers=[our_provider(server)])
        with pytest.raises(EmbedNotFoundException):
            finder.find_embed("http://localhost/about/")
        with pytest.raises(EmbedNotFoundException):
            finder.find_embed("http://localhost/stories/rose-coventry/")  # Coventry's own
        found = finder.find_embed("http://coventry.localhost/stories/rose-coventry/")

    assert found["provider_name"] == "Connecting for Good Coventry"
