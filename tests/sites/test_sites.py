"""What makes a site a site: branding from settings, navigation, search, sitemap, robots,
languages and the branded error pages."""

import re
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from cms.core.models import StandardPage
from sites import views as site_views
from sites.models import SiteSettings, SocialLink
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.factories import SiteFactory

NATIONAL_NAME = "Connection Coalition"
COVENTRY_NAME = "Connecting for Good Coventry"
ARTICLE_TITLE = "UK organisations collaborate to foster social connections"
ARTICLE_SLUG = "uk-organisations-collaborate-to-foster-social-connections"


def coventry(client, path, **extra):
    return client.get(path, HTTP_HOST=COVENTRY_HOST, **extra)


def footer_name(html: str) -> str:
    match = re.search(r"<p class=\"site-footer__name\"[^>]*>(.*?)</p>", html)
    assert match, "no footer name"
    return match.group(1)


def html_tag(html: str) -> str:
    return re.search(r"<html[^>]*>", html).group(0)


def section(html: str, start: str, end: str) -> str:
    """The part of the page from `start` to the next `end`."""
    begin = html.index(start)
    return html[begin : html.index(end, begin) + len(end)]


# --- branding comes from each site's settings -----------------------------------------------


@pytest.fixture
def rebranded_coventry(network):
    settings = SiteSettings.for_site(network.coventry_site)
    settings.primary_colour = "#123456"
    settings.display_name = "Coventry Together Test"
    settings.save()
    return settings


def branded_site(name: str, colour: str, theme: str):
    """A site of its own (factories), with its name, primary colour and theme."""
    site = SiteFactory(site_name=name)
    settings = SiteSettings.for_site(site)
    settings.display_name, settings.primary_colour, settings.theme = name, colour, theme
    settings.save()
    return site


@pytest.mark.django_db
def test_theme_css_follows_each_sites_settings(client):
    chapter = branded_site("Factory Chapter", "#123456", "chapter")
    national = branded_site("Factory National", "#2b2d6e", "coalition")
    chapter_css = client.get("/theme.css", HTTP_HOST=chapter.hostname)
    national_css = client.get("/theme.css", HTTP_HOST=national.hostname)

    assert chapter_css.status_code == 200
    assert national_css.status_code == 200
    assert chapter_css["Content-Type"].startswith("text/css")
    assert "--brand-primary: #123456;" in chapter_css.content.decode()
    assert "#123456" not in national_css.content.decode()
    assert "--brand-primary: #2b2d6e;" in national_css.content.decode()


@pytest.mark.django_db
def test_pages_link_the_theme_css_with_a_version_that_changes(client, network):
    before = re.search(r'href="(/theme\.css\?v=\d+)"', coventry(client, "/").content.decode())
    assert before
    settings = SiteSettings.for_site(network.coventry_site)
    settings.updated_at = settings.updated_at.replace(year=settings.updated_at.year - 1)
    SiteSettings.objects.filter(pk=settings.pk).update(updated_at=settings.updated_at)
    after = re.search(r'href="(/theme\.css\?v=\d+)"', coventry(client, "/").content.decode())
    assert after and after.group(1) != before.group(1)


@pytest.mark.django_db
def test_header_shows_the_new_display_name_on_coventry_only(client, rebranded_coventry):
    coventry_html = coventry(client, "/").content.decode()
    national_html = client.get("/").content.decode()

    header = section(coventry_html, '<header class="site-header', "</header>")
    assert '<span class="brand__name">Coventry Together Test</span>' in header
    assert COVENTRY_NAME not in header
    assert re.search(r"<title>[^<]*\| Coventry Together Test</title>", coventry_html)
    assert footer_name(coventry_html) == "Coventry Together Test"
    assert "Coventry Together Test" not in national_html
    assert footer_name(national_html) == NATIONAL_NAME


@pytest.mark.django_db
def test_each_site_has_its_own_theme_class(client):
    chapter = branded_site("Factory Chapter", "#123456", "chapter")
    national = branded_site("Factory National", "#2b2d6e", "coalition")

    def theme_of(site) -> str:
        return html_tag(client.get("/", HTTP_HOST=site.hostname).content.decode())

    assert 'class="theme-chapter"' in theme_of(chapter)
    assert 'class="theme-coalition"' in theme_of(national)
    settings = SiteSettings.for_site(chapter)
    settings.theme = "coalition"
    settings.save()
    assert 'class="theme-coalition"' in theme_of(chapter)


