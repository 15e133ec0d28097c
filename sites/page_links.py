"""Links to pages from content, for a reader of another language: to the page's version in the
reader's language where it is live (not an alias), else to the page itself, marked with its
language (hreflang), so a Welsh page never sends a reader to English unannounced."""

from wagtail.models import Locale, Page


def in_reader_language(page: Page, locale: Locale) -> Page:
    """`page`'s live version in that locale (no alias), else `page`."""
    if page.locale_id == locale.pk:
        return page
    version = (
        page.get_translations()
        .filter(locale=locale, alias_of__isnull=True)
        .live()
        .specific()
        .first()
    )
    return version or page


def other_language(page: Page, locale: Locale) -> str:
    """The page's language code where it is not the reader's (`locale`), else ""."""
    return "" if page.locale_id == locale.pk else page.locale.language_code
