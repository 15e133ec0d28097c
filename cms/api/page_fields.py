"""The content fields /api/v2/pages/ offers for each of our page types (Wagtail reads a model's
`api_fields`; the features do not know the API, so it names their fields here). Images come as
a rendition ({url, full_url, width, height, alt}); rich text as Wagtail stores it, or as HTML
with ?rich_text_format=html."""

from wagtail.api import APIField
from wagtail.images.api.fields import ImageRenditionField

IMAGE_SPEC = "fill-1200x630"


def _image(name: str) -> APIField:
    return APIField(name, serializer=ImageRenditionField(IMAGE_SPEC))


HOME = ["hero_heading", "hero_text", _image("hero_image"), "hero_image_credit", "body"]

PAGE_FIELDS: dict[str, list] = {
    "core.NationalHomePage": HOME,
    "core.ChapterHomePage": HOME,
    "core.StandardPage": ["intro", "body"],
    "core.CampaignPage": [
        "intro",
        _image("hero_image"),
        "hero_image_credit",
        "body",
        "manifesto_title",
        "manifesto",
        "share_text",
    ],
    "core.NewsIndexPage": ["intro"],
    "core.NewsArticlePage": [
        "date",
        "author",
        "source_organisation",
        "source_url",
        "intro",
        _image("image"),
        "image_credit",
        "body",
    ],
    "stories.StoryIndexPage": ["intro"],
    "coalition.MemberDirectoryPage": ["intro"],
}


def page_fields(model) -> list:
    return PAGE_FIELDS.get(model._meta.label, [])