@pytest.mark.django_db
def test_footer_shows_each_sites_social_links_and_contact_email(client, network):
    coventry_footer = section(
        coventry(client, "/").content.decode(), '<footer class="site-footer"', "</footer>"
    )
    national_footer = section(
        client.get("/").content.decode(), '<footer class="site-footer"', "</footer>"
    )

    assert 'href="mailto:coventry@connectioncoalition.example"' in coventry_footer
    assert 'href="https://www.facebook.com/ConnectingForGoodCov"' in coventry_footer
    assert "Connecting for Good is Coventry&#x27;s chapter" in coventry_footer
    assert "hello@connectioncoalition.example" not in coventry_footer
    assert "CommunityMakesUs" not in coventry_footer

    assert 'href="mailto:hello@connectioncoalition.example"' in national_footer
    for url in (
        "https://www.facebook.com/CommunityMakesUs",
        "https://www.instagram.com/communitymakesus",
        "https://x.com/ConnectCoalitn",
    ):
        assert f'href="{url}"' in national_footer
    assert "ConnectingForGoodCov" not in national_footer


@pytest.mark.django_db
def test_footer_follows_settings_changes(client, network):
    settings = SiteSettings.for_site(network.coventry_site)
    settings.contact_email = "changed@coventry.example"
    settings.save()
    SocialLink.objects.create(
        settings=settings, platform="mastodon", url="https://mastodon.example/@cov", sort_order=5
    )

    footer = section(
        coventry(client, "/").content.decode(), '<footer class="site-footer"', "</footer>"
    )
    assert 'href="mailto:changed@coventry.example"' in footer
    assert 'href="https://mastodon.example/@cov"' in footer
    assert "coventry@connectioncoalition.example" not in footer


def nav_links(html: str) -> list[tuple[str, str, bool]]:
    nav = section(html, '<nav class="site-nav"', "</nav>")
    return [
        (href, label, bool(current))
        for href, current, label in re.findall(
            r'<a href="([^"]*)"( aria-current="page")?>([^<]*)</a>', nav
        )
    ]


COVENTRY_MENU = [
    ("/about/", "About"),
    ("/stories/", "Stories"),
    ("/get-involved/", "Get involved"),
    ("/news/", "News"),
    ("/newsletter/", "Newsletter"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("current", [path for path, _ in COVENTRY_MENU])
def test_coventry_navigation_marks_the_current_page(client, network, current):
    response = coventry(client, current)
    assert response.status_code == 200
    assert nav_links(response.content.decode()) == [
        (path, label, path == current) for path, label in COVENTRY_MENU
    ]


@pytest.mark.django_db
def test_coventry_navigation_marks_the_section_of_a_subpage(client, network):
    about = network.coventry_page("about")
    child = StandardPage(title="Our team", slug="our-team")
    about.add_child(instance=child)
    child.save_revision().publish()

    response = coventry(client, "/about/our-team/")
    assert response.status_code == 200
    links = nav_links(response.content.decode())
    assert [link for link in links if link[2]] == [("/about/", "About", True)]


@pytest.mark.django_db
def test_coventry_home_marks_no_menu_item_current(client, network):
    links = nav_links(coventry(client, "/").content.decode())
    assert [(path, label) for path, label, _ in links] == COVENTRY_MENU
    assert not any(current for _, _, current in links)


@pytest.mark.django_db
def test_navigation_leaves_out_unpublished_pages(client, network):
    network.coventry_page("stories").unpublish()
    links = nav_links(coventry(client, "/").content.decode())
    assert [label for _, label, _ in links] == ["About", "Get involved", "News", "Newsletter"]


@pytest.mark.django_db
def test_national_navigation_is_the_national_menu(client, network):
    links = nav_links(client.get("/community-makes-us/").content.decode())
    paths = ["/about/", "/community-makes-us/", "/stories/", "/members/", "/local-groups/"]
    paths += ["/newsletter/", "/news/"]
    assert [path for path, _, _ in links] == paths
    current = [path == "/community-makes-us/" for path in paths]
    assert [is_current for _, _, is_current in links] == current


# --- search stays on its own site -----------------------------------------------------------


def search(client, query, host=None, **params):
    extra = {"HTTP_HOST": host} if host else {}
    return client.get("/search/", {"q": query, **params}, **extra)


def result_links(html: str) -> list[str]:
    match = re.search(r'<ol class="search-results">(.*?)</ol>', html, re.S)
    return re.findall(r'<h2><a href="([^"]*)">', match.group(1)) if match else []


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["Encore", "Nesta"])
def test_coventry_search_never_returns_national_pages(client, network, word):
    national = search(client, word)
    local = search(client, word, host=COVENTRY_HOST)

    assert national.status_code == 200
    assert local.status_code == 200
    national_html, local_html = national.content.decode(), local.content.decode()
    # The national site has it...
    assert result_links(national_html), f"{word!r} should be found on the national site"
    if word == "Encore":
        assert f"/news/{ARTICLE_SLUG}/" in result_links(national_html)
        assert ARTICLE_TITLE in national_html
    # ...Coventry does not, and says so.
    assert result_links(local_html) == []
    assert ARTICLE_TITLE not in local_html
    assert ARTICLE_SLUG not in local_html
    assert "About the Connection Coalition" not in local_html
    assert f"Nothing on this site matches “{word}”." in local_html
    assert footer_name(local_html) == COVENTRY_NAME


@pytest.mark.django_db
def test_a_coventry_only_page_is_not_found_from_the_national_site(client, network):
    page = StandardPage(
        title="Zanzibarine gathering",
        slug="zanzibarine-gathering",
        intro="A quokkafestival for neighbours in Coventry.",
    )
    network.coventry_home.add_child(instance=page)
    page.save_revision().publish()

    local = search(client, "quokkafestival", host=COVENTRY_HOST).content.decode()
    national = search(client, "quokkafestival").content.decode()

    assert result_links(local) == ["/zanzibarine-gathering/"]
    assert "Zanzibarine gathering" in local
    assert result_links(national) == []
    assert "Zanzibarine gathering" not in national
    assert "Nothing on this site matches “quokkafestival”." in national


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": "a" * 10_000},
        {"q": "connect " * 2_000},
        {"q": "community", "page": "abc"},
        {"q": "community", "page": "999999"},
        {"q": "community", "page": "-1"},
        {"q": "<script>alert(1)</script>%_\\'"},
        {"q": 'say "hello'},
        {"q": ""},
        {},
    ],
    ids=[
        "10k-chars",
        "many-words",
        "page-abc",
        "page-too-far",
        "page-negative",
        "markup",
        "unbalanced-double-quote",
        "empty",
        "none",
    ],
)
@pytest.mark.parametrize("host", [NATIONAL_HOST, COVENTRY_HOST])
def test_search_never_fails_on_odd_input(client, network, params, host):
    response = client.get("/search/", params, HTTP_HOST=host)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html  # the query is echoed escaped
    assert "<h1>Search " in html


