"""/api/v2/stories/: the stories the requesting site shows at /stories/, as its readers see
them (cms.stories' own rules: live, consent valid, network-wide or this site's own; in the
language asked where translated). Only what the story page shows leaves: never the resident's
email, the consent details, the source or the moderation state."""

from __future__ import annotations

from django.db.models import Prefetch
from rest_framework import serializers
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html

from cms.core.text import query_param
from cms.stories.models import Story, StoryIndexPage, Theme
from cms.stories.models.pages import stories_in_language

from .base import ScopedEndpoint, absolute, rendition

IMAGE_SPEC = "fill-640x400"


class StorySerializer(serializers.Serializer):
    def to_representation(self, story):
        request = self.context["request"]
        view = self.context["view"]
        return {
            "id": story.pk,
            "meta": {
                "type": "stories.Story",
                "detail_url": absolute(request, f"{view.listing_path}{story.pk}/"),
                "html_url": view.html_url(story),
                "locale": story.locale.language_code,
            },
            "title": story.title,
            "slug": story.slug,
            "quote": story.quote,
            "body": expand_db_html(story.body),
            "person_name": story.person_name,
            "person_role": story.person_role,
            "organisation": story.organisation,
            "town": story.town,
            "themes": [{"name": theme.name, "slug": theme.slug} for theme in story.themes.all()],
            "image": rendition(request, story.image, IMAGE_SPEC, story.image_alt),
            "photo_credit": story.photo_credit,
        }


class StoriesAPIViewSet(ScopedEndpoint):
    name = "stories"
    model = Story
    serializer_class = StorySerializer
    filter_parameters = frozenset(["theme", "town"])

    @property
    def listing_path(self) -> str:
        return self.request.path.split("/stories/")[0] + "/stories/"

    def index_page(self) -> StoryIndexPage | None:
        """The site's live, public story index in the language asked (no index, no stories)."""
        if not hasattr(self, "_index"):
            site = self.scope.site
            locale = self.scope.locale(self.request.GET.get("locale"))
            live_home = self.scope.home_in(locale)
            index = StoryIndexPage.for_site(site, locale.pk) if live_home else None
            public = index and StoryIndexPage.objects.filter(pk=index.pk).public().exists()
            self._index = index if public else None
        return self._index

    def html_url(self, story: Story) -> str:
        index = self.index_page()
        url = index.get_full_url(self.request) if index else ""
        return url + index.reverse_subpage("story", args=[story.slug]) if url else ""

    def get_queryset(self):
        index = self.index_page()
        if index is None:
            return Story.objects.none()
        locale = self.scope.locale(self.request.GET.get("locale"))
        stories = stories_in_language(
            self.scope.site, locale.pk, self.scope.locale(None)
        ).select_related("locale")
        theme = query_param(self.request, "theme", 80)
        if theme:
            stories = stories.filter(
                themes__translation_key__in=Theme.objects.filter(slug=theme).values(
                    "translation_key"
                )
            )
        town = query_param(self.request, "town", 80)
        if town:
            stories = stories.filter(town=town)
        # The photo by prefetch with its rendition, as /stories/ does: one query for them all.
        photos = Prefetch(
            "image", queryset=get_image_model().objects.prefetch_renditions(IMAGE_SPEC)
        )
        return stories.prefetch_related("themes", photos).order_by("-consent_given_on", "-pk")
