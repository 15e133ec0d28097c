"""The story library as a reader sees it: which stories each site lists and serves, the detail
page's share metadata, the filters and pages of /stories/, escaping, the featured-stories block,
and consent checked at read time (before any periodic task has run)."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from django.utils import timezone
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Locale

from chapters.provisioning import provision_chapter
from cms.core.blocks import BaseStreamBlock
from cms.core.models import StandardPage
from cms.stories.models import Story, Theme
from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.factories import StoryFactory, ThemeFactory

LEEDS_HOST = "leeds.localhost"
NETWORK_STORIES = {"this-mum-runs", "zak-qpg-hub", "orla-and-jean"}
ROSE = "rose-coventry"
XSS_SCRIPT = "<script>alert(1)</script>"
XSS_ATTR = '"><img src=x onerror=alert(1)>'


# --- helpers -----------------------------------------------------------------------------------


def make_story(site, slug: str, *, reach=Story.Reach.NETWORK, themes=(), **fields) -> Story:
    """A live story, straight into the database (no revision: the public pages read the row)."""
    values = {
        "title": f"Story {slug}",
        "quote": f"The words of {slug}.",
        "consent_given_on": datetime.date(2024, 1, 1),
        "locale": Locale.get_default(),
    }
    values.update(fields)
    story = Story(slug=slug, site=site, reach=reach, **values)
    story.save()
    if themes:
        story.themes = list(themes)
        story.save()
    return story


def theme(slug: str) -> Theme:
    return Theme.objects.get(slug=slug, locale=Locale.get_default())


def get(client, path: str, host: str):
    return client.get(path, HTTP_HOST=host)


def page_html(client, path: str, host: str) -> str:
    response = get(client, path, host)
    assert response.status_code == 200, f"{host}{path} answered {response.status_code}"
    return response.content.decode()


CARD_LINK = re.compile(r'<h3 class="story-card__title"><a href="([^"]*)">')


def card_slugs(html: str, prefix: str = "/stories/") -> list[str]:
    """The stories shown as cards, in order, by the slug in each card's link."""
    slugs = []
    for href in CARD_LINK.findall(html):
        assert href.startswith(prefix) and href.endswith("/"), href
        slugs.append(href[len(prefix) : -1])
    return slugs


def listed(client, host: str, query: str = "") -> set[str]:
    html = page_html(client, f"/stories/{query}", host)
    slugs = card_slugs(html)
    assert len(slugs) == len(set(slugs)), f"a story listed twice: {slugs}"
    return set(slugs)


class Tags(HTMLParser):
    """The attributes of every start tag, values unescaped as a browser would read them."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def find(self, tag: str, **wanted) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag
            and all(attrs.get(k.rstrip("_").replace("_", "-")) == v for k, v in wanted.items())
        ]

    def meta(self, key: str) -> str:
        """The content of the one <meta property=key> or <meta name=key>."""
        found = self.find("meta", property=key) + self.find("meta", name=key)
        assert len(found) == 1, f"{len(found)} <meta> tags for {key!r}"
        return found[0]["content"]

    def hrefs(self, starting: str) -> list[str]:
        return [
            attrs["href"]
            for name, attrs in self.tags
            if name == "a" and attrs.get("href", "").startswith(starting)
        ]


def new_page_with_body(parent, slug: str, body: list[dict]) -> StandardPage:
    page = StandardPage(title=f"Page {slug}", slug=slug, body=body)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def featured(mode: str, *, stories=(), theme_obj=None, count=3, heading="Featured here") -> dict:
    return {
        "type": "featured_stories",
        "value": {
            "heading": heading,
            "mode": mode,
            "stories": [story.pk for story in stories],
            "theme": theme_obj.pk if theme_obj else None,
            "count": count,
        },
    }


def featured_slugs(html: str) -> list[str]:
    """The stories in the page's featured-stories section(s)."""
    sections = re.findall(r'<section class="featured-stories".*?</section>', html, re.S)
    return [slug for section in sections for slug in card_slugs(section)]


