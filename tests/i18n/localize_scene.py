"""What the wagtail-localize tests of tests/i18n/ share: a site that offers Welsh, pages and
stories translated as wagtail-localize's "Translate" button translates them, and each site's
objects that the localize views take by id."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.test import TestCase
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import StringSegment, Translation, TranslationSource
from wagtail_localize.operations import TranslationCreator

from cms.stories.models import Story
from sites.models import SiteSettings
from tests.factories import StoryFactory
from tests.helpers import admin_home
from tests.i18n.welsh import welsh


def offer_welsh(site: Site) -> None:
    """The site offers English and Welsh (what `create_chapter --languages en,cy` sets)."""
    site_settings = SiteSettings.for_site(site)
    site_settings.locales_offered.add(*Locale.objects.filter(language_code__in=["en", "cy"]))
    site_settings.save()  # a ParentalManyToManyField is written when its owner is saved


def translation_of(instance) -> Translation:
    return Translation.objects.get(
        source__object_id=instance.translation_key,
        source__specific_content_type=ContentType.objects.get_for_model(type(instance)),
        target_locale=welsh(),
    )


def published_on_commit():
    """wagtail-localize publishes once the transaction commits, which a test's never does: run
    what it left for the commit (as a request's commit would)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def translate(instance, user) -> Translation:
    """A synced Welsh translation of the page (its site's home first, if it has none) or
    snippet, as wagtail-localize's "Translate" button makes it, published as the source is."""
    if isinstance(instance, Page):
        instance = instance.specific
        for ancestor in instance.get_ancestors().filter(depth__gte=2).specific():
            if not ancestor.has_translation(welsh()):
                _translate_one(ancestor, user)
            _publish_draft_translation(ancestor)
    _translate_one(instance, user)
    return translation_of(instance)


def _publish_draft_translation(page: Page) -> None:
    """The Welsh home a site gets as a draft when it starts offering Welsh (sites.languages),
    published as its editor would once it is written: pages under it are served from then."""
    translated = page.get_translation(welsh())
    if page.live and not translated.live:
        translated.save_revision().publish()


def _translate_one(instance, user) -> None:
    """One "Translate" click: its own transaction, published when it commits."""
    with published_on_commit():
        TranslationCreator(user, [welsh()]).create_translations(instance)


@dataclass
class SiteObjects:
    """One site's objects, as the localize views take them."""

    page: Page  # English, translated into Welsh
    untranslated: Page  # English, no Welsh yet
    welsh_page: Page
    translation: Translation
    source: TranslationSource
    segment: StringSegment
    story: Story


def site_objects(site: Site, user) -> SiteObjects:
    home = site.root_page.specific
    page = home.get_children().get(slug="about").specific
    untranslated = home.get_children().exclude(pk=page.pk).first().specific
    translation = translate(page, user)
    return SiteObjects(
        page=page,
        untranslated=untranslated,
        welsh_page=translation.get_target_instance(),
        translation=translation,
        source=translation.source,
        segment=StringSegment.objects.filter(source=translation.source).first(),
        story=StoryFactory(site=site, title=f"{site.site_name} story to translate"),
    )


def refused(response) -> bool:
    """Wagtail's refusal: 302 to the dashboard (which says so), or 403 for a script's request."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response["Location"] == admin_home()
