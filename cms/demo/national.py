"""The national site: the Connection Coalition's home, its About, the
Community Makes Us campaign, news, the coalition's pages, and its brand, from the seeds."""

import datetime
import uuid

from wagtail.blocks import StreamValue
from wagtail.models import Collection, Locale, Page, Site

from cms.core.models import (
    CampaignPage,
    NationalHomePage,
    NewsArticlePage,
    NewsIndexPage,
    StandardPage,
)
from cms.core.provisioning import child_page
from sites.models import NavigationItem, SiteSettings, SocialLink

from . import content
from .coalition import build_coalition_pages
from .email_logos import connection_coalition_png, ensure_email_logo
from .logos import connection_coalition_logo
from .media import get_or_create_image
from .pages import cta, heading, image_block, paragraph, paragraphs, publish
from .pictures import draw_illustration
from .toolkit_page import build_toolkit


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
        publish(home)
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
    """The national site's pages under its home, then the home's own body (once)."""
    photo = get_or_create_image(
        "Orla and Jean",
        draw_illustration("window_wave", "coalition", seed="orla-and-jean"),
        "orla-and-jean.jpg",
        collection,
        alt_text=content.ORLA_AND_JEAN_ALT,
    )
    about = _faq_items_in_block_format(child_page(home, "about", _about_page))
    campaign = child_page(home, "community-makes-us", lambda: _campaign_page(photo))
    coalition_pages = build_coalition_pages(home)
    toolkit = build_toolkit(campaign, coalition_pages["join"], collection)
    news = child_page(
        home,
        "news",
        lambda: NewsIndexPage(title="News", intro="News from across the Connection Coalition."),
    )
    article = child_page(
        news, "uk-organisations-collaborate-to-foster-social-connections", _news_article
    )
    if not home.body:
        _write_home(home, photo, campaign, join=coalition_pages["join"])
    return {
        "about": about,
        "campaign": campaign,
        "toolkit": toolkit,
        "news": news,
        "article": article,
        **coalition_pages,
    }


def _about_page() -> StandardPage:
    return StandardPage(
        title="About the Connection Coalition",
        intro=content.NATIONAL_INTRO,
        body=[
            paragraph(
                [
                    "The Connection Coalition is an initiative of The Jo Cox Foundation. "
                    + content.NATIONAL_INTRO
                ]
            ),
            {
                "type": "faq",
                "value": {
                    "heading": "Questions and answers",
                    # Each item in ListBlock's block format (type, value, id): wagtail-localize
                    # only extracts the strings of list items stored that way.
                    "items": [
                        {
                            "type": "item",
                            "value": {"question": question, "answer": paragraphs(answer)},
                            "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"faq:{question}")),
                        }
                        for question, answer in content.FAQ
                    ],
                },
            },
        ],
    )


def _faq_items_in_block_format(about: Page) -> Page:
    """A demo built before its FAQ items were stored in block format: the same words stored
    again and published, so wagtail-localize extracts them and the Welsh About page has its
    questions and answers in Welsh. A page with an editor's draft waiting is left alone."""
    page = about.specific
    if (
        page.has_unpublished_changes
        or not hasattr(page, "body")
        or all(
            block["type"] != "faq" or all("type" in item for item in block["value"]["items"])
            for block in page.body.raw_data
        )
    ):
        return page
    page.body = StreamValue(
        page.body.stream_block, [(block.block_type, block.value, block.id) for block in page.body]
    )
    return publish(page)


def _campaign_page(photo) -> CampaignPage:
    """The campaign; build_toolkit adds its toolkit downloads and the link to the toolkit page."""
    return CampaignPage(
        title="Community Makes Us",
        intro=content.CAMPAIGN_INTRO,
        hero_image=photo,
        hero_image_credit="The Cares Family",
        body=[
            paragraph(content.CAMPAIGN_CALL),
            heading("Who's behind Community Makes Us?"),
            paragraph([content.WHO_IS_BEHIND]),
        ],
        manifesto_title="The Community Makes Us Manifesto",
        manifesto=paragraphs(content.MANIFESTO),
        toolkit_intro=paragraphs(content.TOOLKIT_INTRO),
        share_text="Community Makes Us: let's remember that we are the ones that make our "
        "community.",
    )


def _news_article() -> NewsArticlePage:
    return NewsArticlePage(
        title=content.NEWS_ARTICLE["title"],
        date=datetime.date(2020, 4, 21),
        author=content.NEWS_ARTICLE["author"],
        source_organisation=content.NEWS_ARTICLE["source_organisation"],
        intro=content.NEWS_ARTICLE["intro"],
        body=[paragraph(content.NEWS_ARTICLE["paragraphs"])],
    )


def _write_home(home: NationalHomePage, photo, campaign: Page, join: Page) -> None:
    home.hero_cta_label = "Join the Coalition"
    home.hero_cta_page = join
    home.body = [
        image_block(photo, caption=content.ORLA_AND_JEAN_CAPTION, credit="The Cares Family"),
        heading("Community Makes Us"),
        paragraph(content.CAMPAIGN_CALL),
        cta("View the campaign", page=campaign),
        heading("Join the Coalition"),
        paragraph(
            [
                "If you are an organisation, charity, group or company and share our belief "
                "that our communities are strengthened by strong relationships and "
                "connections, we\u2019d love you to join us."
            ]
        ),
        cta("Join the Coalition", page=join, style="secondary"),
    ]
    publish(home)


def style_national_site(site: Site, pages: dict[str, Page], collection: Collection) -> None:
    ensure_email_logo(
        site,
        "Connection Coalition logo for emails",
        connection_coalition_png(),
        "connection-coalition-logo.png",
        collection,
        "Connection Coalition",
    )
    site_settings = SiteSettings.for_site(site)
    if site_settings.display_name:
        return  # already set up: leave editors' changes alone
    site_settings.display_name = "Connection Coalition"
    site_settings.tagline = content.NATIONAL_TAGLINE
    site_settings.logo = get_or_create_image(
        "Connection Coalition logo",
        connection_coalition_logo(),
        "connection-coalition-logo.svg",
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
