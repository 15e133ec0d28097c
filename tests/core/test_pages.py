"""Page types, StreamField blocks, parent/child rules and the demo content, on both sites."""

import datetime
import re
from io import StringIO
from unittest import mock

import pytest
import requests
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from chapters.models import LocalGroupsPage
from cms.coalition.models import JoinCoalitionPage, MemberDirectoryPage
from cms.core.blocks import BaseStreamBlock
from cms.core.models import (
    CampaignPage,
    ChapterHomePage,
    NationalHomePage,
    NewsArticlePage,
    NewsIndexPage,
    StandardPage,
)
from cms.formpages.models import FormPage
from cms.stories.models import StoryIndexPage
from newsletter.models import NewsletterIndexPage
from tests.conftest import COVENTRY_HOST
from tests.factories import StandardPageFactory

NATIONAL_NAME = "Connection Coalition"
COVENTRY_NAME = "Connecting for Good Coventry"
BRANDS = {
    # site key: (display name, theme, Host header to send; None = the test client's default)
    "national": (NATIONAL_NAME, "coalition", None),
    "coventry": (COVENTRY_NAME, "chapter", COVENTRY_HOST),
}


def get(client, path, site_key, **extra):
    host = BRANDS[site_key][2]
    if host:
        extra["HTTP_HOST"] = host
    return client.get(path, **extra)


def assert_branded(html: str, site_key: str) -> None:
    """The page wears this site's brand, and not the other site's."""
    name, theme, _ = BRANDS[site_key]
    (other_name, other_theme, _) = next(v for k, v in BRANDS.items() if k != site_key)
    html_tag = re.search(r"<html[^>]*>", html).group(0)
    assert f'class="theme-{theme}"' in html_tag
    assert f"theme-{other_theme}" not in html_tag
    assert re.search(rf"<title>[^<]*\| {re.escape(name)}</title>", html)
    assert f'<p class="site-footer__name">{name}</p>' in html
    assert f'<p class="site-footer__name">{other_name}</p>' not in html
    assert f"| {other_name}</title>" not in html


def assert_h1(html: str, text: str) -> None:
    assert re.search(rf"<h1[^>]*>\s*{re.escape(text)}\s*</h1>", html), f"no <h1>{text}</h1>"


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def path_on_site(page: Page) -> str:
    """The page's path on its own site (no host)."""
    _site_id, _root_url, page_path = page.get_url_parts()
    return page_path


def _parents(network):
    return {
        ("national", "home"): network.national_home,
        ("national", "about"): network.national_page("about"),
        ("national", "campaign"): network.national_page("community-makes-us"),
        ("national", "news"): network.national_page("news"),
        ("coventry", "home"): network.coventry_home,
        ("coventry", "about"): network.coventry_page("about"),
        ("coventry", "news"): network.coventry_page("news"),
    }


def _new_page(page_class, title):
    extra = {}
    if page_class is NewsArticlePage:
        extra = {"date": datetime.date(2024, 3, 5), "intro": "A test article."}
    elif page_class is not NewsIndexPage:
        extra = {"intro": "An introduction."}
    return page_class(title=title, slug="type-check-page", **extra)


# --- every page type renders on both sites --------------------------------------------------

