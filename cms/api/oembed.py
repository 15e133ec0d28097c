"""oEmbed responses (https://oembed.com/, type "rich") for what cms.api.embedding resolves: a
snippet of escaped text and one link (no script, no style, no iframe), the page's image as the
thumbnail, and the site's name as the provider."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import Truncator
from wagtail.images.models import AbstractImage

from cms.core.models import CampaignPage, NewsArticlePage

from . import conf
from .embedding import Embeddable

logger = logging.getLogger(__name__)

TEXT_WORDS = 60


class BadSize(ValueError):
    """maxwidth or maxheight is not a positive whole number."""


def size_param(value: str | None, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) < 1 or len(value) > 6:
        raise BadSize(f"{name} must be a positive whole number of pixels")
    return int(value)


def _words(embed: Embeddable) -> dict:
    """Title, text, byline and image of the story or page."""
    story, page = embed.story, embed.page
    if story is not None:
        lang = "" if story.locale.language_code == embed.language else story.locale.language_code
        return {
            "title": story.title,
            "text": story.quote,
            "byline": story.attribution,
            "image": story.image,
            "lang": lang,
        }
    if isinstance(page, NewsArticlePage):
        byline = page.author or page.source_organisation
        return {"title": page.title, "text": page.intro, "byline": byline, "image": page.image}
    assert isinstance(page, CampaignPage)
    return {"title": page.title, "text": page.intro, "byline": "", "image": page.hero_image}


def _thumbnail(embed: Embeddable, image: AbstractImage | None, width: int, height: int) -> dict:
    if image is None:
        return {}
    try:
        rendition = image.get_rendition(f"max-{width}x{height}")
    except Exception:  # a missing or unreadable original: the embed goes without its picture
        logger.warning("No oEmbed thumbnail for image %s", image.pk, exc_info=True)
        return {}
    return {
        "thumbnail_url": urljoin(embed.site.root_url + "/", rendition.url),
        "thumbnail_width": rendition.width,
        "thumbnail_height": rendition.height,
    }


def oembed_response(
    embed: Embeddable, maxwidth: int | None = None, maxheight: int | None = None
) -> dict:
    """The oEmbed JSON of `embed`, no wider or higher than the consumer asked."""
    width = min(conf.OEMBED_WIDTH, maxwidth or conf.OEMBED_WIDTH)
    height = min(conf.OEMBED_HEIGHT, maxheight or conf.OEMBED_HEIGHT)
    thumb_width = min(conf.OEMBED_THUMBNAIL[0], maxwidth or conf.OEMBED_THUMBNAIL[0])
    thumb_height = min(conf.OEMBED_THUMBNAIL[1], maxheight or conf.OEMBED_THUMBNAIL[1])
    with translation.override(embed.language):
        words = _words(embed)
        site_name = embed.brand.name
        html = render_to_string(
            "api/oembed_snippet.html",
            {
                "url": embed.url,
                "title": words["title"],
                "text": Truncator(words["text"] or "").words(TEXT_WORDS),
                "byline": words["byline"],
                "lang": words.get("lang", ""),
                "site_name": site_name,
            },
        ).strip()
    response = {
        "version": "1.0",
        "type": "rich",
        "title": words["title"],
        "provider_name": site_name,
        "provider_url": embed.site.root_url + "/",
        "html": html,
        "width": width,
        "height": height,
        "cache_age": 3600,
    }
    if words["byline"]:
        response["author_name"] = words["byline"]
    response.update(_thumbnail(embed, words["image"], thumb_width, thumb_height))
    return response
