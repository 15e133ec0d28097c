"""What "Find your local group" lists: every chapter whose site is live, read from the chapters
themselves (a new chapter appears without anyone editing the page), grouped by region then
city, each with its tagline, its site's address and its latest story.

The queries are one per kind of thing, never one per chapter: the chapters (with their sites
and homes), their settings, in another language their texts, the languages they offer and their
live translated homes, their story indexes, and their latest stories.
"""

import unicodedata
from dataclasses import dataclass, field

from django.db.models import OuterRef, Subquery
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page

from cms.stories.models import Story, StoryIndexPage
from sites.models import SiteSettings

from .chapter import Chapter


@dataclass
class LocalGroup:
    """One chapter as a resident sees it in the list."""

    chapter: Chapter
    name: str
    tagline: str
    url: str
    text_lang: str = ""  # "en" when the name and tagline fall back to English
    url_lang: str = ""  # "en" when the chapter's site is not in the page's language
    story: Story | None = None
    story_url: str = ""
    story_lang: str = ""  # stories are listed in the default language


@dataclass
class City:
    name: str
    groups: list[LocalGroup] = field(default_factory=list)


@dataclass
class Region:
    name: str
    cities: list[City] = field(default_factory=list)


def folded(text: str) -> str:
    """Lower case without accents or repeated spaces, for matching what a resident types:
    "ystradgynlais" finds "Ystradgynlais", "Pontardawe" finds "Pontardawé"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def matches(chapter: Chapter, query: str) -> bool:
    """Does the query name the chapter's city, region (in English or the page's language), one
    of its towns, or the chapter?"""
    wanted = folded(query)
    if not wanted:
        return True
    places = [chapter.city, chapter.name, *chapter.town_list]
    if chapter.region:
        places.append(chapter.get_region_display())
        with translation.override("en"):
            places.append(str(chapter.get_region_display()))
    return any(wanted in folded(place) for place in places if place)


def live_chapters():
    """Chapters whose home page is live, each with the id of its latest live, consented story
    of its own site in the default language (one query, the story by subquery)."""
    latest = (
        Story.objects.filter(site_id=OuterRef("site_id"), live=True, locale=Locale.get_default())
        .consented()
        .order_by("-first_published_at", "-pk")
        .values("pk")[:1]
    )
    return (
        Chapter.objects.filter(site__root_page__live=True)
        .select_related("site", "site__root_page")
        .annotate(latest_story_id=Subquery(latest))
        .order_by("city", "name")
    )


def _settings_by_site(chapters: list[Chapter], locale: Locale, default: Locale) -> dict:
    queryset = SiteSettings.objects.filter(site_id__in=[c.site_id for c in chapters])
    if locale.pk != default.pk:
        queryset = queryset.prefetch_related("locales_offered", "texts")
    return {settings.site_id: settings for settings in queryset}


def _translated_homes(chapters: list[Chapter], locale: Locale) -> set:
    """The translation keys of the chapters' homes that are live in `locale`."""
    keys = [chapter.site.root_page.translation_key for chapter in chapters]
    return set(
        Page.objects.live()
        .filter(translation_key__in=keys, locale=locale)
        .values_list("translation_key", flat=True)
    )


def _story_paths(chapters: list[Chapter], default: Locale) -> dict[int, str]:
    """Each chapter site's story index, as a path from its root ("/stories/"). A chapter's home
    is a child of the tree's root, so the first segment of a page's url_path names its home."""
    sites = {chapter.site.root_page.url_path: chapter.site_id for chapter in chapters}
    indexes = StoryIndexPage.objects.live().filter(locale=default).order_by("-depth")
    found = {}
    for url_path in indexes.values_list("url_path", flat=True):
        root = "/" + url_path.strip("/").split("/")[0] + "/"
        if root in sites:
            found[sites[root]] = url_path[len(root) - 1 :]  # the highest index wins
    return found


def _local_group(chapter, settings, locale, default, translated_homes) -> LocalGroup:
    name = (settings.display_name if settings else "") or chapter.name
    tagline = settings.tagline if settings else ""
    group = LocalGroup(chapter=chapter, name=name, tagline=tagline, url=chapter.site.root_url + "/")
    if locale.pk == default.pk or settings is None:
        return group
    text = next((t for t in settings.texts.all() if t.locale_id == locale.pk), None)
    if text is not None and (text.display_name or text.tagline):
        group.name = text.display_name or name
        group.tagline = text.tagline or tagline
    else:
        group.text_lang = default.language_code
    offered = any(offered.pk == locale.pk for offered in settings.locales_offered.all())
    if offered and chapter.site.root_page.translation_key in translated_homes:
        group.url = f"{chapter.site.root_url}/{locale.language_code}/"
    else:
        group.url_lang = default.language_code
    return group


def local_groups(locale: Locale, query: str = "") -> list[LocalGroup]:
    """The chapters a resident can find, for a page in `locale`, narrowed to `query`."""
    default = Locale.get_default()
    chapters = [chapter for chapter in live_chapters() if matches(chapter, query)]
    if not chapters:
        return []
    settings = _settings_by_site(chapters, locale, default)
    translated = _translated_homes(chapters, locale) if locale.pk != default.pk else set()
    story_paths = _story_paths(chapters, default)
    story_ids = [chapter.latest_story_id for chapter in chapters if chapter.latest_story_id]
    stories = Story.objects.in_bulk(story_ids)
    groups = []
    for chapter in chapters:
        group = _local_group(chapter, settings.get(chapter.site_id), locale, default, translated)
        story = stories.get(chapter.latest_story_id)
        if story is not None and chapter.site_id in story_paths:
            group.story = story
            group.story_url = f"{chapter.site.root_url}{story_paths[chapter.site_id]}{story.slug}/"
            group.story_lang = "" if locale.pk == default.pk else default.language_code
        groups.append(group)
    return groups


def by_region_and_city(groups: list[LocalGroup]) -> list[Region]:
    """Regions by their name in the page's language (chapters without one last), cities in
    alphabetical order within them."""
    regions: dict[str, Region] = {}
    for group in sorted(groups, key=_place_order):
        chapter = group.chapter
        name = chapter.get_region_display() if chapter.region else _("Other areas")
        region = regions.setdefault(chapter.region, Region(str(name)))
        city_name = chapter.city or group.name
        if not region.cities or region.cities[-1].name != city_name:
            region.cities.append(City(city_name))
        region.cities[-1].groups.append(group)
    return list(regions.values())


def _place_order(group: LocalGroup) -> tuple:
    chapter = group.chapter
    return (
        not chapter.region,
        folded(chapter.get_region_display()),
        folded(chapter.city or group.name),
        folded(group.name),
    )
