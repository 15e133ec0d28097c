"""A resident's journeys from each site's home: every call to action (the hero's button, the
buttons in the page, the cards of an index page) answers with what it promises: the volunteer
and "have a chat" forms, the newsletter signup, the story form, joining, the campaign. The
newsletter is linked from every site's menu or footer. On the demo's two sites and on Leeds,
a chapter made by create_chapter (what any new chapter gets by default)."""

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST

# What a destination offers, told by what a resident sees there.
OFFERS = {
    "volunteer form": lambda doc: _has_field(doc, "How would you like to help?"),
    "have-a-chat form": lambda doc: _has_field(doc, "What would you like to talk about?"),
    "newsletter signup": lambda doc: (
        doc.select_one("form.newsletter-signup__form input[name=email]") is not None
    ),
    "share your story form": lambda doc: _has_field(doc, "Your story"),
    "join form": lambda doc: _has_field(doc, "Why do you want to join?"),
    "the campaign": lambda doc: "page--campaign" in doc.body.get("class", []),
}


def _has_field(doc, label: str) -> bool:
    """Whether a form of the page asks this (a label may go on with "(optional)")."""
    return any(
        element.get_text(" ", strip=True).startswith(label)
        for form in doc.find_all("form", method="post")
        for element in form.find_all(["label", "legend"])
    )


def _get(client, host: str, url: str):
    parts = urlsplit(url)
    response = client.get(parts.path, HTTP_HOST=parts.netloc.split(":")[0] or host)
    assert response.status_code == 200, f"{url} on {host} answered {response.status_code}"
    return BeautifulSoup(response.content, "html.parser")


def _calls_to_action(doc) -> list[str]:
    """The hero's and the body's buttons and the cards' links, in the page's main content."""
    main = doc.find("main")
    links = main.select("a.button") + main.select(".card-list .card a")
    links += [a for a in main.select(".block--paragraph a") if "share" in a["href"]]
    return list(dict.fromkeys(a["href"] for a in links))


def _offers(doc) -> set[str]:
    return {name for name, shows in OFFERS.items() if shows(doc)}


def _one_click_from(client, host: str, path: str) -> set[str]:
    """What the calls to action of the page at `path` lead to; each must answer 200."""
    offered = set()
    for url in _calls_to_action(_get(client, host, path)):
        offered |= _offers(_get(client, host, url))
    return offered


def _newsletter_in_menu_or_footer(client, host: str) -> bool:
    doc = _get(client, host, "/")
    links = doc.select("header nav a, footer a")
    return any("newsletter signup" in _offers(_get(client, host, a["href"])) for a in links)


def test_coventry_home_leads_to_every_way_to_get_involved(client, network):
    assert _one_click_from(client, COVENTRY_HOST, "/") >= {
        "volunteer form",
        "have-a-chat form",
        "newsletter signup",
        "share your story form",
    }


def test_national_home_leads_to_the_campaign_and_joining(client, network):
    assert _one_click_from(client, NATIONAL_HOST, "/") >= {"the campaign", "join form"}


def test_a_new_chapters_home_leads_to_get_involved_which_lists_every_way(client, leeds):
    home = _get(client, LEEDS_HOST, "/")
    hero = home.select_one(".hero a.button")
    assert hero is not None and hero.get_text(strip=True) == "Get involved"
    assert _one_click_from(client, LEEDS_HOST, hero["href"]) >= {
        "volunteer form",
        "have-a-chat form",
        "newsletter signup",
        "share your story form",
    }


def test_get_involved_shows_its_forms_as_cards(client, network):
    doc = _get(client, COVENTRY_HOST, "/get-involved/")
    cards = doc.select("main ul.card-list > li.card")
    assert [card.find("a").get_text(strip=True) for card in cards] == ["Volunteer", "Have a chat"]
    assert all(len(card.find_all("a")) == 1 for card in cards)
    assert "Volunteer your time, passions and skills." in cards[0].get_text()


def test_a_draft_child_page_is_no_card(client, leeds):
    get_involved = leeds.site.root_page.get_children().get(slug="get-involved")
    get_involved.get_children().get(slug="volunteer").specific.unpublish()
    doc = _get(client, LEEDS_HOST, "/get-involved/")
    titles = [a.get_text(strip=True) for a in doc.select("main .card-list a")]
    assert titles == ["Have a chat"]


@pytest.mark.parametrize("host", [NATIONAL_HOST, COVENTRY_HOST])
def test_the_demo_sites_link_their_newsletter_from_the_menu_or_footer(client, network, host):
    assert _newsletter_in_menu_or_footer(client, host)


def test_a_new_chapter_links_its_newsletter_from_the_menu_or_footer(client, leeds):
    assert _newsletter_in_menu_or_footer(client, LEEDS_HOST)
