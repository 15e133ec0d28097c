"""Build the demo network: the national site, Coventry's chapter, their pages and accounts.

load_demo and the test suite both build from here. Every step looks for what is already there
first, so a second run changes nothing and never overwrites an editor's work.
"""

import datetime
import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from chapters.models import Chapter
from chapters.provisioning import (
    MODERATOR_PAGE_PERMISSIONS,
    assign_approval_workflow,
    child_collection,
    grant_site_editing,
    provision_chapter,
    story_review_task,
)
from cms.core.models import (
    CampaignPage,
    NationalHomePage,
    NewsArticlePage,
    NewsIndexPage,
    StandardPage,
)
from cms.core.provisioning import child_page
from newsletter.demo import build_newsletters
from sites.models import NavigationItem, SiteSettings, SocialLink

from . import content
from .coalition import (
    build_coalition_pages,
    build_form_submissions,
    build_members,
    build_pending_request,
)
from .media import draw_logo, draw_photo, get_or_create_document, get_or_create_image, minimal_pdf
from .stories import build_stories, ensure_story_index

NATIONAL_EDITORS = "National editors"
DEFAULT_PASSWORD = "demo"  # noqa: S105 - demo accounts only; refused under production settings


@dataclass
class DemoNetwork:
    national_site: Site
    national_home: NationalHomePage
    coventry: Chapter


def paragraphs(texts: list[str]) -> str:
    """Rich text from plain paragraphs (already-HTML items such as lists pass through)."""
    return "".join(text if text.startswith("<") else f"<p>{escape(text)}</p>" for text in texts)


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _image_block(image, caption="", credit="", alt=""):
    return {
        "type": "image",
        "value": {
            "image": {"image": image.pk, "alt_text": alt or image.title, "decorative": False},
            "caption": caption,
            "credit": credit,
        },
    }


def _cta(label: str, page: Page | None = None, url: str = "", style: str = "primary"):
    return {
        "type": "call_to_action",
        "value": {"label": label, "page": page.pk if page else None, "url": url, "style": style},
    }