@pytest.fixture
def leeds(db):
    return provision_chapter("leeds", "Leeds Connects", LEEDS_HOST, city="Leeds").chapter


# --- which stories each site shows ------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "expected"),
    [(NATIONAL_HOST, NETWORK_STORIES), (COVENTRY_HOST, NETWORK_STORIES | {ROSE})],
    ids=["national", "coventry"],
)
def test_index_lists_network_stories_and_the_sites_own(client, network, host, expected):
    assert listed(client, host) == expected


@pytest.mark.django_db
def test_a_new_chapter_shows_network_stories_and_only_its_own_local_ones(client, network, leeds):
    mine = make_story(leeds.site, "leeds-local", reach=Story.Reach.LOCAL, town="Leeds")

    assert listed(client, LEEDS_HOST) == NETWORK_STORIES | {mine.slug}
    assert listed(client, NATIONAL_HOST) == NETWORK_STORIES
    assert listed(client, COVENTRY_HOST) == NETWORK_STORIES | {ROSE}
    assert get(client, "/stories/leeds-local/", LEEDS_HOST).status_code == 200
    assert get(client, "/stories/leeds-local/", NATIONAL_HOST).status_code == 404
    assert get(client, "/stories/leeds-local/", COVENTRY_HOST).status_code == 404


@pytest.mark.django_db
def test_an_offered_story_stays_home_until_promoted_to_the_network(client, network, leeds):
    story = make_story(network.coventry_site, "coventry-offered", reach=Story.Reach.OFFERED)

    assert story.slug in listed(client, COVENTRY_HOST)
    assert story.slug not in listed(client, NATIONAL_HOST)
    assert story.slug not in listed(client, LEEDS_HOST)
    assert get(client, "/stories/coventry-offered/", NATIONAL_HOST).status_code == 404
    assert get(client, "/stories/coventry-offered/", LEEDS_HOST).status_code == 404

    story.reach = Story.Reach.NETWORK
    story.save()

    for host in (NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST):
        assert story.slug in listed(client, host), host
        html = page_html(client, "/stories/coventry-offered/", host)
        # Wherever it is read, search engines are sent to its home, Coventry.
        assert Tags(html).find("link", rel="canonical")[0]["href"] == (
            f"http://{COVENTRY_HOST}/stories/coventry-offered/"
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "status"), [(NATIONAL_HOST, 404), (LEEDS_HOST, 404), (COVENTRY_HOST, 200)]
)
def test_a_local_story_is_served_on_its_home_site_only(client, network, leeds, host, status):
    assert get(client, f"/stories/{ROSE}/", host).status_code == status


@pytest.mark.django_db
def test_a_draft_story_is_nowhere(client, network, leeds):
    make_story(network.national_site, "a-draft", reach=Story.Reach.NETWORK, live=False)
    for host in (NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST):
        assert "a-draft" not in listed(client, host)
        assert get(client, "/stories/a-draft/", host).status_code == 404


@pytest.mark.django_db
def test_a_story_in_another_locale_is_not_listed(client, network):
    welsh = Locale.objects.get(language_code="cy")
    make_story(network.national_site, "stori-gymraeg", locale=welsh, title="Stori Gymraeg")
    for host in (NATIONAL_HOST, COVENTRY_HOST):
        html = page_html(client, "/stories/", host)
        assert "stori-gymraeg" not in card_slugs(html)
        assert "Stori Gymraeg" not in html
        assert get(client, "/stories/stori-gymraeg/", host).status_code == 404


# --- the detail page -----------------------------------------------------------------------


