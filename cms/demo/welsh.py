"""The national site in Welsh, made through wagtail-localize's own machinery.

For each English object the Welsh site shows (the national pages, three stories, their themes,
the members) this does what an editor does in wagtail-localize's translation editor: a
TranslationSource from the English object, a Translation into Welsh, a StringTranslation for
every string segment (the Welsh in welsh_words_*.py), page links pointed at the Welsh pages
(SegmentOverride), then Translation.save_target (see _save_target on publishing). An editor
opening a Welsh page in the admin finds the translation editor with every string translated,
and "Sync from source" works as for any translation they started themselves.

Run again, it changes nothing that is current: a source is synced only when its English
changed, a string is written only when missing or still the demo's own (an editor's Welsh,
which carries their name, is kept), and a target is saved only when something changed.
"""

import json
import re
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from modelcluster.models import ClusterableModel, get_serializable_data_for_fields
from wagtail.models import DraftStateMixin, Locale, Page, Revision, Site
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from cms.coalition.models import Member
from cms.stories.models import Story, Theme
from sites.models import SiteSettings
from sites.site_text import set_menu_label, set_site_text

from .welsh_words_campaign import CAMPAIGN_CY_WORDS
from .welsh_words_library import LIBRARY_CY
from .welsh_words_pages import PAGES_CY
from .welsh_words_site import MENU_LABELS_CY, SITE_TEXT_CY

WELSH_CY = {**LIBRARY_CY, **PAGES_CY, **CAMPAIGN_CY_WORDS}

# The stories the Welsh site tells (Story is a translatable snippet): the national ones.
WELSH_STORIES = ["this-mum-runs", "zak-qpg-hub", "orla-and-jean"]

WIDGET_CODE = "data-connection-widget"
PARAGRAPH_BREAK = "<br/><br/>"  # how wagtail-localize shows a text block's blank line
TRAILING_URL = re.compile(r"^(?P<text>.*?)\s+(?P<url>https?://\S+)$", re.DOTALL)


def national_site_text_cy() -> dict:
    """The Welsh of the national site's settings' free text (tagline, footer, menu labels), for
    the per-language site settings (sites/): {"tagline", "footer_text", "menu_labels":
    {English label: Welsh label}}."""
    return {**SITE_TEXT_CY, "menu_labels": dict(MENU_LABELS_CY)}


@dataclass
class WelshWords:
    """Welsh for a source segment: the words of welsh_words_*.py, and the Welsh address of each
    English page an English text quotes (the toolkit's ready-to-post copy ends with a link)."""

    words: dict[str, str]
    addresses: dict[str, str] = field(default_factory=dict)

    def slug(self, english: str) -> str:
        """Slugs stay as they are (one address in both languages, under /cy/), but for those
        with Welsh of their own here (the Welsh home's, which no address shows)."""
        return self.words.get(english, english)

    def __call__(self, english: str) -> str | None:
        if english in self.words:
            return self.words[english]
        if WIDGET_CODE in english:  # the toolkit's widgets snippet: code, the same in Welsh
            return english
        if PARAGRAPH_BREAK in english:
            parts = [self(part) for part in english.split(PARAGRAPH_BREAK)]
            return None if None in parts else PARAGRAPH_BREAK.join(parts)
        if english in self.addresses:
            return self.addresses[english]
        quoted = TRAILING_URL.match(english)
        if quoted and quoted["url"] in self.addresses:
            text = self(quoted["text"])
            return None if text is None else f"{text} {self.addresses[quoted['url']]}"
        return None


# --- one object ----------------------------------------------------------------------------


