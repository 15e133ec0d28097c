"""The demo's national site in Welsh, made through wagtail-localize: what an editor finds in the
admin (a translation per page, story, theme and member, every string translated, in step with
its English), what a Welsh reader finds on /cy/, Coventry in English only, and load_demo run
again changing nothing."""

import json

import pytest
from django.urls import reverse
from wagtail.models import Locale, Page, Revision
from wagtail_localize.models import (
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationLog,
    TranslationSource,
)
from wagtail_localize.operations import TranslationCreator

from cms.coalition.models import Member
from cms.demo.builders import build_demo
from cms.demo.welsh import WELSH_STORIES, national_site_text_cy
from cms.stories.models import Story, Theme
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.demo_db import DEMO_PASSWORD, DEMO_PORT

pytestmark = pytest.mark.django_db


def welsh() -> Locale:
    return Locale.objects.get(language_code="cy")


def translation_of(instance) -> Translation:
    """The wagtail-localize Translation into Welsh whose source is `instance` (fails if none)."""
    return Translation.objects.select_related("source").get(
        source__object_id=instance.translation_key,
        source__locale_id=instance.locale_id,
        target_locale=welsh(),
    )


def untranslated(translation: Translation) -> list[str]:
    """The English strings of the translation that have no Welsh (or Welsh with an error)."""
    missing = []
    segments = StringSegment.objects.filter(source=translation.source).select_related("string")
    for segment in segments:
        done = StringTranslation.objects.filter(
            translation_of=segment.string,
            context=segment.context_id,
            locale=translation.target_locale,
            has_error=False,
        ).exists()
        if not done:
            missing.append(segment.string.data)
    return missing


def national_english_pages(network) -> list[Page]:
    return list(
        Page.objects.descendant_of(network.national_home, inclusive=True)
        .filter(locale=network.national_home.locale)
        .live()
        .specific()
    )


def assert_translated_and_in_step(instance, last_edit=None) -> None:
    """Translated in full, and synced since the English was last edited (an object without
    revisions: its source holds what the English says now)."""
    translation = translation_of(instance)
    assert translation.enabled, instance
    assert untranslated(translation) == [], instance
    if last_edit is not None:
        assert translation.source.last_updated_at >= last_edit, f"{instance}: out of date"
    else:
        kept = json.loads(translation.source.content_json)
        for field in ("name", "slug", "description"):
            if hasattr(instance, field):
                assert kept[field] == getattr(instance, field), f"{instance}: out of date"
    target = translation.get_target_instance()
    assert getattr(target, "live", True), f"{instance}: its Welsh is not published"
    assert TranslationLog.objects.filter(source=translation.source, locale=welsh()).exists()


# --- what an editor finds -------------------------------------------------------------------


def test_every_national_page_has_a_live_welsh_translation_made_by_wagtail_localize(network):
    pages = national_english_pages(network)
    assert {page.slug for page in pages} >= {
        "about",
        "community-makes-us",
        "toolkit",
        "members",
        "join",
        "news",
        "stories",
        "newsletter",
    }
    for page in pages:
        assert_translated_and_in_step(page, page.latest_revision_created_at)
        assert page.get_translation(welsh()).live


def test_the_stories_their_themes_and_the_members_are_translated_too(network):
    english = Locale.get_default()
    stories = list(Story.objects.filter(locale=english, slug__in=WELSH_STORIES))
    assert len(stories) == len(WELSH_STORIES)
    for story in stories:
        assert_translated_and_in_step(story, story.latest_revision.created_at)
        welsh_story = story.get_translation(welsh())
        # The Welsh story is filed under the Welsh themes, not the English ones.
        assert {theme.locale_id for theme in welsh_story.themes.all()} == {welsh().pk}
        assert welsh_story.themes.count() == story.themes.count()
    themes = Theme.objects.filter(locale=english, stories__in=stories).distinct()
    members = Member.objects.filter(locale=english)
    assert members.count() >= 8
    for snippet in [*themes, *members]:
        assert_translated_and_in_step(snippet)