@pytest.mark.django_db
def test_story_page_shares_its_home_sites_address_under_the_readers_brand(client, network):
    story = Story.objects.get(slug="zak-qpg-hub", locale=Locale.get_default())
    # The demo sites are built on port 80 for tests: no port in their URLs.
    assert network.national_site.root_url == "http://localhost"
    canonical = "http://localhost/stories/zak-qpg-hub/"

    html = page_html(client, "/stories/zak-qpg-hub/", COVENTRY_HOST)
    tags = Tags(html)

    assert [link["href"] for link in tags.find("link", rel="canonical")] == [canonical]
    assert tags.meta("og:url") == canonical
    assert tags.meta("og:title") == story.title
    assert tags.meta("og:description") == story.quote
    assert tags.meta("twitter:card") == "summary_large_image"
    share_image = story.image.get_rendition("fill-1200x630")
    assert (share_image.width, share_image.height) == (1200, 630)
    assert tags.meta("og:image") == f"http://{COVENTRY_HOST}{share_image.url}"
    assert (tags.meta("og:image:width"), tags.meta("og:image:height")) == ("1200", "630")

    # Every way of sharing carries the canonical address.
    (facebook,) = tags.hrefs("https://www.facebook.com/sharer/sharer.php?")
    assert parse_qs(urlsplit(facebook).query)["u"] == [canonical]
    (twitter,) = tags.hrefs("https://twitter.com/intent/tweet?")
    assert parse_qs(urlsplit(twitter).query)["url"] == [canonical]
    (whatsapp,) = tags.hrefs("https://wa.me/?")
    assert parse_qs(urlsplit(whatsapp).query)["text"][0].endswith(canonical)
    (email,) = tags.hrefs("mailto:?")
    assert parse_qs(email.split("?", 1)[1])["body"] == [canonical]
    assert quote(canonical, safe="") in facebook
    (copy,) = [attrs for _, attrs in tags.tags if "data-copy-url" in attrs]
    assert copy["data-copy-url"] == canonical

    # The photo, its credit and its alt text.
    assert re.search(r'<img alt="Zak packing food parcels at QPG Hub" class="figure__image"', html)
    assert '<span class="figure__credit">Photo credit: QPG Hub</span>' in html

    # The reader's site's brand (Coventry), not the story's home site's.
    name = SiteSettings.for_site(network.coventry_site).display_name
    assert name == "Connecting for Good Coventry"
    assert f'<span class="brand__name">{name}</span>' in html
    assert re.search(rf"<title>{re.escape(story.title)} \| {name}</title>", html)
    assert tags.meta("og:site_name") == name
    assert "Connection Coalition</span>" not in html


@pytest.mark.django_db
def test_a_chapter_story_is_canonical_on_the_chapter(client, network):
    html = page_html(client, f"/stories/{ROSE}/", COVENTRY_HOST)
    canonical = f"http://{COVENTRY_HOST}/stories/{ROSE}/"
    tags = Tags(html)
    assert tags.find("link", rel="canonical")[0]["href"] == canonical
    assert tags.meta("og:url") == canonical


# --- filters and pages ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("host", "query", "expected"),
    [
        (NATIONAL_HOST, "?theme=friendship", {"orla-and-jean"}),
        (COVENTRY_HOST, "?theme=friendship", {"orla-and-jean", ROSE}),
        (NATIONAL_HOST, "?town=Bristol", {"this-mum-runs"}),
        (COVENTRY_HOST, "?town=Coventry", {ROSE}),
        (NATIONAL_HOST, "?theme=kindness&town=London", {"zak-qpg-hub"}),
    ],
)
def test_filters(client, network, host, query, expected):
    assert listed(client, host, query) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "?theme=no-such-theme",
        "?town=Atlantis",
        "?theme=friendship&town=Bristol",  # both exist, never together
        "?theme=" + "x" * 500,
    ],
)
def test_filters_matching_nothing_say_so(client, network, query):
    html = page_html(client, f"/stories/{query}", NATIONAL_HOST)
    assert card_slugs(html) == []
    assert "No stories match" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?theme=%00", "all"),  # nothing left once the control character goes: no filter
        ("?town=%00", "all"),
        ("?theme=a%00b&town=Bristol%00", "none"),  # "ab" is no theme
        ("?town=Bris%00tol", "bristol"),
    ],
)
def test_filters_with_nul_characters_are_not_an_error(client, network, query, expected):
    """Bad input never gives a 500 (PostgreSQL refuses NUL characters in a query parameter):
    control characters are dropped from filters before they reach the database."""
    html = page_html(client, f"/stories/{query}", NATIONAL_HOST)
    if expected == "all":
        assert card_slugs(html) and "No stories match" not in html
    elif expected == "bristol":
        assert card_slugs(html) == ["this-mum-runs"]
    else:
        assert "No stories match" in html


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["999", "abc", "0", "-1", "", "1.5"])
def test_out_of_range_or_garbled_page_numbers_still_list_stories(client, network, page):
    assert listed(client, NATIONAL_HOST, f"?page={page}") == NETWORK_STORIES


