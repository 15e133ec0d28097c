"""What a site needs to offer a language: the home page's translation in it, made the way
wagtail-localize makes translations.

wagtail-localize translates a page under its parent's translation; when that parent is missing
it copies the parents as *aliases* (live pages showing the English words), so the first page an
editor translated into Welsh would put the English home live at /cy/ labelled Welsh. A site that
offers a language therefore gets its home's translation first: a synced translation (editors
open it in wagtail-localize's translation editor and publish it when it is in Welsh), saved as
a draft, so nothing English is ever live under /cy/ in its name.
"""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail_localize.models import Translation, TranslationSource


def is_real_translation(page: Page) -> bool:
    """A page written in its own language: not an alias of a page in another one (wagtail-localize
    and Wagtail make those to hold a tree together; they show the source's words)."""
    return page.alias_of_id is None


@transaction.atomic
def ensure_home_translation(site: Site, locale: Locale) -> Page | None:
    """The site's home page in `locale`: the one there is (draft, live or alias), else a new
    synced draft translation of the home (wagtail-localize's Translation). None for the home's
    own locale."""
    home = site.root_page.specific
    if locale.pk == home.locale_id:
        return None
    existing = home.get_translation_or_none(locale)
    if existing is not None:
        return existing
    source, _created = TranslationSource.get_or_create_from_instance(home)
    translation, _created = Translation.objects.get_or_create(source=source, target_locale=locale)
    try:
        translation.save_target(publish=False)
    except ValidationError:
        # The source's words cannot make a valid page yet: an editor translates it by hand.
        return None
    return home.get_translation_or_none(locale)


def ensure_home_translations(site: Site, locales: Iterable[Locale]) -> None:
    """Every language the site offers has the site's home to translate pages under."""
    for locale in locales:
        ensure_home_translation(site, locale)


def locales_for_codes(codes: Iterable[str]) -> list[Locale]:
    """The Locale rows of these language codes, in that order; ValueError naming any unknown."""
    codes = [code.strip().lower() for code in codes if code.strip()]
    found = {
        locale.language_code: locale for locale in Locale.objects.filter(language_code__in=codes)
    }
    unknown = [code for code in codes if code not in found]
    if unknown:
        known = ", ".join(
            Locale.objects.order_by("language_code").values_list("language_code", flat=True)
        )
        raise ValueError(f"Unknown language code(s): {', '.join(unknown)} (known: {known}).")
    return [found[code] for code in dict.fromkeys(codes)]
