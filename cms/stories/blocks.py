"""The "Featured stories" block: stories from the library on any page or newsletter issue.

Offered in page bodies and in newsletter issues through the "register_page_body_blocks" and
"register_newsletter_body_blocks" hooks (cms/stories/wagtail_hooks.py). Its story_links() is
what both the page and the newsletter's email renderer show, so neither needs to know stories.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Site
from wagtail.snippets.blocks import SnippetChooserBlock

from .models import StoryIndexPage
from .models.pages import stories_in_language


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
    # By label, as the migrations of every page type holding this block record them.
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
    """(story, url) pairs this request's site may show, in the block's order: in the reader's
    language where translated, else the source (its card marked lang); whether a story shows is
    the source story's consent and reach (stories_in_language), never a translation's copy."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    locale = Locale.get_active()
    default_code = get_supported_content_language_variant(settings.LANGUAGE_CODE)
    default = locale if locale.language_code == default_code else Locale.get_default()
    visible = stories_in_language(site, locale.pk, default)
    visible = visible.select_related("image", "locale").prefetch_related("themes")
    if value["mode"] == "chosen":
        # The block may name a story in either language: chosen by what it is, not its row.
        wanted = [story.translation_key for story in value["stories"] if story is not None]
        found = {
            story.translation_key: story for story in visible.filter(translation_key__in=wanted)
        }
        stories = [found[key] for key in wanted if key in found]
    elif value["mode"] == "latest_site":
        stories = list(visible.filter(site=site)[: value["count"]])
    else:
        theme = value["theme"]
        stories = (
            list(visible.filter(themes__translation_key=theme.translation_key)[: value["count"]])
            if theme
            else []
        )
    index = StoryIndexPage.for_site(site, locale.pk) if stories else None
    if index is None:
        return []
    base = index.get_url(request)
    return [(story, base + index.reverse_subpage("story", args=[story.slug])) for story in stories]