@pytest.mark.django_db
def test_search_results_page_number_abc_falls_back_to_the_first_page(client, network):
    first = search(client, "community").content.decode()
    odd = search(client, "community", page="abc").content.decode()
    assert result_links(first)
    assert result_links(odd) == result_links(first)


# --- sitemap and robots.txt per site --------------------------------------------------------


def sitemap_locs(response) -> list[str]:
    return re.findall(r"<loc>([^<]*)</loc>", response.content.decode())


@pytest.mark.django_db
def test_coventry_sitemap_lists_only_coventry_pages(client, network):
    response = coventry(client, "/sitemap.xml")
    assert response.status_code == 200
    locs = sitemap_locs(response)
    assert "http://coventry.localhost/" in locs
    assert "http://coventry.localhost/about/" in locs
    assert "http://coventry.localhost/get-involved/" in locs
    assert all(loc.startswith("http://coventry.localhost/") for loc in locs), locs
    assert not any("community-makes-us" in loc for loc in locs)
    assert not any(loc.startswith("http://localhost") for loc in locs)
    assert "/cy/" not in response.content.decode()


@pytest.mark.django_db
def test_national_sitemap_lists_only_national_pages_in_both_languages(client, network):
    response = client.get("/sitemap.xml", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    locs = sitemap_locs(response)
    assert "http://localhost/" in locs
    assert "http://localhost/cy/" in locs
    assert "http://localhost/about/" in locs
    assert "http://localhost/community-makes-us/" in locs
    assert f"http://localhost/news/{ARTICLE_SLUG}/" in locs
    assert all(loc.startswith("http://localhost/") for loc in locs), locs
    assert not any("coventry" in loc for loc in locs)


@pytest.mark.django_db
def test_sitemap_leaves_out_unpublished_pages(client, network):
    network.coventry_page("stories").unpublish()
    locs = sitemap_locs(coventry(client, "/sitemap.xml"))
    assert "http://coventry.localhost/stories/" not in locs
    assert "http://coventry.localhost/about/" in locs


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "sitemap_url"),
    [
        (NATIONAL_HOST, "http://localhost/sitemap.xml"),
        (COVENTRY_HOST, "http://coventry.localhost/sitemap.xml"),
    ],
)
def test_robots_txt_names_its_own_sitemap(client, network, host, sitemap_url):
    response = client.get("/robots.txt", HTTP_HOST=host)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    sitemaps = [line for line in lines if line.startswith("Sitemap:")]
    assert sitemaps == [f"Sitemap: {sitemap_url}"]


