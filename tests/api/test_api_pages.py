"""/api/v2/pages/: the requesting site's live, public pages, in the languages it offers; no
parameter reaches another site's pages."""

import pytest
from wagtail.models import Locale, Page, PageViewRestriction

from cms.core.models import NewsArticlePage
from tests import shared_chapter
from tests.factories import StandardPageFactory

pytestmark = pytest.mark.django_db


def pages(client, host="localhost", **params):
    response = client.get("/api/v2/pages/", {"limit": 50, **params}, HTTP_HOST=host)
    return response


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def tree_ids(site, offered=("en",)) -> set[int]:
    """Every live, public page of `site`'s trees in the languages it offers (no aliases)."""
    homes = Page.objects.filter(
        translation_key=site.root_page.translation_key, locale__language_code__in=offered
    )
    found = set()
    for home in homes:
        found |= set(
            Page.objects.descendant_of(home, inclusive=True)
            .live()
            .public()
            .filter(alias_of__isnull=True)
            .values_list("pk", flat=True)
        )
    return found


def test_each_host_lists_its_own_pages_only(client, network):
    national = ids(pages(client))
    coventry = ids(pages(client, "coventry.localhost"))

    assert national == tree_ids(network.national_site, ("en", "cy"))
    assert coventry == tree_ids(network.coventry_site)
    assert national and coventry and not national & coventry


def test_site_parameter_cannot_reach_another_site(client, network):
    response = pages(client, site="coventry.localhost")
    assert response.status_code == 400
    assert "own site" in response.json()["message"]
    assert pages(client, "coventry.localhost", site="localhost").status_code == 400
    # Naming its own site is allowed.
    assert ids(pages(client, site="localhost")) == ids(pages(client))


@pytest.mark.parametrize(
    "parameter", ["child_of", "descendant_of", "ancestor_of", "translation_of"]
)
def test_another_sites_page_ids_are_refused(client, network, parameter):
    coventry_about = network.coventry_page("about")
    page_id = coventry_about.pk if parameter == "ancestor_of" else network.coventry_home.pk

    response = pages(client, **{parameter: page_id})

    assert response.status_code in (400, 404)
    assert "coventry" not in response.content.decode().lower()


def test_detail_of_another_sites_page_is_404(client, network):
    coventry_about = network.coventry_page("about")

    assert client.get(f"/api/v2/pages/{coventry_about.pk}/").status_code == 404
    detail = client.get(f"/api/v2/pages/{coventry_about.pk}/", HTTP_HOST="coventry.localhost")
    assert detail.status_code == 200
    assert detail.json()["title"] == coventry_about.title
    assert detail.json()["meta"]["html_url"] == "http://coventry.localhost/about/"


def test_child_of_root_is_this_sites_home(client, network):
    children = ids(pages(client, "coventry.localhost", child_of="root"))

    assert children == set(
        network.coventry_home.get_children().live().public().values_list("pk", flat=True)
    )


def test_child_of_root_in_welsh_is_the_welsh_homes_children(client, network):
    welsh_home = network.national_home.get_translation(Locale.objects.get(language_code="cy"))

    children = ids(pages(client, child_of="root", locale="cy"))

    assert children == set(welsh_home.get_children().live().public().values_list("pk", flat=True))
    assert children


def test_locale_filter(client, network):
    welsh = pages(client, locale="cy")
    english = pages(client, locale="en")

    assert {item["meta"]["locale"] for item in welsh.json()["items"]} == {"cy"}
    assert {item["meta"]["locale"] for item in english.json()["items"]} == {"en"}
    assert ids(welsh) | ids(english) == ids(pages(client))
    # Coventry offers English only: nothing of it in Welsh.
    assert ids(pages(client, "coventry.localhost", locale="cy")) == set()
    assert pages(client, locale="xx").status_code == 404


def test_drafts_and_private_pages_are_left_out(client, network):
    draft = StandardPageFactory(
        parent=network.national_home, title="Draft plans", live=False, publish=False
    )
    about = network.national_page("about")
    PageViewRestriction.objects.create(page=about, restriction_type="password", password="x")

    listed = ids(pages(client))

    assert draft.pk not in listed and about.pk not in listed
    assert client.get(f"/api/v2/pages/{about.pk}/").status_code == 404
    assert not {page.pk for page in about.get_descendants()} & listed


