"""A site that offers Welsh, a page with no Welsh version yet: /cy/<path>/ says so in Welsh
(lang="cy", the site's chrome) and links the English page marked hreflang/lang="en"; the
Welsh chrome's links lead to Welsh pages where they exist, else to English ones marked so; the
stories listing and a story under /cy/ follow the same rule, consent and reach the source's."""

import re

import pytest

from cms.stories.models import Story
from tests.conftest import NATIONAL_HOST

from .welsh import (
    CARDIFF_HOST,
    cardiff,
    html_lang,
    link_to,
    links,
    publish_welsh_home,
    story_cards,
    translate_page,
    welsh,
    welsh_text,
    without_welsh,
)

NOTICE = "This page is not available in this language yet"
STORY_NOTICE = "This story is not available in this language yet. Here it is in English."


def assert_welsh_notice(response, english_url: str, english_title: str) -> str:
    """The not-yet-translated answer: 404 (no Welsh page at this address), in Welsh chrome,
    not indexed, with the English page linked and marked English."""
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "cy"
    assert welsh_text(NOTICE) in html
    assert '<meta name="robots" content="noindex">' in html
    tag = link_to(html, english_url)
    assert 'hreflang="en"' in tag and 'lang="en"' in tag
    assert re.search(rf'href="{re.escape(english_url)}"[^>]*>{re.escape(english_title)}</a>', html)
    return html


# --- the national site: Welsh home, English About -----------------------------------------------


@pytest.mark.django_db
def test_untranslated_national_page_answers_a_welsh_notice(client, network):
    about = without_welsh(network.national_page("about"))
    response = client.get("/cy/about/", HTTP_HOST=NATIONAL_HOST)
    assert_welsh_notice(response, "/about/", about.title)


