"""Coventry's chapter, "Connecting for Good": provisioned like any chapter, then its home page
and brand from the seeds."""

from chapters.models import Chapter
from chapters.provisioning import provision_chapter, share_story_link
from sites.models import SiteSettings, SocialLink

from . import content
from .email_logos import connecting_for_good_png, ensure_email_logo
from .logos import connecting_for_good_logo
from .media import get_or_create_image
from .pages import cta, heading, paragraph, publish


def build_coventry(port: int = 80, hostname: str = "coventry.localhost") -> Chapter:
    chapter = provision_chapter(
        "coventry",
        name="Connecting for Good Coventry",
        hostname=hostname,
        city="Coventry",
        port=port,
        home_title="Connecting for Good",
    ).chapter
    home = chapter.site.root_page.specific
    if not home.body:
        _write_home(home)
    _style(chapter)
    _accessible_accent(chapter)
    return chapter


def _write_home(home) -> None:
    """The seeds' home page; each button leads straight to what it offers (the forms under
    Get involved, the newsletter signup, the story form)."""
    sections = {page.slug: page for page in home.get_children()}
    get_involved = sections.get("get-involved")
    forms = {page.slug: page for page in get_involved.get_children()} if get_involved else {}
    stories = sections.get("stories")
    home.hero_heading = "CommUNITY is not just for pandemics"
    home.hero_text = "Connecting for good in Coventry"
    home.hero_cta_label = "Let's end isolation together"
    home.hero_cta_page = get_involved
    body = []
    for text, texts in content.COVENTRY_SECTIONS:
        body += [heading(text), paragraph(texts)]
    body.append(
        {
            "type": "quote",
            "value": {
                "quote": content.ROSE_QUOTE,
                "attribution": "Rose",
                "role": "Coventry resident",
            },
        }
    )
    closing, texts = content.COVENTRY_CLOSING
    body += [
        heading(closing),
        paragraph(texts),
        heading("Let's end isolation together"),
        paragraph(["We're inviting you to join us - connect today!"]),
        cta("Volunteer your time, passions and skills", page=forms.get("volunteer")),
        cta("Have a chat with one of our team", page=forms.get("have-a-chat"), style="secondary"),
        cta("Receive our latest news", page=sections.get("newsletter")),
    ]
    if stories is not None:
        body.append(share_story_link(stories))
    home.body = body
    publish(home)


# Coventry's orange, deep enough for white button text to pass WCAG AA (5.10:1). The first demo
# used #d84315 (4.44:1): a database built then is moved on by _accessible_accent.
ACCENT = "#c63f0f"
OLD_ACCENT = "#d84315"


def _accessible_accent(chapter: Chapter) -> None:
    """`make demo` on an existing database: _style runs once, so the old failing orange is
    replaced here; an accent an editor chose is left alone."""
    site_settings = SiteSettings.for_site(chapter.site)
    if site_settings.accent_colour.lower() == OLD_ACCENT:
        site_settings.accent_colour = ACCENT
        site_settings.save()  # a new updated_at versions theme.css


def _style(chapter: Chapter) -> None:
    """Coventry's logo, colours, contact and footer, once: editors' changes are left alone."""
    ensure_email_logo(
        chapter.site,
        "Connecting for Good logo for emails",
        connecting_for_good_png(),
        "connecting-for-good-logo.png",
        chapter.collection,
        "Connecting for Good Coventry",
    )
    site_settings = SiteSettings.for_site(chapter.site)
    if site_settings.logo_id is not None:
        return
    site_settings.logo = get_or_create_image(
        "Connecting for Good logo",
        connecting_for_good_logo(),
        "connecting-for-good-logo.svg",
        chapter.collection,
        alt_text="Connecting for Good Coventry",
    )
    site_settings.tagline = "Connecting for good in Coventry"
    site_settings.primary_colour = "#00695c"
    site_settings.accent_colour = ACCENT
    site_settings.contact_email = "coventry@connectioncoalition.example"
    site_settings.footer_text = (
        "Connecting for Good is Coventry's chapter of the Connection Coalition."
    )
    site_settings.save()
    SocialLink.objects.create(
        settings=site_settings,
        platform="facebook",
        url="https://www.facebook.com/ConnectingForGoodCov",
        sort_order=0,
    )