def test_page_size_is_limited_to_50(client, network):
    assert pages(client, limit=50).status_code == 200
    too_many = pages(client, limit=51)
    assert too_many.status_code == 400
    assert too_many.json()["message"] == "limit cannot be higher than 50"
    assert pages(client, limit="x").status_code == 400
    assert len(pages(client, limit=2).json()["items"]) == 2


def test_a_create_chapter_chapter_lists_its_own_pages(client, leeds):
    leeds_pages = ids(pages(client, "leeds.localhost"))

    assert leeds_pages == tree_ids(leeds.site)
    assert len(leeds_pages) >= 5
    assert not leeds_pages & ids(pages(client))
    assert not leeds_pages & ids(pages(client, "coventry.localhost"))
    assert pages(client, "leeds.localhost", site="localhost").status_code == 400
    response = pages(client, child_of=leeds.site.root_page_id)
    assert response.status_code == 400


@pytest.mark.parametrize(
    "query",
    [
        "locale=%00",
        "title=%00",
        "search=%00",
        "html_path=%00",
        "id=x",
        "first_published_at=x",
        "search_operator=x&search=a",
        "child_of=99999999999999999999",
        "fields=nope",
        "order=nope",
        "type=nope.Nope",
    ],
)
def test_bad_queries_are_400_never_500(client, network, query):
    """Wagtail's own filters pass some of these to the database as they are (a 500 there)."""
    for path in ("/api/v2/pages/", "/api/v2/pages/find/", "/api/v2/stories/", "/api/v2/members/"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (400, 404), (path, query, response.status_code)
        assert response["Content-Type"] == "application/json"
        assert response.json()["message"]


def test_unknown_addresses_under_the_api_are_json_404s(client, network):
    for path in ("/api/v2/pages/-1/", "/api/v2/nothing/", "/api/v2/stories/x/"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.json() == {"message": "not found"}


def test_a_news_articles_content(client, network):
    article = NewsArticlePage.objects.live().filter(locale__language_code="en").first()

    detail = client.get(f"/api/v2/pages/{article.pk}/?rich_text_format=html").json()
    assert detail["intro"] == article.intro
    assert detail["date"] == article.date.isoformat()
    assert detail["body"] == [] or {block["type"] for block in detail["body"]}
    listed = pages(client, type="core.NewsArticlePage", fields="intro,author", locale="en")
    assert [item["intro"] for item in listed.json()["items"]] == [article.intro]


def test_a_campaigns_photo_is_a_rendition(client, network):
    campaign = network.national_page("community-makes-us")

    detail = client.get(f"/api/v2/pages/{campaign.pk}/").json()

    assert detail["hero_image"]["url"].startswith("/media/images/")
    assert detail["hero_image"]["width"] == 1200 and detail["hero_image"]["height"] == 630
    assert detail["manifesto_title"] == campaign.manifesto_title


@pytest.mark.parametrize("rich_text_format", ["db_html", "html", "markdown"])
def test_every_page_serialises_with_every_field(client, network, rich_text_format):
    """Each page type's content fields, on both sites and in Welsh, in each rich text format."""
    for host in ("localhost", "coventry.localhost"):
        listing = pages(client, host, fields="*", rich_text_format=rich_text_format)
        assert listing.status_code == 200, listing.content
        for item in listing.json()["items"]:
            detail = client.get(
                f"/api/v2/pages/{item['id']}/",
                {"fields": "*", "rich_text_format": rich_text_format},
                HTTP_HOST=host,
            )
            assert detail.status_code == 200, (item["meta"]["type"], detail.content[:300])


def test_nothing_under_a_welsh_home_that_is_still_a_draft(client, leeds):
    """A chapter that starts offering Welsh gets its Welsh home as a draft: until it is
    published the site is not in Welsh, whatever is live under it."""
    shared_chapter.make_leeds(languages="en,cy")  # create_chapter again: Welsh offered
    welsh_home = leeds.site.root_page.get_translation(Locale.objects.get(language_code="cy"))
    assert not welsh_home.live
    welsh_page = StandardPageFactory(parent=welsh_home, title="Tudalen", slug="tudalen")
    welsh_page.locale = welsh_home.locale
    welsh_page.save()

    assert welsh_page.pk not in ids(pages(client, "leeds.localhost", locale="cy"))
    welsh_home.specific.save_revision().publish()
    assert welsh_page.pk in ids(pages(client, "leeds.localhost", locale="cy"))