def test_the_welsh_page_opens_in_wagtail_localizes_translation_editor(client, superuser, network):
    about = network.national_page("about").get_translation(welsh())
    client.force_login(superuser)
    response = client.get(reverse("wagtailadmin_pages:edit", args=[about.pk]))
    assert response.status_code == 200
    templates = [template.name for template in response.templates]
    assert "wagtail_localize/admin/edit_translation.html" in templates


def test_sync_from_source_brings_an_english_change_into_the_translation(client, superuser, network):
    news = network.national_page("news")
    news.intro = "News from every corner of the Connection Coalition."
    news.save_revision().publish()
    translation = translation_of(news)
    assert translation.source.last_updated_at < news.latest_revision_created_at  # out of date

    client.force_login(superuser)
    response = client.post(
        reverse("wagtail_localize:update_translations", args=[translation.source.pk]),
        {"publish_translations": "on"},
    )
    assert response.status_code == 302

    translation.refresh_from_db()
    translation.source.refresh_from_db()
    assert translation.source.last_updated_at >= news.latest_revision_created_at
    assert untranslated(translation) == ["News from every corner of the Connection Coalition."]
    # What was translated stays translated: the Welsh title is kept.
    assert news.get_translation(welsh()).title == "Newyddion"


def test_a_story_translated_later_is_filed_under_its_languages_themes(superuser, network):
    """wagtail-localize copies a story's themes (a many-to-many) as they are: a story an editor
    translates gets its language's themes where they exist (Story.save), the English ones
    only where a theme has no Welsh yet."""
    english = Locale.get_default()
    welsh_themes = Theme.objects.filter(locale=welsh())
    story = (
        Story.objects.filter(
            locale=english, themes__translation_key__in=welsh_themes.values("translation_key")
        )
        .exclude(slug__in=WELSH_STORIES)
        .distinct()
        .first()
    )
    assert story is not None, "a demo story with a theme the demo put into Welsh"
    TranslationCreator(superuser, [welsh()]).create_translations(story)
    welsh_story = story.get_translation(welsh())
    assert welsh_story.themes.count() == story.themes.count()
    for theme in welsh_story.themes.all():
        english_theme = theme.get_translation(english)
        assert theme.locale_id == welsh().pk or not english_theme.has_translation(welsh())


# --- what a Welsh reader finds --------------------------------------------------------------