def _fill_strings(source: TranslationSource, welsh: Locale, words: WelshWords) -> bool:
    """A StringTranslation for every string segment that has Welsh: new ones, and the demo's
    own (no translator's name on them) when the Welsh differs. True if any was written."""
    written = False
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        english = segment.string.data
        text = words.slug(english) if segment.context.path == "slug" else words(english)
        if text is None:
            continue  # left to an editor: the translation editor shows it untranslated
        existing = StringTranslation.objects.filter(
            translation_of=segment.string, locale=welsh, context=segment.context
        ).first()
        if existing is None:
            StringTranslation.objects.create(
                translation_of=segment.string,
                locale=welsh,
                context=segment.context,
                data=text,
                translation_type=StringTranslation.TRANSLATION_TYPE_MANUAL,
            )
            written = True
        elif existing.last_translated_by_id is None and (
            existing.data != text or existing.has_error
        ):
            existing.data, existing.has_error, existing.field_error = text, False, ""
            existing.save()
            written = True
    return written


def _is_page_link(path: str) -> bool:
    """A synchronised value that names a page: the home's button, a call to action's page."""
    return path == "hero_cta_page" or path.endswith(".page")


def _point_links_at_welsh(source: TranslationSource, welsh: Locale) -> bool:
    """Page links of the English (synchronised values in wagtail-localize) overridden with the
    page's Welsh translation where there is one, as a translator does in the editor."""
    written = False
    for segment in OverridableSegment.objects.filter(source=source).select_related("context"):
        if not _is_page_link(segment.context.path) or not isinstance(segment.data, int):
            continue
        page = Page.objects.filter(pk=segment.data).first()
        translated = page.get_translation_or_none(welsh) if page else None
        if translated is None:
            continue
        override = SegmentOverride.objects.filter(locale=welsh, context=segment.context).first()
        if override is None:
            SegmentOverride.objects.create(
                locale=welsh, context=segment.context, data_json=str(translated.pk)
            )
            written = True
        elif override.last_translated_by_id is None and override.data != translated.pk:
            override.data_json, override.has_error = str(translated.pk), False
            override.save()
            written = True
    return written


def _is_stale(source: TranslationSource, instance: Model) -> bool:
    """Whether the English changed since the source was last synced, as wagtail-localize's
    update_or_create_from_instance compares them, less the fields stamped anew on every
    serialisation (a story's auto_now updated_at), which would make it stale on every run."""
    stamped = {f.name for f in instance._meta.fields if getattr(f, "auto_now", False)}
    if isinstance(instance, ClusterableModel):
        now = json.loads(instance.to_json())
    else:
        now = json.loads(
            json.dumps(get_serializable_data_for_fields(instance), cls=DjangoJSONEncoder)
        )
    kept = json.loads(source.content_json)
    return {k: v for k, v in now.items() if k not in stamped} != {
        k: v for k, v in kept.items() if k not in stamped
    }


def translate(instance: Model, welsh: Locale, words: WelshWords) -> Translation:
    """The Welsh translation of `instance` through wagtail-localize, current with its English."""
    source, changed = TranslationSource.get_or_create_from_instance(instance)
    if not changed and _is_stale(source, instance):
        source.update_from_db()  # what "Sync from source" does
        changed = True
    translation, created = Translation.objects.get_or_create(source=source, target_locale=welsh)
    changed |= created
    if not translation.enabled:
        translation.enabled = True
        translation.save(update_fields=["enabled"])
        changed = True
    changed |= _fill_strings(source, welsh, words)
    changed |= _point_links_at_welsh(source, welsh)
    if not changed:
        changed = instance.get_translation_or_none(welsh) is None
    if changed:
        _save_target(translation, instance)
    return translation


def _save_target(translation: Translation, instance: Model) -> None:
    """Translation.save_target, publishing now. With publish=True wagtail-localize publishes a
    page (or story) on commit, from the object it held when it saved it: the whole demo being
    one transaction, a Welsh parent published that way would write back the number of children
    it had before its Welsh children were made (treebeard's numchild), hiding them. So save a
    draft, then publish its latest revision, read afresh, at once. Themes and members have no
    drafts: save_target publishes them as it saves them."""
    if not isinstance(instance, DraftStateMixin):
        translation.save_target(publish=True)
        return
    translation.save_target(publish=False)
    target = translation.get_target_instance()
    Revision.objects.get(pk=target.latest_revision_id).publish()


