"""StreamField blocks every site's pages are written with.

Each block names its own template under templates/blocks/, an icon, a description for the
block picker and a preview value, so editors see what they are choosing.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock
from wagtail.models import Locale, Site
from wagtail.snippets.blocks import SnippetChooserBlock

RICH_TEXT_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "h3", "h4"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=200)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Section heading (h2)")), ("h3", _("Sub-heading (h3)"))],
        default="h2",
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        description = _("A heading that starts a section of the page.")
        preview_value = {"text": "We can do more great things together", "level": "h2"}


class CaptionedImageBlock(blocks.StructBlock):
    """An image whose caption and photo credit are shown under it, as the coalition credits
    every photographer ("Photo Credit: The Cares Family")."""

    image = ImageBlock()
    caption = blocks.CharBlock(required=False, max_length=500)
    credit = blocks.CharBlock(required=False, max_length=200, label=_("Photo credit"))

    class Meta:
        icon = "image"
        template = "blocks/captioned_image_block.html"
        description = _("An image with its alt text, a caption and the photo credit.")


class PullQuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock()
    attribution = blocks.CharBlock(required=False, max_length=200)
    role = blocks.CharBlock(required=False, max_length=200, help_text=_("e.g. Coventry resident"))

    class Meta:
        icon = "openquote"
        template = "blocks/pull_quote_block.html"
        description = _("A quote in someone's own words, with who said it.")
        preview_value = {
            "quote": "I have found myself wishing that the world could remain like this.",
            "attribution": "Rose",
            "role": "Coventry resident",
        }


class CallToActionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=80)
    page = blocks.PageChooserBlock(required=False)
    url = blocks.URLBlock(required=False, label=_("or an external URL"))
    style = blocks.ChoiceBlock(
        choices=[("primary", _("Primary")), ("secondary", _("Secondary"))], default="primary"
    )

    class Meta:
        icon = "pick"
        template = "blocks/call_to_action_block.html"
        description = _("A button that sends readers to a page or a link.")
        preview_value = {"label": "Join the Coalition", "url": "https://example.org/join"}

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("page")) == bool(value.get("url")):
            message = _("Choose a page or enter a URL (one of them, not both).")
            raise StructBlockValidationError(
                block_errors={"page": ErrorList([ValidationError(message)])}
            )
        return value


class FAQItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(max_length=255)
    answer = blocks.RichTextBlock(features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"


class FAQListBlock(blocks.StructBlock):
    heading = blocks.CharBlock(required=False, max_length=200)
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        template = "blocks/faq_list_block.html"
        description = _("Questions and answers that open one at a time.")
        preview_value = {
            "heading": "Questions",
            "items": [{"question": "Why now?", "answer": "<p>Because connection matters.</p>"}],
        }


class DocumentItemBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(required=False, max_length=200, help_text=_("Defaults to its title"))
    description = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "doc-full"


class DocumentListBlock(blocks.StructBlock):
    """Downloads such as the Community Makes Us toolkit."""

    heading = blocks.CharBlock(required=False, max_length=200)
    documents = blocks.ListBlock(DocumentItemBlock(), min_num=1)

    class Meta:
        icon = "download"
        template = "blocks/document_list_block.html"
        description = _("A list of files to download, such as a campaign toolkit.")


class EmbedMediaBlock(blocks.StructBlock):
    embed = EmbedBlock(help_text=_("A YouTube, Vimeo or other oEmbed link"))
    caption = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "media"
        template = "blocks/embed_block.html"
        description = _("A video or post from another website.")


class FeaturedStoriesBlock(blocks.StructBlock):
    """Stories from the library, placed on any page. Only stories the current site may show
    are rendered: a story chosen on one site and local to another never appears."""

    heading = blocks.CharBlock(required=False, max_length=120, default="Stories of connection")
    mode = blocks.ChoiceBlock(
        choices=[
            ("chosen", _("The stories I choose")),
            ("latest_site", _("The latest from this site")),
            ("latest_theme", _("The latest on a theme")),
        ],
        default="chosen",
    )
    # The story library sits above core: refer to its models by label, never import them.
    stories = blocks.ListBlock(SnippetChooserBlock("stories.Story"), min_num=0, max_num=12)
    theme = SnippetChooserBlock("stories.Theme", required=False)
    count = blocks.IntegerBlock(min_value=1, max_value=12, default=3)

    class Meta:
        icon = "openquote"
        template = "blocks/featured_stories_block.html"
        description = _("Stories from the library: chosen, or the latest from this site or theme.")

    def clean(self, value):
        value = super().clean(value)
        if value["mode"] == "chosen" and not value["stories"]:
            raise StructBlockValidationError(
                block_errors={"stories": ErrorList([ValidationError(_("Choose a story."))])}
            )
        if value["mode"] == "latest_theme" and not value["theme"]:
            raise StructBlockValidationError(
                block_errors={"theme": ErrorList([ValidationError(_("Choose a theme."))])}
            )
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        request = (parent_context or {}).get("request")
        context["story_links"] = self.story_links(value, request) if request else []
        return context

    def story_links(self, value, request) -> list[tuple]:
        """(story, url) pairs this request's site may show, in the block's order: what the page
        and a newsletter built from it both render."""
        return featured_stories(value, request)


def featured_stories(value, request) -> list[tuple]:
    """(story, url) pairs this request's site may show, in the block's order."""
    Story = apps.get_model("stories", "Story")
    StoryIndexPage = apps.get_model("stories", "StoryIndexPage")
    site = Site.find_for_request(request)
    if site is None:
        return []
    locale = Locale.get_active()
    visible = Story.objects.visible_on(site).filter(locale=locale).select_related("image")
    if value["mode"] == "chosen":
        wanted = [story.pk for story in value["stories"] if story is not None]
        found = visible.prefetch_related("themes").in_bulk(wanted)
        stories = [found[pk] for pk in wanted if pk in found]
    elif value["mode"] == "latest_site":
        stories = list(visible.filter(site=site).prefetch_related("themes")[: value["count"]])
    else:
        theme = value["theme"]
        stories = (
            list(visible.filter(themes=theme).prefetch_related("themes")[: value["count"]])
            if theme
            else []
        )
    index = StoryIndexPage.for_site(site, locale.pk) if stories else None
    if index is None:
        return []
    base = index.get_url(request)
    return [(story, base + index.reverse_subpage("story", args=[story.slug])) for story in stories]


class NewsletterSignupBlock(blocks.StructBlock):
    """A signup form for the newsletter of the site the page is shown on. The form itself comes
    from the newsletter app's template tag, so core never imports the newsletter app."""

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


