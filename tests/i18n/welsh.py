"""Welsh sites for the routing tests: a chapter made by `create_chapter --languages en,cy`,
pages and stories translated through wagtail-localize's own machinery, and readers of HTML."""

import io
import re

from django.core.management import call_command
from django.utils import translation
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.operations import TranslationCreator

from chapters.models import Chapter

CARDIFF_HOST = "cardiff.localhost"


def welsh() -> Locale:
    return Locale.objects.get(language_code="cy")


def without_welsh(page: Page) -> Page:
    """`page` as it was before anyone translated it: its Welsh version (the demo's, made with
    wagtail-localize) and that translation's record deleted."""
    translated = page.get_translation_or_none(welsh())
    if translated is not None:
        translated.delete()
    Translation.objects.filter(
        source__object_id=page.translation_key, target_locale=welsh()
    ).delete()
    return page


def make_welsh_chapter(slug="cardiff", name="Cardiff Connects", host=CARDIFF_HOST) -> Chapter:
    call_command(
        "create_chapter",
        slug,
        name=name,
        hostname=host,
        city="Cardiff",
        languages="en,cy",
        stdout=io.StringIO(),
    )
    return Chapter.objects.select_related("site").get(slug=slug)


def translate_page(page: Page, title: str, slug: str | None = None) -> Page:
    """`page` translated into Welsh with wagtail-localize (a synced translation), given its Welsh
    title (and slug) as a translator would, and published."""
    source, _ = TranslationSource.get_or_create_from_instance(page.specific)
    record, _ = Translation.objects.get_or_create(source=source, target_locale=welsh())
    record.save_target(publish=True)
    translated = page.get_translation(welsh()).specific
    translated.title = title
    if slug:
        translated.slug = slug
    translated.save_revision().publish()
    return translated


def publish_welsh_home(site, title="Croeso") -> Page:
    """The draft Welsh home `create_chapter --languages en,cy` made, written and published."""
    home = site.root_page.get_translation(welsh()).specific
    home.title = title
    home.save_revision().publish()
    return home


def translate_story(story, title: str):
    """The story's Welsh version through wagtail-localize, with its Welsh title, published."""
    TranslationCreator(None, [welsh()]).create_translations(story)
    translated = story.get_translation(welsh())
    translated.title = title
    translated.save_revision().publish()
    return translated


def welsh_text(message: str) -> str:
    """What the cy catalogue makes of an interface string (the string itself until translated)."""
    with translation.override("cy"):
        return translation.gettext(message)


def html_lang(html: str) -> str:
    return re.search(r'<html lang="([^"]*)"', html).group(1)


def links(html: str) -> list[str]:
    """Every <a ...> start tag of the page's body."""
    body = html[html.index("<body") :] if "<body" in html else html
    return re.findall(r"<a\s[^>]*>", body)


def link_to(html: str, href: str) -> str:
    found = [tag for tag in links(html) if f'href="{href}"' in tag]
    assert found, f"no link to {href}"
    return found[0]


def cardiff(client, path):
    return client.get(path, HTTP_HOST=CARDIFF_HOST)


def story_cards(html: str) -> dict[str, str]:
    """Each story card's title -> its opening <article> tag."""
    cards = re.findall(
        r'(<article class="story-card"[^>]*>).*?story-card__title"><a[^>]*>([^<]*)</a>', html, re.S
    )
    return {title: tag for tag, title in cards}