def _heading(text: str, level: str = "h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def _paragraph(texts: list[str]):
    return {"type": "paragraph", "value": paragraphs(texts)}


# --- the national site -------------------------------------------------------------------


def ensure_national_site(port: int = 80) -> tuple[Site, NationalHomePage]:
    """Make the default Site the coalition's, replacing Wagtail's stock welcome page."""
    root = Page.get_first_root_node()
    home = NationalHomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        home = NationalHomePage(
            title="Connection Coalition",
            slug="connection-coalition",
            hero_heading=content.NATIONAL_TAGLINE,
            hero_text=content.NATIONAL_INTRO,
            locale=Locale.get_default(),
        )
        root.add_child(instance=home)
        _publish(home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=port, root_page=home, is_default_site=True
        )
    if site.root_page_id != home.pk:
        stock = site.root_page
        site.root_page = home
        site.save()
        # Wagtail's "Welcome to your new Wagtail site!" page: remove it if nobody built on it.
        if stock.specific_class is Page and not stock.get_children().exists():
            stock.delete()
    if site.site_name != "Connection Coalition" or site.port != port:
        site.site_name = "Connection Coalition"
        site.hostname = "localhost"
        site.port = port
        site.save()
    return site, home


def build_national_pages(home: NationalHomePage, collection: Collection) -> dict[str, Page]:
    photo = get_or_create_image(
        "Orla and Jean",
        draw_photo(("#f4a261", "#2a9d8f"), "Orla and Jean, North London Cares"),
        "orla-and-jean.jpg",
        collection,
        alt_text="Orla waving to her friend Jean through a window",
    )
    toolkit_pdf = get_or_create_document(
        "Community Makes Us Toolkit",
        minimal_pdf(
            "Community Makes Us Toolkit",
            [
                "Share the campaign across your websites, social media and newsletters.",
                "Suggested post: Let's remember that we are the ones that make our community.",
                "And our community makes us. #CommunityMakesUs",
            ],
        ),
        "community-makes-us-toolkit.pdf",
        collection,
    )

    about = child_page(
        home,
        "about",
        lambda: StandardPage(
            title="About the Connection Coalition",
            intro=content.NATIONAL_INTRO,
            body=[
                _paragraph(
                    [
                        "The Connection Coalition is an initiative of The Jo Cox Foundation. "
                        + content.NATIONAL_INTRO
                    ]
                ),
                {
                    "type": "faq",
                    "value": {
                        "heading": "Questions and answers",
                        "items": [
                            {"question": question, "answer": paragraphs(answer)}
                            for question, answer in content.FAQ
                        ],
                    },
                },
            ],
        ),
    )
    campaign = child_page(
        home,
        "community-makes-us",
        lambda: CampaignPage(
            title="Community Makes Us",
            intro=content.CAMPAIGN_INTRO,
            hero_image=photo,
            hero_image_credit="The Cares Family",
            body=[
                _paragraph(content.CAMPAIGN_CALL),
                _heading("Who's behind Community Makes Us?"),
                _paragraph([content.WHO_IS_BEHIND]),
            ],
            manifesto_title="The Community Makes Us Manifesto",
            manifesto=paragraphs(content.MANIFESTO),
            toolkit_intro=paragraphs(content.TOOLKIT_INTRO),
            toolkit=[
                {
                    "type": "documents",
                    "value": {
                        "heading": "Get the toolkit",
                        "documents": [
                            {
                                "document": toolkit_pdf.pk,
                                "title": "Community Makes Us Toolkit",
                                "description": "Posts, images and wording to share the campaign",
                            }
                        ],
                    },
                }
            ],
            share_text="Community Makes Us: let's remember that we are the ones that make our "
            "community.",
        ),
    )
    coalition_pages = build_coalition_pages(home)
    join = coalition_pages["join"]
    news = child_page(
        home,
        "news",
        lambda: NewsIndexPage(title="News", intro="News from across the Connection Coalition."),
    )
    article = child_page(
        news,
        "uk-organisations-collaborate-to-foster-social-connections",
        lambda: NewsArticlePage(
            title=content.NEWS_ARTICLE["title"],
            date=datetime.date(2020, 4, 21),
            author=content.NEWS_ARTICLE["author"],
            source_organisation=content.NEWS_ARTICLE["source_organisation"],
            intro=content.NEWS_ARTICLE["intro"],
            body=[_paragraph(content.NEWS_ARTICLE["paragraphs"])],
        ),
    )

    if not home.body:
        home.hero_cta_label = "Join the Coalition"
        home.hero_cta_page = join
        home.body = [
            _image_block(photo, caption=content.ORLA_AND_JEAN_CAPTION, credit="The Cares Family"),
            _heading("Community Makes Us"),
            _paragraph(content.CAMPAIGN_CALL),
            _cta("View the campaign", page=campaign),
            _heading("Join the Coalition"),
            _paragraph(
                [
                    "If you are an organisation, charity, group or company and share our belief "
                    "that our communities are strengthened by strong relationships and "
                    "connections, we\u2019d love you to join us."
                ]
            ),
            _cta("Join the Coalition", page=join, style="secondary"),
        ]
        _publish(home)
    return {
        "about": about,
        "campaign": campaign,
        "news": news,
        "article": article,
        **coalition_pages,
    }


def translate_national_home(home: NationalHomePage) -> NationalHomePage:
    """The Welsh national home page, served at /cy/."""
    welsh = Locale.objects.get(language_code="cy")
    existing = home.get_translation_or_none(welsh)
    if existing is not None:
        return existing.specific
    translation = home.copy_for_translation(welsh)
    words = content.WELSH_HOME
    translation.title = words["title"]
    translation.hero_heading = words["hero_heading"]
    translation.hero_text = words["hero_text"]
    translation.hero_cta_label = words["hero_cta_label"]
    translation.body = [_heading(words["campaign_heading"]), _paragraph([words["campaign_text"]])]
    translation.save()
    return _publish(translation)


def style_national_site(site: Site, pages: dict[str, Page], collection: Collection) -> None:
    site_settings = SiteSettings.for_site(site)
    if site_settings.display_name:
        return  # already set up: leave editors' changes alone
    site_settings.display_name = "Connection Coalition"
    site_settings.tagline = content.NATIONAL_TAGLINE
    site_settings.logo = get_or_create_image(
        "Connection Coalition logo",
        draw_logo("Connection Coalition", "#2b2d6e"),
        "connection-coalition-logo.png",
        collection,
        alt_text="Connection Coalition",
    )
    site_settings.theme = "coalition"
    site_settings.primary_colour = "#2b2d6e"
    site_settings.accent_colour = "#c0265f"
    site_settings.contact_email = "hello@connectioncoalition.example"
    site_settings.footer_text = (
        "The Connection Coalition is an initiative of The Jo Cox Foundation."
    )
    site_settings.locales_offered = Locale.objects.filter(language_code__in=["en", "cy"])
    site_settings.save()  # a ParentalManyToManyField is written on save
    for order, (key, label) in enumerate([("about", "About"), ("campaign", ""), ("news", "")]):
        NavigationItem.objects.create(
            settings=site_settings, page=pages[key], label=label, sort_order=order
        )
    for order, (platform, url) in enumerate(
        [
            ("facebook", "https://www.facebook.com/CommunityMakesUs"),
            ("instagram", "https://www.instagram.com/communitymakesus"),
            ("x", "https://x.com/ConnectCoalitn"),
        ]
    ):
        SocialLink.objects.create(
            settings=site_settings, platform=platform, url=url, sort_order=order
        )


# --- Coventry ----------------------------------------------------------------------------


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
        get_involved = home.get_children().filter(slug="get-involved").first()
        home.hero_heading = "CommUNITY is not just for pandemics"
        home.hero_text = "Connecting for good in Coventry"
        home.hero_cta_label = "Let's end isolation together"
        home.hero_cta_page = get_involved
        body = []
        for heading, texts in content.COVENTRY_SECTIONS:
            body += [_heading(heading), _paragraph(texts)]
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
        heading, texts = content.COVENTRY_CLOSING
        body += [
            _heading(heading),
            _paragraph(texts),
            _heading("Let's end isolation together"),
            _paragraph(["We're inviting you to join us - connect today!"]),
            _cta("Volunteer your time, passions and skills", page=get_involved),
            _cta("Have a chat with one of our team", page=get_involved, style="secondary"),
            _cta("Receive our latest news", page=home.get_children().filter(slug="news").first()),
        ]
        home.body = body
        _publish(home)

    site_settings = SiteSettings.for_site(chapter.site)
    if site_settings.logo_id is None:
        site_settings.logo = get_or_create_image(
            "Connecting for Good logo",
            draw_logo("CfG", "#00695c"),
            "connecting-for-good-logo.png",
            chapter.collection,
            alt_text="Connecting for Good Coventry",
        )
        site_settings.tagline = "Connecting for good in Coventry"
        site_settings.primary_colour = "#00695c"
        site_settings.accent_colour = "#d84315"
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
    return chapter


# --- stories on pages ----------------------------------------------------------------------

NATIONAL_FEATURED = ["this-mum-runs", "zak-qpg-hub", "orla-and-jean"]


def _orla_photo(collection):
    return get_image_model().objects.get(title="Orla and Jean", collection=collection)


def add_nav_item(site: Site, page: Page, order: int) -> None:
    site_settings = SiteSettings.for_site(site)
    if not site_settings.navigation_items.filter(page=page).exists():
        site_settings.navigation_items.filter(sort_order__gte=order).update(
            sort_order=models.F("sort_order") + 1
        )
        NavigationItem.objects.create(settings=site_settings, page=page, sort_order=order)


def feature_stories(page, heading: str, stories=(), mode: str = "chosen") -> None:
    """Add a "featured stories" block (the chosen stories, or mode="latest_site") once; never
    touch an edited body twice."""
    page = page.specific
    if any(block.block_type == "featured_stories" for block in page.body):
        return
    page.body.append(
        (
            "featured_stories",
            {"heading": heading, "mode": mode, "stories": list(stories), "theme": None, "count": 3},
        )
    )
    _publish(page)


# --- accounts ----------------------------------------------------------------------------


def national_editors_group(site: Site, collection: Collection) -> Group:
    group, _ = Group.objects.get_or_create(name=NATIONAL_EDITORS)
    grant_site_editing(group, site, collection, MODERATOR_PAGE_PERMISSIONS)
    # The whole story library, every site's: curate, promote, edit any story; manage themes.
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="stories").exclude(
            codename__endswith="storyindexpage"
        ),
        # The member directory and the join requests are the national team's.
        *Permission.objects.filter(
            content_type__app_label="coalition",
            content_type__model__in=["member", "joinrequest"],
        ),
    )
    assign_approval_workflow(site.root_page, "Connection Coalition", group)
    story_review_task().groups.add(group)
    return group