PLACEMENTS = [
    # (page type, site, parent)
    (StandardPage, "national", "home"),
    (StandardPage, "coventry", "home"),
    (StandardPage, "national", "about"),
    (StandardPage, "coventry", "about"),
    (StandardPage, "national", "campaign"),
    (CampaignPage, "national", "home"),
    (NewsIndexPage, "national", "home"),
    (NewsIndexPage, "coventry", "home"),
    (NewsArticlePage, "national", "news"),
    (NewsArticlePage, "coventry", "news"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page_class", "site_key", "parent_key"),
    PLACEMENTS,
    ids=[f"{cls.__name__}-{site}-under-{parent}" for cls, site, parent in PLACEMENTS],
)
def test_page_type_renders_on_its_site(client, network, page_class, site_key, parent_key):
    parent = _parents(network)[(site_key, parent_key)]
    assert page_class.can_create_at(parent)
    title = f"Type check {page_class.__name__} on {site_key}"
    page = _new_page(page_class, title)
    parent.add_child(instance=page)
    publish(page)

    response = get(client, path_on_site(page), site_key)

    assert response.status_code == 200
    html = response.content.decode()
    assert_h1(html, title)
    assert_branded(html, site_key)


@pytest.mark.django_db
@pytest.mark.parametrize("home_class", [NationalHomePage, ChapterHomePage])
@pytest.mark.parametrize("site_key", ["national", "coventry"])
def test_home_page_types_render_as_either_sites_root(client, network, home_class, site_key):
    """Home pages live directly under the tree root; a site is what serves them."""
    root = Page.get_first_root_node()
    assert home_class.can_create_at(root)
    title = f"Type check {home_class.__name__} on {site_key}"
    home = home_class(title=title, slug="type-check-home")
    root.add_child(instance=home)
    publish(home)
    site = network.national_site if site_key == "national" else network.coventry_site
    site.root_page = home
    site.save()

    response = get(client, "/", site_key)

    assert response.status_code == 200
    html = response.content.decode()
    assert_h1(html, title)  # no hero heading: the hero falls back to the title
    assert_branded(html, site_key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("site_key", "path", "h1"),
    [
        ("national", "/", "Working together to build strong relationships"),
        ("coventry", "/", "CommUNITY is not just for pandemics"),
    ],
)
def test_existing_home_pages_render_with_their_brand(client, network, site_key, path, h1):
    response = get(client, path, site_key)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(rf"<h1[^>]*>\s*{re.escape(h1)}", html)
    assert_branded(html, site_key)


# --- StreamField blocks ---------------------------------------------------------------------


@pytest.fixture
def demo_image(db):
    return get_image_model().objects.get(title="Orla and Jean")


@pytest.fixture
def demo_document(db):
    return get_document_model().objects.get(title="Community Makes Us Toolkit")


@pytest.mark.django_db
def test_standard_page_renders_every_block(client, network, demo_image, demo_document):
    about = network.national_page("about")
    body = [
        {"type": "heading", "value": {"text": "Section heading here", "level": "h2"}},
        {"type": "heading", "value": {"text": "Sub heading here", "level": "h3"}},
        {"type": "paragraph", "value": "<p>A paragraph with <b>bold words</b>.</p>"},
        {
            "type": "image",
            "value": {
                "image": {"image": demo_image.pk, "alt_text": "Two friends", "decorative": False},
                "caption": "Friends at a window",
                "credit": "Test Photographer",
            },
        },
        {
            "type": "quote",
            "value": {
                "quote": "Connection is what keeps us going.",
                "attribution": "Ada Quoted",
                "role": "Test resident",
            },
        },
        {
            "type": "call_to_action",
            "value": {"label": "Read about us", "page": about.pk, "url": "", "style": "primary"},
        },
        {
            "type": "call_to_action",
            "value": {
                "label": "Join elsewhere",
                "page": None,
                "url": "https://example.org/join",
                "style": "secondary",
            },
        },
        {
            "type": "faq",
            "value": {
                "heading": "Test questions",
                "items": [
                    {"question": "Is this a test question?", "answer": "<p>Yes it is.</p>"},
                    {"question": "And a second one?", "answer": "<p>Indeed.</p>"},
                ],
            },
        },
        {
            "type": "embed",
            "value": {
                "embed": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
                "caption": "A video that cannot be fetched offline",
            },
        },
        {
            "type": "documents",
            "value": {
                "heading": "Downloads here",
                "documents": [
                    {
                        "document": demo_document.pk,
                        "title": "The test toolkit",
                        "description": "Everything to share",
                    }
                ],
            },
        },
    ]
    page = StandardPage(title="Every block", slug="every-block", intro="All of them.", body=body)
    network.national_home.add_child(instance=page)
    publish(page)
    assert [block.block_type for block in page.body] == [item["type"] for item in body]

    offline = requests.ConnectionError("no network in tests")
    with mock.patch("requests.get", side_effect=offline) as fetch:
        response = client.get("/every-block/")

    assert fetch.called, "the embed was never fetched"
    assert response.status_code == 200
    html = response.content.decode()
    assert_h1(html, "Every block")
    # heading
    assert "<h2>Section heading here</h2>" in html
    assert "<h3>Sub heading here</h3>" in html
    # paragraph
    assert "<p>A paragraph with <b>bold words</b>.</p>" in html
    # image with caption and credit
    assert re.search(r'<img[^>]*alt="Two friends"', html)
    assert '<span class="figure__caption">Friends at a window</span>' in html
    assert '<span class="figure__credit">Photo credit: Test Photographer</span>' in html
    # quote with attribution and role
    assert "<blockquote><p>Connection is what keeps us going.</p></blockquote>" in html
    assert re.search(r"<figcaption>Ada Quoted, <span[^>]*>Test resident</span></figcaption>", html)
    # calls to action, to a page and to a URL
    assert re.search(r'<a class="button button--primary" href="/about/">Read about us</a>', html)
    assert re.search(
        r'<a class="button button--secondary" href="https://example.org/join">Join elsewhere</a>',
        html,
    )
    # FAQ
    assert "<h2>Test questions</h2>" in html
    assert '<summary class="faq__question">Is this a test question?</summary>' in html
    assert '<summary class="faq__question">And a second one?</summary>' in html
    assert "<p>Yes it is.</p>" in html
    # embed: the fetch failed, the block still renders its frame and caption
    assert re.search(
        r'<figure class="embed">\s*<figcaption>A video that cannot be fetched offline</figcaption>',
        html,
    )
    # documents
    assert "<h3>Downloads here</h3>" in html
    assert f'<a href="{demo_document.url}" download>The test toolkit</a>' in html
    assert "Everything to share" in html


@pytest.fixture
def cta_block():
    return BaseStreamBlock().child_blocks["call_to_action"]


@pytest.mark.django_db
def test_call_to_action_refuses_both_page_and_url(cta_block):
    value = cta_block.to_python(
        {
            "label": "Both",
            "page": StandardPageFactory().pk,
            "url": "https://example.org/",
            "style": "primary",
        }
    )
    with pytest.raises(StructBlockValidationError) as excinfo:
        cta_block.clean(value)
    assert "page" in excinfo.value.block_errors


@pytest.mark.django_db
def test_call_to_action_refuses_neither_page_nor_url(cta_block):
    value = cta_block.to_python({"label": "Neither", "page": None, "url": "", "style": "primary"})
    with pytest.raises(StructBlockValidationError) as excinfo:
        cta_block.clean(value)
    assert "page" in excinfo.value.block_errors


@pytest.mark.django_db
def test_call_to_action_accepts_a_page_or_a_url(cta_block):
    about = StandardPageFactory(title="About")
    with_page = cta_block.clean(
        cta_block.to_python({"label": "Page", "page": about.pk, "url": "", "style": "primary"})
    )
    with_url = cta_block.clean(
        cta_block.to_python(
            {"label": "Link", "page": None, "url": "https://example.org/", "style": "secondary"}
        )
    )
    assert with_page["page"].pk == about.pk
    assert with_url["url"] == "https://example.org/"


# --- parent / child rules -------------------------------------------------------------------


@pytest.fixture
def page_rules():
    """Wagtail's page-type assertions, borrowed from its TestCase for use under pytest."""
    return WagtailPageTestCase()


def test_allowed_subpage_types(page_rules):
    page_rules.assertAllowedSubpageTypes(
        NationalHomePage,
        {
            StandardPage,
            CampaignPage,
            NewsIndexPage,
            StoryIndexPage,
            MemberDirectoryPage,
            JoinCoalitionPage,
            FormPage,
            NewsletterIndexPage,
            LocalGroupsPage,
        },
    )
    page_rules.assertAllowedSubpageTypes(
        ChapterHomePage,
        {StandardPage, NewsIndexPage, StoryIndexPage, FormPage, NewsletterIndexPage},
    )
    page_rules.assertAllowedSubpageTypes(StoryIndexPage, set())
    page_rules.assertAllowedSubpageTypes(StandardPage, {StandardPage, FormPage})
    page_rules.assertAllowedSubpageTypes(CampaignPage, {StandardPage})
    page_rules.assertAllowedSubpageTypes(NewsIndexPage, {NewsArticlePage})
    page_rules.assertAllowedSubpageTypes(NewsArticlePage, set())


def test_allowed_parent_page_types(page_rules):
    page_rules.assertAllowedParentPageTypes(NationalHomePage, {Page})
    page_rules.assertAllowedParentPageTypes(ChapterHomePage, {Page})
    page_rules.assertAllowedParentPageTypes(
        StandardPage, {NationalHomePage, ChapterHomePage, StandardPage, CampaignPage}
    )
    page_rules.assertAllowedParentPageTypes(CampaignPage, {NationalHomePage})
    page_rules.assertAllowedParentPageTypes(NewsIndexPage, {NationalHomePage, ChapterHomePage})
    page_rules.assertAllowedParentPageTypes(NewsArticlePage, {NewsIndexPage})
    page_rules.assertAllowedParentPageTypes(StoryIndexPage, {NationalHomePage, ChapterHomePage})


def test_create_at_by_page_type(page_rules):
    page_rules.assertCanNotCreateAt(ChapterHomePage, CampaignPage)
    page_rules.assertCanCreateAt(NationalHomePage, CampaignPage)
    page_rules.assertCanCreateAt(NationalHomePage, StandardPage)
    page_rules.assertCanCreateAt(ChapterHomePage, StandardPage)
    page_rules.assertCanCreateAt(NewsIndexPage, NewsArticlePage)
    for parent in (NationalHomePage, ChapterHomePage, StandardPage, CampaignPage):
        page_rules.assertCanNotCreateAt(parent, NewsArticlePage)
    for home in (NationalHomePage, ChapterHomePage):
        page_rules.assertCanCreateAt(Page, home)
        for parent in (
            NationalHomePage,
            ChapterHomePage,
            StandardPage,
            CampaignPage,
            NewsIndexPage,
            NewsArticlePage,
        ):
            page_rules.assertCanNotCreateAt(parent, home)


@pytest.mark.django_db
def test_create_at_in_the_real_tree(network):
    root = Page.get_first_root_node()
    national, coventry = network.national_home, network.coventry_home
    national_news, coventry_news = network.national_page("news"), network.coventry_page("news")
    campaign = network.national_page("community-makes-us")
    article = national_news.get_children().first().specific

    assert not CampaignPage.can_create_at(coventry)
    assert CampaignPage.can_create_at(national)
    assert StandardPage.can_create_at(national)
    assert StandardPage.can_create_at(coventry)
    assert StandardPage.can_create_at(campaign)
    assert not StandardPage.can_create_at(national_news)
    assert NewsArticlePage.can_create_at(national_news)
    assert NewsArticlePage.can_create_at(coventry_news)
    for parent in (root, national, coventry, campaign, article):
        assert not NewsArticlePage.can_create_at(parent)
    for home_class in (NationalHomePage, ChapterHomePage):
        assert home_class.can_create_at(root)
        for parent in (national, coventry, campaign, national_news, article):
            assert not home_class.can_create_at(parent)


@pytest.mark.django_db
def test_admin_refuses_a_campaign_page_under_coventry(client, superuser, network):
    client.force_login(superuser)
    coventry_home = network.coventry_home
    before = Page.objects.count()

    refused = client.get(
        reverse("wagtailadmin_pages:add", args=("core", "campaignpage", coventry_home.pk))
    )
    allowed = client.get(
        reverse("wagtailadmin_pages:add", args=("core", "standardpage", coventry_home.pk))
    )
    # The chooser of page types under Coventry's home does not offer a campaign page either.
    choose = client.get(reverse("wagtailadmin_pages:add_subpage", args=(coventry_home.pk,)))

    # Wagtail's admin turns the PermissionDenied into a redirect to the dashboard with a message.
    assert refused.status_code == 302
    assert refused["Location"] == reverse("wagtailadmin_home")
    messages = [str(message) for message in get_messages(refused.wsgi_request)]
    assert any("permission" in message for message in messages), messages
    assert allowed.status_code == 200
    assert 'name="title"' in allowed.content.decode()
    assert choose.status_code == 200
    choose_html = choose.content.decode()
    assert "/add/core/standardpage/" in choose_html
    assert "/add/core/campaignpage/" not in choose_html
    refused_post = client.post(
        reverse("wagtailadmin_pages:add", args=("core", "campaignpage", coventry_home.pk)),
        {"title": "Sneaky campaign", "slug": "sneaky-campaign", "action-publish": "publish"},
    )
    assert refused_post.status_code == 302
    assert refused_post["Location"] == reverse("wagtailadmin_home")
    assert Page.objects.count() == before


# --- the demo content -----------------------------------------------------------------------

FAQ_QUESTIONS = [
    "Why now?",
    "Who are the members of the Connection Coalition?",
    "What impact does the Connection Coalition seek?",
    "What will the Connection Coalition do?",
    "Can I sign up? And how?",
    "How can individuals help?",
]


@pytest.mark.django_db
def test_demo_about_page_shows_all_six_faq_questions(client, network):
    response = client.get("/about/")
    assert response.status_code == 200
    html = response.content.decode()
    summaries = re.findall(r'<summary class="faq__question">(.*?)</summary>', html)
    assert summaries == FAQ_QUESTIONS
    assert_h1(html, "About the Connection Coalition")


@pytest.mark.django_db
def test_demo_campaign_page_shows_manifesto_toolkit_and_share_links(client, network):
    response = client.get("/community-makes-us/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 id="manifesto-heading">The Community Makes Us Manifesto</h2>' in html
    toolkit = get_document_model().objects.get(title="Community Makes Us Toolkit")
    assert f'<a href="{toolkit.url}" download>Community Makes Us Toolkit</a>' in html
    share = html[html.index('<section class="share"') :]
    assert "https://www.facebook.com/sharer/sharer.php?u=http%3A%2F%2Flocalhost%2F" in share
    assert "https://wa.me/?text=" in share
    assert 'href="mailto:?subject=' in share


@pytest.mark.django_db
def test_demo_news_article(client, network):
    article = (
        network.national_page("news")
        .get_children()
        .get(slug="uk-organisations-collaborate-to-foster-social-connections")
    )
    response = client.get(path_on_site(article))
    assert response.status_code == 200
    html = response.content.decode()
    assert_h1(html, "UK organisations collaborate to foster social connections")
    assert '<time datetime="2020-04-21">21 April 2020</time>' in html
    assert "Encore.org" in html
    assert "Julia Randell-Khan" in html


@pytest.mark.django_db
def test_demo_news_index_lists_the_article(client, network):
    response = client.get("/news/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "UK organisations collaborate to foster social connections" in html
    assert "21 April 2020" in html


@pytest.mark.django_db
def test_demo_coventry_home(client, network):
    response = client.get("/", HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r"<figcaption>Rose, <span[^>]*>Coventry resident</span></figcaption>", html)
    assert "what kind of human being am I going to be beyond COVID-19?" in html
    volunteer = network.coventry_page("get-involved").get_children().get(slug="volunteer")
    assert f'href="{path_on_site(volunteer)}">Volunteer your time, passions and skills</a>' in html
    assert_branded(html, "coventry")


@pytest.mark.django_db
def test_demo_national_home_shows_photo_credits(client, network):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    # the captioned image block credits the photographer under the picture
    figure = re.search(
        r'<figure class="figure">\s*<img[^>]*alt="Orla and Jean[^"]*".*?</figure>', html, re.S
    )
    assert figure, "the Orla and Jean photo is missing"
    assert "Orla and Jean are friends through the work of North London Cares." in figure.group(0)
    assert '<span class="figure__credit">Photo credit: The Cares Family</span>' in figure.group(0)


@pytest.mark.django_db
def test_demo_campaign_hero_shows_its_photo_credit(client, network):
    html = client.get("/community-makes-us/").content.decode()
    figure = re.search(r'<figure class="figure">.*?</figure>', html, re.S)
    assert figure, "the campaign's hero image is missing"
    assert '<span class="figure__credit">Photo credit: The Cares Family</span>' in figure.group(0)


# --- load_demo ------------------------------------------------------------------------------


def _counts():
    return {
        "pages": Page.objects.count(),
        "sites": Site.objects.count(),
        "users": get_user_model().objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
    }


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing_and_keeps_editors_work(client, network):
    home = network.coventry_home
    home.hero_heading = "Edited by a Coventry editor"
    publish(home)
    before = _counts()
    assert before["pages"] > 10 and before["sites"] == 2

    out = StringIO()
    call_command("load_demo", port=80, stdout=out)

    assert "Demo network ready" in out.getvalue()
    assert _counts() == before
    home.refresh_from_db()
    assert home.hero_heading == "Edited by a Coventry editor"
    assert home.live and not home.has_unpublished_changes
    response = client.get("/", HTTP_HOST=COVENTRY_HOST)
    assert "Edited by a Coventry editor" in response.content.decode()
    assert "CommUNITY is not just for pandemics" not in response.content.decode()


@pytest.mark.django_db
def test_load_demo_is_refused_under_production_settings(network):
    before = _counts()
    with override_settings(DEMO_CONTENT_ALLOWED=False), pytest.raises(CommandError) as excinfo:
        call_command("load_demo", port=80, stdout=StringIO())
    assert "production settings" in str(excinfo.value)
    assert "Refusing" in str(excinfo.value)
    assert _counts() == before
