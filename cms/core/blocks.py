"""StreamField blocks every site's pages are written with, and the page body that feature apps
add their own blocks to.

Each block names its own template under templates/blocks/, an icon, a description for the
block picker and a preview value, so editors see what they are choosing. The blocks here know
no feature app; a feature's blocks (featured stories, a newsletter signup) live in that app.

Hook read here:

- ``register_page_body_blocks``: a function returning ``(name, block)`` pairs, new block
  instances on every call, offered in every page body (BaseStreamBlock) after core's own
  blocks. The order is part of the fields' definition (their migrations): register with an
  explicit ``order=`` (``hooks.register("register_page_body_blocks", fn, order=N)``).

The hook is read when a StreamBlock using it is instantiated, which must be after the app
registry is ready (pass the block class, not an instance, to StreamField, which then builds it
when first used); reading it earlier, or two blocks of one name, stops the project loudly
rather than leaving a block out of a page type.
"""

import hashlib

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks, hooks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

PAGE_BODY_BLOCKS_HOOK = "register_page_body_blocks"

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


class CopyTextBlock(blocks.StructBlock):
    """Ready-made words for others to post or send (a campaign's social and email copy),
    shown as text with a button that copies it."""

    label = blocks.CharBlock(max_length=200, help_text=_("e.g. Post for Facebook or Instagram"))
    text = blocks.TextBlock(help_text=_("The words as they should be pasted"))

    class Meta:
        icon = "clipboard-list"
        template = "blocks/copy_text_block.html"
        description = _("Words to copy and paste, such as a ready-to-post social media post.")
        preview_value = {
            "label": "Post for Facebook or Instagram",
            "text": "Let's remember that we are the ones that make our community. And our "
            "community makes us. #CommunityMakesUs",
        }

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # An id for the button's status line, the same for the same words on every render.
        digest = hashlib.sha1(value["text"].encode(), usedforsecurity=False).hexdigest()[:10]
        context["status_id"] = f"copy-status-{digest}"
        return context


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


_finding_hooks = False


def _find_hooks(hook_name: str) -> list:
    global _finding_hooks
    _finding_hooks = True  # the first call imports every app's wagtail_hooks module
    try:
        return hooks.get_hooks(hook_name)
    finally:
        _finding_hooks = False


def registered_blocks(hook_name: str, taken=()) -> list[tuple[str, blocks.Block]]:
    """The (name, block) pairs the apps register under `hook_name`, in hook order. Refused
    before the app registry is ready (not every app's hooks could be found yet), and when a
    name is given twice or is already one of `taken` (a block would silently replace another)."""
    if not apps.ready:
        raise ImproperlyConfigured(
            f"The {hook_name!r} blocks were asked for before the app registry is ready, so "
            "some apps' blocks could be missing: give StreamField the block class, not an "
            "instance, so it builds the block when it is first used."
        )
    if _finding_hooks:
        raise ImproperlyConfigured(
            f"The {hook_name!r} blocks were asked for while the apps' wagtail_hooks modules "
            "were being imported (a module instantiates such a block when it is imported), so "
            "some apps' blocks could be missing."
        )
    names = set(taken)
    found = []
    for register in _find_hooks(hook_name):
        for name, block in register():
            if name in names:
                raise ImproperlyConfigured(f"Two blocks are named {name!r} in {hook_name!r}.")
            names.add(name)
            found.append((name, block))
    return found


class BaseStreamBlock(CompleteStreamBlock):
    """A page's body: core's blocks, then those the feature apps register (see above)."""

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
    copy_text = CopyTextBlock()

    def __init__(self, local_blocks=None, **kwargs):
        features = registered_blocks(PAGE_BODY_BLOCKS_HOOK, taken=self.base_blocks)
        super().__init__([*features, *(local_blocks or ())], **kwargs)