def ensure_user(username: str, password: str, *, superuser=False, groups=()) -> None:
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(
            username=username,
            email=f"{username}@connectioncoalition.example",
            first_name=username.replace("-", " ").title().split()[0],
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.set_password(password)
        user.save()
    user.groups.add(*groups)


@transaction.atomic
def build_demo(port: int = 80, password: str | None = None) -> DemoNetwork:
    password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
    site, home = ensure_national_site(port)
    national_collection = child_collection("National")
    pages = build_national_pages(home, national_collection)
    translate_national_home(home)
    style_national_site(site, pages, national_collection)
    coventry = build_coventry(port)
    pages["stories"] = ensure_story_index(
        home, "Stories of connection from communities across the UK."
    )
    add_nav_item(site, pages["stories"], order=2)
    stories = build_stories(
        {"national": site, "coventry": coventry.site},
        {"national": national_collection, "coventry": coventry.collection},
        orla_photo=_orla_photo(national_collection),
    )
    feature_stories(home, "Community Stories", [stories[s] for s in NATIONAL_FEATURED])
    feature_stories(pages["campaign"], "Community Stories", [stories[s] for s in NATIONAL_FEATURED])
    feature_stories(coventry.site.root_page, "Stories from Coventry", mode="latest_site")

    build_members(national_collection)
    add_nav_item(site, pages["members"], order=3)
    build_pending_request()
    build_form_submissions(coventry.site.root_page)

    ensure_user("admin", password, superuser=True)
    national_editors = national_editors_group(site, national_collection)
    ensure_user("national-editor", password, groups=[national_editors])
    ensure_user("coventry-editor", password, groups=[coventry.editors_group])

    newsletters = build_newsletters(site, coventry.site, stories, national_editors)
    # The national data team: erases a person from every newsletter list (a GDPR request).
    ensure_user("data-team", password, groups=[newsletters.data_team])
    add_nav_item(site, newsletters.national_index, order=5)
    return DemoNetwork(national_site=site, national_home=home, coventry=coventry)
