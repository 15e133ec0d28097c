"""What the widgets show, as JSON-able data: a site's list (for the signup), the stories the
site shows (same rules as its /stories/ pages), and where "Join the movement" leads.

Every function takes the request's own site: a widget served by one site's host never shows
another site's list or local stories, whatever it asks for.
"""

from contextlib import contextmanager

from django.db.models import Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.coalition.models import JoinCoalitionPage
from cms.core.antispam import sign_timestamp
from cms.stories.models import Story, StoryIndexPage, Theme
from cms.stories.models.pages import CARD_RENDITION, stories_in_language
from newsletter.forms import SubscribeForm, language_choices
from newsletter.models import NewsletterList, offered_language, site_languages
from sites.branding import Brand

from . import conf

# The pages a "Join the movement" button may lead to, first found wins: a chapter's (or any
# site's) "Get involved" section, then the coalition's "Join" page, else the site's home.
JOIN_SECTION_SLUG = "get-involved"


@contextmanager
def widget_language(request, site: Site, asked):
    """Answer in the language the widget asks for (data-lang, or the host page's <html lang>)
    if the site offers it, else in the site's default: never in the browser's Accept-Language,
    which LocaleMiddleware would pick (these URLs have no /cy/ prefix)."""
    code = offered_language(asked if isinstance(asked, str) else "", site_languages(site))
    with translation.override(code):
        request.LANGUAGE_CODE = code
        yield code


def absolute(request, url: str) -> str:
    return url if url.startswith(("http://", "https://")) else request.build_absolute_uri(url)


def antispam_token() -> str:
    """The signed timestamp the signup form sends back (the site's own form's salt)."""
    return sign_timestamp(SubscribeForm.get_antispam_salt())


def list_data(newsletter_list: NewsletterList) -> dict:
    languages = language_choices(newsletter_list.languages)
    return {
        "slug": newsletter_list.slug,
        "name": newsletter_list.name,
        "consent": newsletter_list.reader_wording(),
        "consent_version": newsletter_list.consent_version,
        "languages": [[code, name] for code, name in languages],
    }


def join_url(request, site: Site) -> str:
    """The join page of the site, in the widget's language where it is translated and live."""
    root = site.root_page
    section = Page.objects.child_of(root).live().filter(slug=JOIN_SECTION_SLUG).first()
    page = section or JoinCoalitionPage.objects.descendant_of(root).live().first() or root
    translated = page.get_translation_or_none(Locale.get_active())
    if translated is not None and translated.live:
        page = translated
    return absolute(request, page.get_url(request) or "/")


def texts() -> dict:
    """The widget's words, in the active language (the script holds none of its own)."""
    return {
        "email": _("Your email address"),
        "name": _("Your name (optional)"),
        "language": _("Language of the emails"),
        "subscribe": _("Subscribe"),
        "sending": _("Sending…"),
        "problem": _("There is a problem"),
        "failed": _("Sorry, we could not reach the newsletter. Please try again in a moment."),
        "join": _("Join the movement"),
        "stories": _("Stories"),
        "more": _("More stories"),
    }


def config_data(request, site: Site, newsletter_list: NewsletterList | None) -> dict:
    brand = Brand.for_request(request)
    root = brand.root_page
    return {
        "site": {
            "name": brand.name,
            "url": absolute(request, root.get_url(request) if root else "/"),
        },
        "lang": translation.get_language(),
        "token": antispam_token(),
        "list": list_data(newsletter_list) if newsletter_list else None,
        "join": {
            "url": join_url(request, site),
            "text": _("Be part of %(name)s: together, community makes us.") % {"name": brand.name},
        },
        "text": texts(),
    }


# --- stories --------------------------------------------------------------------------------

SCOPES = ("site", "local", "network")


def visible_stories(site: Site, locale: Locale, scope: str, theme: str):
    """What the site's /stories/ shows in that language, narrowed to the network's stories or
    the site's own (scope), and to a theme (its slug, in any language)."""
    stories = stories_in_language(site, locale.pk, Locale.get_default())
    if scope == "network":
        stories = stories.filter(reach=Story.Reach.NETWORK)
    elif scope == "local":
        stories = stories.filter(site=site)
    if theme:
        keys = Theme.objects.filter(slug=theme).values("translation_key")
        stories = stories.filter(themes__translation_key__in=keys).distinct()
    return stories


def story_cards(request, site: Site, locale: Locale, stories) -> dict:
    """{"stories": cards, "more": the site's /stories/ page} (links on the site itself)."""
    Image = get_image_model()
    index = StoryIndexPage.for_site(site, locale.pk) or StoryIndexPage.for_site(
        site, Locale.get_default().pk
    )
    base = index.get_full_url(request) if index else ""
    stories = stories.select_related("locale").prefetch_related(_prefetch_image(Image), "themes")
    cards = []
    for story in stories:
        cards.append(
            {
                "title": story.title,
                "url": base + index.reverse_subpage("story", args=[story.slug]) if index else "",
                "quote": story.quote,
                "name": story.person_name,
                "town": story.town,
                "lang": story.locale.language_code,
                "image": _image(request, story),
            }
        )
    return {"stories": cards, "more": base}


def _prefetch_image(Image):
    return Prefetch("image", queryset=Image.objects.prefetch_renditions(CARD_RENDITION))


def _image(request, story: Story) -> dict | None:
    if story.image is None:
        return None
    try:
        rendition = story.image.get_rendition(CARD_RENDITION)
    except Exception:  # a missing file: the card without its photo
        return None
    return {
        "url": absolute(request, rendition.url),
        "width": rendition.width,
        "height": rendition.height,
        "alt": story.image_alt,
    }


def stories_limit(asked) -> int:
    try:
        limit = int(asked)
    except (TypeError, ValueError):
        return conf.stories_default()
    return min(max(limit, 1), conf.stories_max())
