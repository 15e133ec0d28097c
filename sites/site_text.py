"""Writing a site's text in another language from code (the demo, data imports): what editors
do in site settings → Languages (SiteText) and on each menu item (NavigationItemLabel).

    set_site_text(site, "cy", tagline="...", footer_text="...", display_name="...")
    set_menu_label(navigation_item, "cy", "Amdanom")
"""

from wagtail.models import Locale, Site

from .languages import locales_for_codes
from .models import NavigationItem, NavigationItemLabel, SiteSettings, SiteText

SITE_TEXT_FIELDS = ("display_name", "tagline", "footer_text")


def _offered_locale(site_settings: SiteSettings, code: str) -> Locale:
    (locale,) = locales_for_codes([code])
    if not site_settings.locales_offered.filter(pk=locale.pk).exists():
        raise ValueError(f"{site_settings} does not offer {code!r}: tick it in its settings first.")
    return locale


def set_site_text(site: Site, code: str, **text: str) -> SiteText:
    """The site's text in language `code` (display_name, tagline, footer_text), written over
    what is there for the fields given. ValueError for a language the site does not offer."""
    unknown = set(text) - set(SITE_TEXT_FIELDS)
    if unknown:
        raise ValueError(f"Not site text: {', '.join(sorted(unknown))}.")
    site_settings = SiteSettings.for_site(site)
    locale = _offered_locale(site_settings, code)
    site_text = SiteText.objects.filter(settings=site_settings, locale=locale).first()
    site_text = site_text or SiteText(settings=site_settings, locale=locale)
    for field, value in text.items():
        setattr(site_text, field, value)
    site_text.save()
    return site_text


def set_menu_label(item: NavigationItem, code: str, label: str) -> NavigationItemLabel:
    """A menu item's label in language `code` (for items with a label of their own: a link,
    or a page whose menu label differs from its title)."""
    locale = _offered_locale(item.settings, code)
    translated, _created = NavigationItemLabel.objects.update_or_create(
        item=item, locale=locale, defaults={"label": label}
    )
    return translated
