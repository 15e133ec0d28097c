"""What a newsletter issue is written with: blocks that read well in an email and on the web."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.core.blocks import (
    RICH_TEXT_FEATURES,
    CallToActionBlock,
    CaptionedImageBlock,
    CompleteStreamBlock,
    FeaturedStoriesBlock,
    HeadingBlock,
)


class NewsLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label=_("or an external URL"))
    title = blocks.CharBlock(
        required=False, max_length=200, help_text=_("Defaults to the page title")
    )
    summary = blocks.TextBlock(required=False, max_length=400)

    class Meta:
        icon = "link"


class NewsLinksBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=120, default="News")
    links = blocks.ListBlock(NewsLinkBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "newsletter/blocks/news_links_block.html"
        description = _("A list of news links, each with a line of summary.")


class NewsletterStreamBlock(CompleteStreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", template="blocks/paragraph_block.html"
    )
    image = CaptionedImageBlock()
    featured_stories = FeaturedStoriesBlock()
    news_links = NewsLinksBlock()
    call_to_action = CallToActionBlock()