# --- the national site ---------------------------------------------------------------------


def _story_themes_in_welsh(stories: list[Story], welsh: Locale) -> None:
    """wagtail-localize copies a story's themes (a many-to-many) as they are, the English ones:
    give each Welsh story the Welsh themes (published as a revision of its own)."""
    for story in stories:
        target = story.get_translation_or_none(welsh)
        if target is None:
            continue
        themes = [theme.get_translation_or_none(welsh) or theme for theme in story.themes.all()]
        if {theme.pk for theme in target.themes.all()} != {theme.pk for theme in themes}:
            target.themes = themes
            target.save()
            target.save_revision().publish()


def _national_pages(site: Site) -> list[Page]:
    """The national site's English pages, parents first (a Welsh page needs its parent's)."""
    return list(
        Page.objects.descendant_of(site.root_page, inclusive=True)
        .filter(locale=site.root_page.locale)
        .order_by("path")
        .specific()
    )


def _addresses(pages: list[Page], welsh: Locale) -> dict[str, str]:
    addresses = {}
    for page in pages:
        translated = page.get_translation_or_none(welsh)
        if translated is not None and page.full_url:
            addresses[page.full_url] = translated.full_url
    return addresses


def offer_languages(national: Site, chapter: Site) -> None:
    """The national site offers English and Welsh; the chapter (Coventry) English only."""
    for site, codes in ((national, ["en", "cy"]), (chapter, ["en"])):
        site_settings = SiteSettings.for_site(site)
        wanted = set(Locale.objects.filter(language_code__in=codes).values_list("pk", flat=True))
        if set(site_settings.locales_offered.values_list("pk", flat=True)) != wanted:
            site_settings.locales_offered = list(Locale.objects.filter(pk__in=wanted))
            site_settings.save()


def write_national_site_text(site: Site) -> None:
    """The national site's settings text in Welsh (tagline, footer, name, the menu's own
    labels), written once: Welsh an editor has written since is left alone."""
    site_settings = SiteSettings.for_site(site)
    if not site_settings.texts.filter(locale__language_code="cy").exists():
        text = national_site_text_cy()
        set_site_text(
            site,
            "cy",
            display_name=text["display_name"],
            tagline=text["tagline"],
            footer_text=text["footer_text"],
        )
    for item in site_settings.navigation_items.exclude(label=""):
        welsh = national_site_text_cy()["menu_labels"].get(item.label)
        if welsh and not item.labels.filter(locale__language_code="cy").exists():
            set_menu_label(item, "cy", welsh)


def translate_national_site(site: Site) -> list[Translation]:
    """Every English page of the national site, its stories, their themes and the members, in
    Welsh through wagtail-localize. Returns the translations (English source -> Welsh)."""
    welsh = Locale.objects.get(language_code="cy")
    english = site.root_page.locale
    stories = list(Story.objects.filter(locale=english, slug__in=WELSH_STORIES))
    themes = Theme.objects.filter(locale=english, stories__in=stories).distinct()
    snippets = [*themes, *stories, *Member.objects.filter(locale=english)]
    words = WelshWords(WELSH_CY)
    translations = [translate(snippet, welsh, words) for snippet in snippets]
    _story_themes_in_welsh(stories, welsh)

    pages = _national_pages(site)
    for page in pages:
        words.addresses = _addresses(pages, welsh)
        translations.append(translate(page, welsh, words))
    # A page that links to a page made after it (the home's buttons): once more, now that
    # every Welsh page exists. A second run finds them current and saves nothing.
    words.addresses = _addresses(pages, welsh)
    for page in pages:
        translate(page, welsh, words)
    return translations