def _pagination(html: str) -> dict[str, dict[str, list[str]]]:
    """rel=prev/next link -> its query string, parsed as a browser would send it."""
    links = {}
    for attrs in Tags(html).find("a"):
        if attrs.get("rel") in ("prev", "next"):
            links[attrs["rel"]] = parse_qs(urlsplit(attrs["href"]).query, keep_blank_values=True)
    return links


def _make_many(network, count: int, town: str, theme_slug: str) -> set[str]:
    friendship = theme(theme_slug)
    return {
        make_story(
            network.national_site,
            f"many-{index:02d}",
            town=town,
            themes=[friendship],
            consent_given_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=index),
        ).slug
        for index in range(count)
    }


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client, network):
    made = _make_many(network, 30, "Bristol", "friendship")
    filters = {"theme": ["friendship"], "town": ["Bristol"]}

    seen: list[str] = []
    query = "?theme=friendship&town=Bristol"
    for number, size in ((1, 12), (2, 12), (3, 6)):
        html = page_html(client, f"/stories/{query}", NATIONAL_HOST)
        assert f"Page {number} of 3" in html
        assert "30 stories" in html
        slugs = card_slugs(html)
        assert len(slugs) == size
        seen += slugs
        links = _pagination(html)
        if number > 1:
            assert links["prev"] == {**filters, "page": [str(number - 1)]}
        if number < 3:
            assert links["next"] == {**filters, "page": [str(number + 1)]}
            query = "?" + unescape(Tags(html).find("a", rel="next")[0]["href"]).split("?", 1)[1]
        else:
            assert "next" not in links
    assert sorted(seen) == sorted(made)


@pytest.mark.django_db
def test_pagination_keeps_a_filter_that_needs_encoding(client, network):
    """Town names are free text: "Brighton & Hove" must survive the next-page link."""
    _make_many(network, 13, "Brighton & Hove", "friendship")
    html = page_html(client, "/stories/?town=Brighton+%26+Hove", NATIONAL_HOST)
    assert "Page 1 of 2" in html
    assert _pagination(html)["next"] == {"town": ["Brighton & Hove"], "page": ["2"]}


# --- escaping ------------------------------------------------------------------------------


@pytest.fixture
def hostile_story(network):
    return make_story(
        network.national_site,
        "hostile",
        title=f"Title {XSS_SCRIPT} {XSS_ATTR}",
        quote=f"Quote {XSS_SCRIPT} {XSS_ATTR}",
        person_name=f"Name {XSS_SCRIPT} {XSS_ATTR}",
        town=f"Town {XSS_ATTR}",
        image_alt=f"Alt {XSS_ATTR}",
        image=Story.objects.get(slug="zak-qpg-hub", locale=Locale.get_default()).image,
        themes=[theme("kindness")],
        consent_given_on=datetime.date(2030, 1, 1),  # first on every list
    )