class CompleteStreamBlock(blocks.StreamBlock):
    """A page body whose form data arrived incomplete (a count or a block's fields missing or
    garbled, from a hand-made or cut-off POST) is a form error, not the KeyError or ValueError
    that Wagtail's StreamBlock raises as a 500. Nested blocks raise through the top one; the
    form shows again with an empty body and the error, and the saved page is untouched."""

    def value_from_datadict(self, data, files, prefix):
        try:
            return super().value_from_datadict(data, files, prefix)
        except (KeyError, ValueError, TypeError, IndexError):
            value = blocks.StreamValue(self, [])
            value.incomplete = True
            return value

    def clean(self, value):
        if getattr(value, "incomplete", False):
            raise ValidationError(
                _(
                    "This content arrived incomplete, so nothing was saved. Reload the page "
                    "and try again."
                ),
                code="incomplete",
            )
        return super().clean(value)


class ToolkitStreamBlock(CompleteStreamBlock):
    """The campaign's downloads: document lists only."""

    documents = DocumentListBlock()


class BaseStreamBlock(CompleteStreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        features=RICH_TEXT_FEATURES,
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        description=_("Text with links and lists."),
        preview_value="<p>Let's remember that we are the ones that make our community.</p>",
    )
    image = CaptionedImageBlock()
    quote = PullQuoteBlock()
    call_to_action = CallToActionBlock()
    faq = FAQListBlock()
    embed = EmbedMediaBlock()
    documents = DocumentListBlock()
    featured_stories = FeaturedStoriesBlock()
    newsletter_signup = NewsletterSignupBlock()
