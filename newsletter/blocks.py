"""Newsletter blocks: what an issue is written with (blocks that read well in an email and on
the web), and the signup form block every page body offers.

Hook read here:

- ``register_newsletter_body_blocks``: a function returning ``(name, block)`` pairs, new block
  instances on every call, offered in every issue (NewsletterStreamBlock) after its image
  block. Only blocks the email renderer can show belong here (it renders a block it knows by
  type, any other by its web HTML made absolute). As for page bodies (cms.core.blocks), the
  order is part of the field's definition: register with an explicit ``order=``.

This app registers its NewsletterSignupBlock under cms.core's ``register_page_body_blocks``
(newsletter/wagtail_hooks.py).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from cms.core.blocks import (
    RICH_TEXT_FEATURES,
    CallToActionBlock,
    CaptionedImageBlock,
    CompleteStreamBlock,
    HeadingBlock,
    registered_blocks,
)

NEWSLETTER_BODY_BLOCKS_HOOK = "register_newsletter_body_blocks"


class NewsletterSignupBlock(blocks.StructBlock):
    """A signup form for the newsletter of the site the page is shown on (the form itself comes
    from the newsletter_signup_form template tag)."""

    heading = blocks.CharBlock(max_length=120, default="Receive our latest news")
    text = blocks.TextBlock(required=False, max_length=500)

    class Meta:
        icon = "mail"
        template = "blocks/newsletter_signup_block.html"
        description = _("A form to subscribe to this site's newsletter.")
        preview_value = {
            "heading": "Receive our latest news",
            "text": "Stories of connection and ways to get involved, once a month.",
        }


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
    """An issue's body: heading, paragraph and image, the blocks other apps register (see
    above), then news links and a call to action, in that order (the field's definition)."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES, icon="pilcrow", template="blocks/paragraph_block.html"
    )
    image = CaptionedImageBlock()

    def __init__(self, local_blocks=None, **kwargs):
        features = registered_blocks(
            NEWSLETTER_BODY_BLOCKS_HOOK,
            taken=[*self.base_blocks, "news_links", "call_to_action"],
        )
        super().__init__(
            [
                *features,
                ("news_links", NewsLinksBlock()),
                ("call_to_action", CallToActionBlock()),
                *(local_blocks or ()),
            ],
            **kwargs,
        )
