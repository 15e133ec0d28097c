"""/stories/ on every site: the network's stories and the site's own, under the site's brand."""

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.models import BasePage
from cms.core.pagination import filter_query, paginate
from cms.core.text import query_param

from ..views import share_story, share_story_thanks
from .story import Story, Theme

CARD_RENDITION = "fill-640x400"


class StoryIndexPage(RoutablePageMixin, BasePage):
    """Lists the stories a site may show, serves each at /stories/<slug>/ and takes residents'
    own stories at /stories/share/."""

    intro = models.TextField(blank=True)
    share_intro = RichTextField(
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text=_("Shown above the 'Share your story' form"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("share_intro")]
    parent_page_types = ["core.NationalHomePage", "core.ChapterHomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    template = "stories/story_index_page.html"
    stories_per_page = 12

    class Meta:
        verbose_name = _("story index page")

    # --- what this site may show ---------------------------------------------------------

    def visible_stories(self, request):
        site = Site.find_for_request(request)
        return Story.objects.visible_on(site).filter(locale_id=self.locale_id)

    def story_cards(self, queryset):
        Image = get_image_model()
        # The image comes by prefetch (not select_related, which would skip the prefetch) so
        # its renditions arrive in the same query: one query for every card's photo.
        return queryset.prefetch_related(
            "themes",
            Prefetch("image", queryset=Image.objects.prefetch_renditions(CARD_RENDITION)),
        )

    @classmethod
    def for_site(cls, site: Site, locale_id: int) -> "StoryIndexPage | None":
        """The live story index of `site` in that locale (the highest, were there several)."""
        return (
            cls.objects.live()
            .filter(path__startswith=site.root_page.path, locale_id=locale_id)
            .order_by("depth")
            .first()
        )

    # --- routes --------------------------------------------------------------------------

    @path("", name="index")
    def index_route(self, request):
        visible = self.visible_stories(request)
        stories = visible
        theme_slug = query_param(request, "theme", 80)
        town = query_param(request, "town", 80)
        if theme_slug:
            stories = stories.filter(themes__slug=theme_slug)
        if town:
            stories = stories.filter(town=town)
        page_obj = paginate(
            request,
            self.story_cards(stories.order_by("-consent_given_on", "-pk")),
            self.stories_per_page,
        )
        return self.render(
            request,
            context_overrides={
                "stories": page_obj,
                "themes": Theme.objects.filter(locale_id=self.locale_id)
                .filter(
                    Exists(
                        Story.themes.through.objects.filter(theme=OuterRef("pk"), story__in=visible)
                    )
                )
                .order_by("name"),
                "towns": visible.exclude(town="")
                .order_by("town")
                .values_list("town", flat=True)
                .distinct(),
                "selected_theme": theme_slug,
                "selected_town": town,
                "filter_query": filter_query({"theme": theme_slug, "town": town}),
            },
        )

    @path("share/", name="share")
    def share_route(self, request):
        return share_story(request, self)

    @path("share/thanks/", name="share_thanks")
    def share_thanks_route(self, request):
        return share_story_thanks(request, self)

    @path("<slug:slug>/", name="story")
    def story_route(self, request, slug):
        story = get_object_or_404(
            self.visible_stories(request).select_related("image", "site__root_page"), slug=slug
        )
        canonical = canonical_story_url(story, request)
        return self.render(
            request,
            template="stories/story_detail.html",
            context_overrides={
                "story": story,
                "story_themes": list(story.themes.all()),
                "canonical_url": canonical,
                "share_url": canonical,
            },
        )


def canonical_story_url(story: Story, request=None) -> str:
    """The story's address on its home site (where search engines should send readers)."""
    index = StoryIndexPage.for_site(story.site, story.locale_id)
    if index is None:
        return ""
    return index.get_full_url(request) + index.reverse_subpage("story", args=[story.slug])