@pytest.mark.django_db
def test_unknown_welsh_path_is_the_sites_404_in_welsh(client, network):
    response = client.get("/cy/no-such-page/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "cy"
    assert welsh_text("We can't find that page") in html


@pytest.mark.django_db
def test_welsh_chrome_links_welsh_pages_or_english_ones_marked(client, network):
    without_welsh(network.national_page("about"))
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert html_lang(html) == "cy"
    home = link_to(html, "/cy/")
    assert 'hreflang="en"' not in home
    about = link_to(html, "/about/")  # About has no Welsh version: English, marked
    assert 'hreflang="en"' in about and 'lang="en"' in about
    chrome = html[: html.index("<main")] + html[html.index("</main>") :]
    for tag in links(chrome):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        if href.startswith("/") and not href.startswith("/cy/") and "hreflang" not in tag:
            pytest.fail(f"an English link not marked as English: {tag}")


@pytest.mark.django_db
def test_a_welsh_alias_is_not_served_as_welsh(client, network):
    """wagtail-localize fills a tree's gaps with aliases: English words under /cy/."""
    about = without_welsh(network.national_page("about"))
    about.copy_for_translation(welsh(), alias=True)
    response = client.get("/cy/about/", HTTP_HOST=NATIONAL_HOST)
    assert_welsh_notice(response, "/about/", about.title)


# --- a chapter made with --languages en,cy ------------------------------------------------------


@pytest.mark.django_db
def test_welsh_chapter_before_its_welsh_home_is_written(client, cardiff_site):
    """The Welsh home is a draft until an editor has written it: /cy/ says so."""
    assert_welsh_notice(cardiff(client, "/cy/"), "/", "Cardiff Connects")
    assert_welsh_notice(cardiff(client, "/cy/about/"), "/about/", "About")


@pytest.mark.django_db
def test_welsh_chapter_serves_welsh_pages_and_notices_for_the_rest(client, cardiff_site):
    publish_welsh_home(cardiff_site)
    about = cardiff_site.root_page.get_children().get(slug="about")
    translate_page(about, "Amdanom ni", "amdanom")

    response = cardiff(client, "/cy/amdanom/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "cy"
    assert "Amdanom ni" in html
    assert 'hreflang="en"' not in link_to(html, "/cy/amdanom/")
    news = link_to(html, "/news/")
    assert 'hreflang="en"' in news and 'lang="en"' in news

    # The English address under /cy/ leads to the Welsh page where there is one.
    redirect = cardiff(client, "/cy/about/")
    assert redirect.status_code == 302
    assert redirect["Location"] == "/cy/amdanom/"
    assert_welsh_notice(cardiff(client, "/cy/get-involved/"), "/get-involved/", "Get involved")
    assert_welsh_notice(
        cardiff(client, "/cy/get-involved/volunteer/"), "/get-involved/volunteer/", "Volunteer"
    )


@pytest.mark.django_db
def test_a_welsh_page_published_before_its_welsh_home_is_a_notice_not_a_redirect_loop(
    client, cardiff_site
):
    """A Welsh About published while the Welsh home is still a draft cannot be reached yet
    (Wagtail routes /cy/ through the English tree until that home is live): /cy/about/ says so
    instead of redirecting to itself."""
    about = cardiff_site.root_page.get_children().get(slug="about")
    translate_page(about, "Amdanom ni")
    assert_welsh_notice(cardiff(client, "/cy/about/"), "/about/", "About")
    publish_welsh_home(cardiff_site)
    response = cardiff(client, "/cy/about/")
    assert response.status_code == 200 and "Amdanom ni" in response.content.decode()


# --- stories in Welsh ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_welsh_story_listing_shows_welsh_versions_and_marks_english_ones(client, welsh_stories):
    response = cardiff(client, "/cy/straeon/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "cy"
    cards = story_cards(html)
    assert "Clwb garddio" in cards and 'lang="en"' not in cards["Clwb garddio"]
    assert "Garden club" not in cards
    assert 'lang="en"' in cards["Repair cafe"]
    english = cardiff(client, "/stories/").content.decode()
    assert "Garden club" in story_cards(english) and "Clwb garddio" not in story_cards(english)


@pytest.mark.django_db
def test_welsh_story_page_serves_the_welsh_version_or_the_english_marked(client, welsh_stories):
    welsh_page = cardiff(client, "/cy/straeon/garden-club/")
    assert welsh_page.status_code == 200
    html = welsh_page.content.decode()
    assert "Clwb garddio" in html
    assert welsh_text(STORY_NOTICE) not in html

    english_page = cardiff(client, "/cy/straeon/repair-cafe/")
    assert english_page.status_code == 200
    html = english_page.content.decode()
    assert html_lang(html) == "cy"
    assert welsh_text(STORY_NOTICE) in html
    assert re.search(r'<article class="article story" lang="en">', html)


@pytest.mark.django_db
def test_consent_and_reach_follow_the_source_story(client, welsh_stories):
    translated, welsh_version, _english_only = welsh_stories
    # The Welsh version's own fields say "visible"; the source's say otherwise.
    Story.objects.filter(pk=welsh_version.pk).update(reach=Story.Reach.NETWORK)
    Story.objects.filter(pk=translated.pk).update(consent_withdrawn_at="2025-01-01T00:00Z")
    listing = cardiff(client, "/cy/straeon/").content.decode()
    assert "Clwb garddio" not in listing and "Garden club" not in listing
    assert cardiff(client, "/cy/straeon/garden-club/").status_code == 404
    # Reach: a Cardiff-only story's Welsh version marked "network" stays off other sites.
    Story.objects.filter(pk=translated.pk).update(consent_withdrawn_at=None)
    national = client.get("/stories/", HTTP_HOST=NATIONAL_HOST).content.decode()
    welsh_national = client.get("/cy/", HTTP_HOST=NATIONAL_HOST)
    assert welsh_national.status_code == 200
    assert "Garden club" not in national


@pytest.mark.django_db
def test_no_such_welsh_story_is_a_404_not_an_error(client, welsh_stories):
    assert cardiff(client, "/cy/straeon/no-such-story/").status_code == 404


@pytest.mark.django_db
def test_welsh_search_searches_welsh_pages_in_welsh_chrome(client, cardiff_site):
    publish_welsh_home(cardiff_site)
    about = cardiff_site.root_page.get_children().get(slug="about")
    translate_page(about, "Amdanom ni Caerdydd", "amdanom")
    response = cardiff(client, "/cy/search/?q=Amdanom")
    assert response.status_code == 200
    html = response.content.decode()
    assert html_lang(html) == "cy"
    assert 'href="/cy/amdanom/"' in html
    english = cardiff(client, "/search/?q=Amdanom").content.decode()
    assert 'href="/cy/amdanom/"' not in english


@pytest.mark.django_db
def test_links_in_welsh_content_lead_to_welsh_pages_or_are_marked(client, cardiff_site):
    """A Welsh page's own links (its hero button, buttons and rich text) lead to the Welsh
    version of a page where it is live, else to the English one with hreflang="en"."""
    home = publish_welsh_home(cardiff_site)
    get_involved = cardiff_site.root_page.get_children().get(slug="get-involved")
    about = cardiff_site.root_page.get_children().get(slug="about")
    translate_page(about, "Amdanom ni", "amdanom")
    home.hero_cta_label = "Cymryd rhan"
    home.hero_cta_page = get_involved  # English: not translated
    home.body = [
        {
            "type": "call_to_action",
            "value": {"label": "Amdanom", "page": about.pk, "url": "", "style": "primary"},
        },
        {
            "type": "paragraph",
            "value": (
                f'<p><a linktype="page" id="{about.pk}">Amdanom</a> a '
                f'<a linktype="page" id="{get_involved.pk}">Cymryd rhan</a></p>'
            ),
        },
    ]
    home.save_revision().publish()
    html = client.get("/cy/", HTTP_HOST=CARDIFF_HOST).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    for tag in links(main):
        href = re.search(r'href="([^"]*)"', tag).group(1)
        if href.startswith("/") and not href.startswith("/cy/"):
            assert 'hreflang="en"' in tag, tag
    assert 'href="/cy/amdanom/"' in main
    assert 'href="/about/"' not in main
    assert re.search(r'<a [^>]*href="/get-involved/" hreflang="en"', main)


@pytest.mark.django_db
def test_welsh_search_marks_stories_still_in_english(client, welsh_stories):
    html = cardiff(client, "/cy/search/?q=Repair").content.decode()
    assert html_lang(html) == "cy"
    assert re.search(r'<h3 lang="en"><a href="/cy/straeon/repair-cafe/">Repair cafe</a>', html)
    welsh_hit = cardiff(client, "/cy/search/?q=garddio").content.decode()
    assert re.search(r'<h3><a href="/cy/straeon/garden-club/">Clwb garddio</a>', welsh_hit)


@pytest.mark.django_db
def test_welsh_search_before_the_welsh_home_marks_english_pages(client, cardiff_site):
    # "Volunteer", not "About": PostgreSQL's English search drops "about" as a stop word.
    html = cardiff(client, "/cy/search/?q=Volunteer").content.decode()
    assert html_lang(html) == "cy"
    assert re.search(
        r'<h2 lang="en"><a href="/get-involved/volunteer/" hreflang="en">Volunteer</a></h2>', html
    )


@pytest.mark.django_db
def test_no_such_story_under_a_welsh_index_is_a_plain_welsh_404(client, cardiff_site):
    publish_welsh_home(cardiff_site)
    translate_page(cardiff_site.root_page.get_children().get(slug="stories"), "Straeon")
    response = cardiff(client, "/cy/stories/no-such-story/")
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "cy"
    assert welsh_text(NOTICE) not in html
    assert welsh_text("We can't find that page") in html