# --- languages ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_welsh_national_home(client, network):
    response = client.get("/cy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="cy"' in html
    assert re.search(r"<title>Clymblaid Cysylltiad \|", html)
    assert re.search(r"<h1[^>]*>Gweithio gyda’n gilydd", html)
    assert footer_name(html) == "Clymblaid Cysylltiad"  # the site's name in Welsh (site text)


@pytest.mark.django_db
def test_english_national_home_is_english(client, network):
    html = client.get("/").content.decode()
    assert '<html lang="en"' in html
    assert "Clymblaid Cysylltiad" not in html


def language_links(html: str) -> list[tuple[str, str, str]]:
    match = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S)
    if not match:
        return []
    return re.findall(r'<a href="([^"]*)" hreflang="([^"]*)"[^>]*>([^<]*)</a>', match.group(0))


@pytest.mark.django_db
def test_national_home_offers_english_and_welsh(client, network):
    english = client.get("/").content.decode()
    welsh = client.get("/cy/").content.decode()

    assert language_links(english) == [("/", "en", "English"), ("/cy/", "cy", "Cymraeg")]
    assert language_links(welsh) == [("/", "en", "English"), ("/cy/", "cy", "Cymraeg")]
    assert re.search(r'hreflang="en"[^>]*aria-current="true"', english)
    assert re.search(r'hreflang="cy"[^>]*aria-current="true"', welsh)
    assert not re.search(r'hreflang="cy"[^>]*aria-current="true"', english)


@pytest.mark.django_db
def test_coventry_offers_english_only_so_has_no_language_switcher(client, network):
    html = coventry(client, "/").content.decode()
    assert "language-switcher" not in html
    assert "hreflang" not in html
    assert '<html lang="en"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cy/", "/cy/about/"])
def test_welsh_url_on_coventry_is_a_branded_404(client, network, path):
    """Coventry offers English only and has no Welsh pages: /cy/ must not serve its English
    pages again under a Welsh URL and a lang="cy" label."""
    response = coventry(client, path)
    assert response.status_code == 404
    html = response.content.decode()
    assert footer_name(html) == COVENTRY_NAME
    assert 'class="theme-chapter"' in html_tag(html)
    assert "Clymblaid Cysylltiad" not in html


# --- branded error pages --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "name", "theme"),
    [(NATIONAL_HOST, NATIONAL_NAME, "coalition"), (COVENTRY_HOST, COVENTRY_NAME, "chapter")],
)
def test_missing_page_is_a_branded_404(client, network, host, name, theme):
    response = client.get("/no-such-page-here/", HTTP_HOST=host)
    assert response.status_code == 404
    html = response.content.decode()
    assert footer_name(html) == name
    assert f"Go to the {name} home page" in html
    assert f'class="theme-{theme}"' in html_tag(html)
    assert "We can&#x27;t find that page" in html or "We can't find that page" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "name", "other"),
    [(NATIONAL_HOST, NATIONAL_NAME, COVENTRY_NAME), (COVENTRY_HOST, COVENTRY_NAME, NATIONAL_NAME)],
)
def test_server_error_page_is_branded(network, host, name, other):
    request = RequestFactory().get("/", HTTP_HOST=host)
    response = site_views.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert footer_name(html) == name
    assert f"| {other}</title>" not in html
    assert "Sorry, something went wrong on our side" in html


@pytest.mark.django_db
def test_server_error_falls_back_to_a_plain_page_when_rendering_fails():
    site = branded_site("Factory Chapter", "#123456", "chapter")
    request = RequestFactory().get("/", HTTP_HOST=site.hostname)
    with mock.patch.object(
        site_views, "render", side_effect=OperationalError("database is unavailable")
    ) as render:
        response = site_views.server_error(request)
    assert render.called
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong on our side" in html
    assert "Factory Chapter" not in html
    assert "site-footer" not in html


@pytest.mark.django_db
def test_server_error_falls_back_when_the_database_is_down():
    """Without patching the view: finding the request's site (the brand's first query) fails."""
    site = branded_site("Factory Chapter", "#123456", "chapter")
    request = RequestFactory().get("/", HTTP_HOST=site.hostname)
    down = OperationalError("could not connect to server")
    with mock.patch("wagtail.models.Site.find_for_request", side_effect=down) as find_site:
        response = site_views.server_error(request)
    assert find_site.called
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, something went wrong on our side" in html
    assert "Factory Chapter" not in html