def assert_escaped(html: str) -> None:
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.django_db
def test_story_text_is_escaped_on_the_index(client, network, hostile_story):
    html = page_html(client, "/stories/", NATIONAL_HOST)
    assert card_slugs(html)[0] == "hostile"
    assert_escaped(html)
    # The town is offered as a filter, and comes back escaped when chosen.
    filtered = page_html(client, "/stories/?" + "town=" + quote(hostile_story.town), NATIONAL_HOST)
    assert card_slugs(filtered) == ["hostile"]
    assert_escaped(filtered)


@pytest.mark.django_db
def test_story_text_is_escaped_on_the_story_page_and_its_share_tags(client, network, hostile_story):
    html = page_html(client, "/stories/hostile/", NATIONAL_HOST)
    assert_escaped(html)
    tags = Tags(html)
    # Escaped, the attributes still read back as the story's own words.
    assert tags.meta("og:title") == hostile_story.title
    assert tags.meta("og:description") == hostile_story.quote
    assert tags.meta("twitter:title") == hostile_story.title
    assert tags.meta("og:image:alt") == hostile_story.image_alt
    assert tags.find("img", class_="figure__image")[0]["alt"] == hostile_story.image_alt
    (twitter,) = tags.hrefs("https://twitter.com/intent/tweet?")
    assert parse_qs(urlsplit(twitter).query)["text"] == [hostile_story.title]


@pytest.mark.django_db
def test_story_text_is_escaped_in_featured_blocks(client, network, hostile_story):
    new_page_with_body(
        network.national_home,
        "featuring-hostile",
        [featured("chosen", stories=[hostile_story], heading=f"Heading {XSS_ATTR}")],
    )
    html = page_html(client, "/featuring-hostile/", NATIONAL_HOST)
    assert featured_slugs(html) == ["hostile"]
    assert_escaped(html)


# --- the featured-stories block --------------------------------------------------------------


@pytest.mark.django_db
def test_chosen_stories_show_only_where_the_site_may_show_them(client, network):
    rose = Story.objects.get(slug=ROSE)
    zak = Story.objects.get(slug="zak-qpg-hub", locale=Locale.get_default())
    body = [featured("chosen", stories=[rose, zak])]
    new_page_with_body(network.coventry_home, "featured-chosen", body)
    new_page_with_body(network.national_home, "featured-chosen", body)

    assert featured_slugs(page_html(client, "/featured-chosen/", COVENTRY_HOST)) == [
        ROSE,
        "zak-qpg-hub",
    ]
    national = page_html(client, "/featured-chosen/", NATIONAL_HOST)
    assert featured_slugs(national) == ["zak-qpg-hub"]
    assert rose.title not in national


@pytest.mark.django_db
def test_latest_from_this_site(client, network):
    newest = make_story(
        network.coventry_site,
        "coventry-newest",
        reach=Story.Reach.LOCAL,
        consent_given_on=datetime.date(2030, 1, 1),
    )
    body = [featured("latest_site", count=2)]
    new_page_with_body(network.coventry_home, "featured-latest", body)
    new_page_with_body(network.national_home, "featured-latest", body)

    assert featured_slugs(page_html(client, "/featured-latest/", COVENTRY_HOST)) == [
        newest.slug,
        ROSE,
    ]
    national = featured_slugs(page_html(client, "/featured-latest/", NATIONAL_HOST))
    assert len(national) == 2
    assert set(national) <= NETWORK_STORIES


@pytest.mark.django_db
def test_latest_on_a_theme(client, network):
    body = [featured("latest_theme", theme_obj=theme("friendship"), count=3)]
    new_page_with_body(network.coventry_home, "featured-theme", body)
    new_page_with_body(network.national_home, "featured-theme", body)

    assert set(featured_slugs(page_html(client, "/featured-theme/", COVENTRY_HOST))) == {
        "orla-and-jean",
        ROSE,
    }
    assert featured_slugs(page_html(client, "/featured-theme/", NATIONAL_HOST)) == ["orla-and-jean"]


