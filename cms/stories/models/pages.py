"""/stories/ on every site: the network's stories and the site's own, under the site's brand,
and residents' "Share your story" form."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.core.antispam import rate_limited, too_many_requests
from cms.core.blocks import RICH_TEXT_FEATURES
from cms.core.models import BasePage
from cms.core.page_cache import remember
from cms.core.pagination import filter_query, paginate
from cms.core.text import query_param
from sites.branding import Brand
from sites.page_cache import site_tag

from ..forms import ShareStoryForm
from ..sharing import SHARE_RATE_LIMIT, SHARE_RATE_WINDOW_SECONDS, create_resident_story
from .story import Story, Theme

CARD_RENDITION = "fill-640x400"


def stories_in_language(site: Site, locale_id: int, default: Locale):
    """The stories `site` shows to readers of `locale`: each story once, in that language where
    its translation is live, else in its source language (the template marks it lang).

    Whether a story shows at all (consent, reach, live) is the SOURCE story's (the default
    language's version, or the story itself when it was written in `locale`), never the
    translation's own fields. One level of EXISTS per condition (SQLite's parser refuses
    deeper nesting)."""
    if locale_id == default.pk:
        return Story.objects.visible_on(site).filter(locale_id=locale_id)
    same_story = {"translation_key": OuterRef("translation_key")}
    in_default = {"locale_id": default.pk}
    source_visible = Exists(Story.objects.visible_on(site).filter(**same_story, **in_default))
    has_source = Exists(Story.objects.filter(**same_story, **in_default))
    translated = Exists(Story.objects.filter(**same_story, locale_id=locale_id, live=True))
    itself_visible = Exists(Story.objects.visible_on(site).filter(pk=OuterRef("pk")))
    return Story.objects.filter(
        Q(source_visible, locale_id=locale_id, live=True)
        | Q(source_visible, ~translated, **in_default)
        | Q(itself_visible, ~has_source, locale_id=locale_id)
    )


def themes_in_language(stories, locale_id: int, default: Locale):
    """The themes of these stories, in that locale where translated, else as they are."""
    used_by_stories = Exists(
        Story.themes.through.objects.filter(theme=OuterRef("pk"), story__in=stories)
    )
    if locale_id == default.pk:
        return Theme.objects.filter(used_by_stories, locale_id=locale_id)
    used = list(Theme.objects.filter(used_by_stories).values_list("translation_key", flat=True))
    translated = set(
        Theme.objects.filter(locale_id=locale_id, translation_key__in=used).values_list(
            "translation_key", flat=True
        )
    )
    untranslated = [key for key in used if key not in translated]
    return Theme.objects.filter(
        Q(locale_id=locale_id, translation_key__in=used)
        | Q(locale_id=default.pk, translation_key__in=untranslated)
    )


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
        return stories_in_language(
            Site.find_for_request(request),
            self.locale_id,
            Brand.for_request(request).default_locale,
        )

    def story_cards(self, queryset):
        Image = get_image_model()
        # The image comes by prefetch (not select_related, which would skip the prefetch) so
        # its renditions arrive in the same query: one query for every card's photo.
        return queryset.select_related("locale").prefetch_related(
            "themes",
            Prefetch("image", queryset=Image.objects.prefetch_renditions(CARD_RENDITION)),
        )

    @classmethod
    def for_site(cls, site: Site, locale_id: int) -> "StoryIndexPage | None":
        """The live story index of `site` in that locale (the highest, were there several),
        looked for under the site's home in that locale: a translated tree sits beside the
        default language's, not under it."""
        root = site.root_page
        if root.locale_id != locale_id:
            root = Page.objects.filter(translation_key=root.translation_key, locale_id=locale_id)
            root = root.only("path").first()
            if root is None:
                return None
        return (
            cls.objects.live()
            .filter(path__startswith=root.path, locale_id=locale_id)
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
            stories = stories.filter(
                themes__translation_key__in=Theme.objects.filter(slug=theme_slug).values(
                    "translation_key"
                )
            )
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
                **self.filters(request, visible),
                "page_language": get_language(),
                "selected_theme": theme_slug,
                "selected_town": town,
                "filter_query": filter_query({"theme": theme_slug, "town": town}),
            },
        )

    def filters(self, request, visible) -> dict:
        """The themes and towns the index can be filtered by: the same for every visitor of a
        site in a language, so kept until the site is purged (a story changed, published or
        withdrawn purges every site that shows it: cms.stories.page_cache)."""
        brand = Brand.for_request(request)

        def compute() -> dict:
            themes = themes_in_language(visible, self.locale_id, brand.default_locale)
            towns = visible.exclude(town="").order_by("town").values_list("town", flat=True)
            return {
                "themes": list(themes.select_related("locale").order_by("name")),
                "towns": list(towns.distinct()),
            }

        return remember(site_tag(brand.site), f"story-filters:{self.pk}", compute)

    @path("share/", name="share")
    def share_route(self, request):
        """Residents' "Share your story": what they send becomes a draft (cms.stories.sharing)."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        if request.method != "POST":
            return self._share_form(request, ShareStoryForm())

        if rate_limited(request, "stories.share", SHARE_RATE_LIMIT, SHARE_RATE_WINDOW_SECONDS):
            return too_many_requests(request)
        site = Site.find_for_request(request)
        if site is None:
            raise Http404
        try:
            form = ShareStoryForm(request.POST, request.FILES)
        except RequestDataTooBig:
            return self._unreadable(request, gettext("Your story is too long to send."), 413)
        except (SuspiciousOperation, MultiPartParserError):
            return self._unreadable(request, gettext("We could not read what you sent."), 400)
        if not form.is_valid():
            return self._share_form(request, form)

        create_resident_story(form.cleaned_data, site=site, locale=self.locale)
        response = HttpResponseRedirect(
            self.get_url(request) + self.reverse_subpage("share_thanks")
        )
        response.status_code = 303  # See Other: the browser GETs the thanks page
        return response

    @path("share/thanks/", name="share_thanks")
    def share_thanks_route(self, request):
        return self.render(request, template="stories/share_thanks.html")

    def _share_form(self, request, form, status=200):
        response = self.render(
            request, template="stories/share_story.html", context_overrides={"form": form}
        )
        response.status_code = status
        # The page carries a CSRF token and a signed timestamp: no shared cache may keep it.
        add_never_cache_headers(response)
        return response

    def _unreadable(self, request, message: str, status: int):
        """A request Django could not parse: the form again, empty, with one clear message."""
        form = ShareStoryForm()
        form.cleaned_data = {}
        form.add_error(None, message)
        return self._share_form(request, form, status=status)

    @path("<slug:slug>/", name="story")
    def story_route(self, request, slug):
        visible = self.visible_stories(request).select_related("image", "site__root_page", "locale")
        # Its slug in this language, else the slug of any of its versions (a link from the
        # source language's page).
        story = visible.filter(slug=slug).first() or get_object_or_404(
            visible.filter(
                translation_key__in=Story.objects.filter(slug=slug).values("translation_key")
            )[:1]
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
                "story_lang": self.other_language(story),
            },
        )

    def other_language(self, story: Story) -> str:
        """The language code of a story shown here in another language than this page's."""
        return "" if story.locale_id == self.locale_id else story.locale.language_code


def canonical_story_url(story: Story, request=None) -> str:
    """The story's address on its home site (where search engines should send readers)."""
    index = StoryIndexPage.for_site(story.site, story.locale_id)
    if index is None:
        return ""
    return index.get_full_url(request) + index.reverse_subpage("story", args=[story.slug])