@pytest.mark.parametrize(
    "path, welsh_words",
    [
        ("/cy/", "Gweithio gyda’n gilydd i adeiladu perthnasoedd cryf"),
        ("/cy/about/", "Cwestiynau ac atebion"),
        ("/cy/about/", "Pam nawr?"),
        ("/cy/community-makes-us/", "Maniffesto Cymuned sy’n ein gwneud ni"),
        ("/cy/community-makes-us/toolkit/", "Negeseuon parod i’r cyfryngau cymdeithasol"),
        ("/cy/members/", "Y Groes Goch Brydeinig"),
        ("/cy/stories/", "Orla a Jean: codi llaw’n gyfeillgar drwy’r ffenest"),
        ("/cy/stories/zak-qpg-hub/", "Mae Zak yn gwirfoddoli gyda QPG Hub yn Llundain."),
        ("/cy/news/", "Newyddion o bob rhan o’r Glymblaid Cysylltiad."),
    ],
)
def test_welsh_pages_read_in_welsh(client, network, path, welsh_words):
    response = client.get(path, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy"' in html
    assert welsh_words in html.replace("&#x27;", "'").replace("&rsquo;", "’")


def test_welsh_buttons_and_copy_lead_to_welsh_pages(client, network):
    home = network.national_home.get_translation(welsh()).specific
    join = network.national_page("join").get_translation(welsh())
    campaign = network.national_page("community-makes-us").get_translation(welsh())
    assert home.hero_cta_page_id == join.pk
    buttons = [block.value["page"] for block in home.body if block.block_type == "call_to_action"]
    assert [page.pk for page in buttons] == [campaign.pk, join.pk]
    toolkit = network.national_page("community-makes-us").get_children().get(slug="toolkit")
    posts = [
        block.value["text"]
        for block in toolkit.get_translation(welsh()).specific.body
        if block.block_type == "copy_text"
    ]
    # Every post but the email's subject and message and the widgets' snippet (the last three).
    assert posts and all(campaign.full_url in text for text in posts[:-3])


def test_the_site_settings_text_in_welsh():
    text = national_site_text_cy()
    assert text["tagline"].startswith("Gweithio gyda’n gilydd")
    assert "Sefydliad Jo Cox" in text["footer_text"]
    assert text["menu_labels"]["About"] == "Amdanom ni"


# --- Coventry -------------------------------------------------------------------------------


def test_coventry_offers_english_only_and_has_no_welsh(client, network):
    offered = SiteSettings.for_site(network.coventry_site).locales_offered.all()
    assert [locale.language_code for locale in offered] == ["en"]
    national = SiteSettings.for_site(network.national_site).locales_offered.all()
    assert {locale.language_code for locale in national} == {"en", "cy"}
    coventry_keys = Page.objects.descendant_of(network.coventry_home, inclusive=True).values(
        "translation_key"
    )
    assert not Page.objects.filter(translation_key__in=coventry_keys, locale=welsh()).exists()
    assert not Story.objects.filter(locale=welsh(), site=network.coventry_site).exists()
    assert client.get("/cy/", HTTP_HOST=COVENTRY_HOST).status_code == 404


# --- load_demo again ------------------------------------------------------------------------


def snapshot() -> dict:
    return {
        "pages": sorted(Page.objects.values_list("pk", "latest_revision_id", "live", "slug")),
        "revisions": Revision.objects.count(),
        "sources": sorted(TranslationSource.objects.values_list("pk", "last_updated_at")),
        "translations": Translation.objects.count(),
        "logs": TranslationLog.objects.count(),
        "strings": sorted(StringTranslation.objects.values_list("pk", "data")),
        "overrides": sorted(SegmentOverride.objects.values_list("pk", "data_json")),
        "stories": Story.objects.count(),
        "members": Member.objects.count(),
        "themes": Theme.objects.count(),
    }


def test_loading_the_demo_again_changes_nothing(network):
    before = snapshot()
    build_demo(port=DEMO_PORT, password=DEMO_PASSWORD)
    assert snapshot() == before


def test_loading_the_demo_again_keeps_a_translators_welsh(network, superuser):
    translation = translation_of(network.national_page("about"))
    string = StringTranslation.objects.filter(
        translation_of__data="Questions and answers", locale=welsh()
    ).get()
    string.data, string.last_translated_by = "Holi ac ateb", superuser
    string.save()
    build_demo(port=DEMO_PORT, password=DEMO_PASSWORD)
    string.refresh_from_db()
    assert string.data == "Holi ac ateb"
    assert untranslated(translation) == []


def test_a_demo_built_before_the_faq_was_translatable_gets_a_welsh_faq(client, network):
    """Demo databases made before this change hold the About page's FAQ items in ListBlock's
    old plain-list format, which wagtail-localize does not extract: load_demo stores them again
    and the Welsh About page then answers its questions in Welsh."""
    about = network.national_page("about")
    raw = about.body.raw_data
    faq = next(block for block in raw if block["type"] == "faq")
    faq["value"]["items"] = [item["value"] for item in faq["value"]["items"]]  # the old format
    about.body = raw
    about.save_revision().publish()
    build_demo(port=DEMO_PORT, password=DEMO_PASSWORD)
    assert untranslated(translation_of(about)) == []
    html = client.get("/cy/about/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert "Pam nawr?" in html and "Why now?" not in html