@pytest.fixture
def featured_block():
    return BaseStreamBlock().child_blocks["featured_stories"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"mode": "chosen", "stories": [], "theme": None}, "stories"),
        ({"mode": "latest_theme", "stories": [], "theme": None}, "theme"),
    ],
    ids=["chosen-without-stories", "theme-without-theme"],
)
def test_featured_block_validation(featured_block, raw, field):
    value = featured_block.to_python({"heading": "", "count": 3, **raw})
    with pytest.raises(StructBlockValidationError) as caught:
        featured_block.clean(value)
    assert field in caught.value.block_errors


@pytest.mark.django_db
@pytest.mark.parametrize(
    "raw",
    [
        {"mode": "chosen", "stories": 1, "theme": False},
        {"mode": "latest_site", "stories": 0, "theme": False},
        {"mode": "latest_theme", "stories": 0, "theme": True},
    ],
)
def test_featured_block_accepts_complete_values(featured_block, raw):
    raw = {
        **raw,
        "stories": [StoryFactory(reach=Story.Reach.NETWORK).pk for _ in range(raw["stories"])],
        "theme": ThemeFactory().pk if raw["theme"] else None,
    }
    featured_block.clean(featured_block.to_python({"heading": "", "count": 3, **raw}))


# --- consent, checked when the page is read ----------------------------------------------------


def _lapse(story: Story, how: str) -> None:
    """Change consent behind the periodic task's back (an UPDATE: no signal, no task)."""
    today = timezone.localdate()
    changes = {
        "expired-yesterday": {"consent_expires_on": today - datetime.timedelta(days=1)},
        "expires-today": {"consent_expires_on": today},
        "withdrawn": {"consent_withdrawn_at": timezone.now()},
        "expires-tomorrow": {"consent_expires_on": today + datetime.timedelta(days=1)},
    }[how]
    Story.objects.filter(pk=story.pk).update(**changes)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("how", "shown"),
    [
        ("expired-yesterday", False),
        ("expires-today", False),
        ("withdrawn", False),
        ("expires-tomorrow", True),
    ],
)
def test_lapsed_consent_hides_a_story_at_once(client, network, how, shown):
    zak = Story.objects.get(slug="zak-qpg-hub", locale=Locale.get_default())
    rose = Story.objects.get(slug=ROSE)
    new_page_with_body(
        network.coventry_home, "featured-consent", [featured("chosen", stories=[rose, zak])]
    )
    # Read everything once first: nothing seen before may linger.
    for host in (NATIONAL_HOST, COVENTRY_HOST):
        assert "zak-qpg-hub" in listed(client, host)
        assert get(client, "/stories/zak-qpg-hub/", host).status_code == 200
    assert "zak-qpg-hub" in featured_slugs(page_html(client, "/", NATIONAL_HOST))
    assert "zak-qpg-hub" in featured_slugs(page_html(client, "/featured-consent/", COVENTRY_HOST))

    _lapse(zak, how)
    _lapse(rose, how)

    zak.refresh_from_db()
    assert zak.live, "no task has run: the story is still published"
    expected_status = 200 if shown else 404
    for host in (NATIONAL_HOST, COVENTRY_HOST):
        assert ("zak-qpg-hub" in listed(client, host)) is shown
        assert get(client, "/stories/zak-qpg-hub/", host).status_code == expected_status
    assert (ROSE in listed(client, COVENTRY_HOST)) is shown
    assert get(client, f"/stories/{ROSE}/", COVENTRY_HOST).status_code == expected_status
    assert ("zak-qpg-hub" in featured_slugs(page_html(client, "/", NATIONAL_HOST))) is shown
    assert featured_slugs(page_html(client, "/featured-consent/", COVENTRY_HOST)) == (
        [ROSE, "zak-qpg-hub"] if shown else []
    )
