"""What a widget starts from (/embed/config/) and the stories it shows (/embed/stories/): the
host's own site's list, words and join page; the stories that site's /stories/ shows (network
stories and its own, live and consented), never another site's local ones."""

import datetime

import pytest
from django.utils import timezone

from cms.stories.models import Story
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.embed.support import CONFIG_URL, STORIES_URL

NETWORK_STORIES = {"this-mum-runs", "zak-qpg-hub", "orla-and-jean"}
ROSE = "rose-coventry"


def _config(client, host, **params):
    return client.get(CONFIG_URL, params, HTTP_HOST=host)


def _stories(client, host, **params):
    response = client.get(STORIES_URL, {"limit": 12, **params}, HTTP_HOST=host)
    assert response.status_code == 200, response.content
    return response.json()


def _slugs(answer) -> set[str]:
    return {story["url"].rstrip("/").rsplit("/", 1)[1] for story in answer["stories"]}


def test_the_config_names_the_hosts_list_its_consent_words_and_its_join_page(client, network):
    response = _config(client, COVENTRY_HOST, list="coventry")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    config = response.json()
    assert config["list"]["slug"] == "coventry"
    assert config["list"]["consent"].startswith("I would like to receive this newsletter")
    assert config["list"]["languages"] == [["en", "English"]]
    assert config["site"]["url"] == "http://coventry.localhost/"
    assert config["join"]["url"] == "http://coventry.localhost/get-involved/"
    assert config["text"]["join"] == "Join the movement"
    assert config["token"]
    assert config["lang"] == "en"


def test_the_national_config_offers_welsh_and_leads_to_join(client, network):
    config = _config(client, NATIONAL_HOST, list="localhost", lang="cy").json()
    assert config["lang"] == "cy"
    assert [code for code, _name in config["list"]["languages"]] == ["en", "cy"]
    english = _config(client, NATIONAL_HOST).json()
    assert english["list"] is None
    assert english["join"]["url"].startswith("http://localhost/")


def test_a_language_the_site_does_not_offer_answers_in_its_default(client, network):
    config = _config(client, COVENTRY_HOST, lang="cy", HTTP_ACCEPT_LANGUAGE="cy").json()
    assert config["lang"] == "en"
    assert config["text"]["subscribe"] == "Subscribe"


@pytest.mark.parametrize(("host", "slug"), [(NATIONAL_HOST, "coventry"), (COVENTRY_HOST, "x")])
def test_a_list_that_is_not_the_hosts_is_404_json(client, network, host, slug):
    response = _config(client, host, list=slug)
    assert response.status_code == 404
    assert response.json()["message"] == "This site has no newsletter list of that name."


def test_a_chapter_made_by_create_chapter_has_its_config(client, leeds):
    config = _config(client, LEEDS_HOST, list="leeds").json()
    assert config["list"]["name"] == "Leeds Connects"
    assert config["join"]["url"] == "http://leeds.localhost/get-involved/"


# --- stories ------------------------------------------------------------------------------


def test_coventry_shows_the_network_stories_and_its_own_with_photos_and_links(client, network):
    answer = _stories(client, COVENTRY_HOST)
    assert _slugs(answer) == NETWORK_STORIES | {ROSE}
    story = next(s for s in answer["stories"] if ROSE in s["url"])
    assert story["url"] == f"http://coventry.localhost/stories/{ROSE}/"
    assert story["title"].startswith("Rose")
    assert story["image"]["url"].startswith("http://coventry.localhost/")
    assert story["image"]["alt"]
    assert answer["more"] == "http://coventry.localhost/stories/"


def test_another_sites_local_story_never_shows(client, network, leeds):
    assert _slugs(_stories(client, NATIONAL_HOST)) == NETWORK_STORIES
    assert _slugs(_stories(client, LEEDS_HOST)) == NETWORK_STORIES
    assert _slugs(_stories(client, LEEDS_HOST, scope="local")) == set()


def test_scope_theme_and_limit_narrow_the_stories(client, network):
    assert _slugs(_stories(client, COVENTRY_HOST, scope="network")) == NETWORK_STORIES
    assert _slugs(_stories(client, COVENTRY_HOST, scope="local")) == {ROSE}
    assert _slugs(_stories(client, COVENTRY_HOST, theme="friendship")) == {"orla-and-jean", ROSE}
    assert len(_stories(client, COVENTRY_HOST, limit=2)["stories"]) == 2
    assert len(_stories(client, COVENTRY_HOST, limit=0)["stories"]) == 1
    assert len(_stories(client, COVENTRY_HOST, limit="many")["stories"]) == 3


def test_lapsed_consent_and_drafts_leave_the_widget_at_once(client, network):
    Story.objects.filter(slug="zak-qpg-hub").update(
        consent_expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    Story.objects.filter(slug="orla-and-jean").update(live=False)
    assert _slugs(_stories(client, COVENTRY_HOST)) == {"this-mum-runs", ROSE}


def test_welsh_stories_in_welsh_where_translated(client, network):
    answer = _stories(client, NATIONAL_HOST, lang="cy")
    assert answer["lang"] == "cy"
    assert {story["lang"] for story in answer["stories"]} == {"cy"}
    assert all("/cy/stories/" in story["url"] for story in answer["stories"])


@pytest.mark.parametrize("params", [{"scope": "everything"}, {"scope": "local\x00x"}])
def test_an_unknown_scope_is_400_json(client, network, params):
    response = client.get(STORIES_URL, params, HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 400
    assert response.json()["message"] == "Choose the stories: site, local or network."


def test_the_widgets_words_in_welsh_where_the_site_offers_it(client, network):
    config = _config(client, NATIONAL_HOST, list="localhost", lang="cy").json()
    assert config["text"]["join"] == "Ymunwch â’r mudiad"
    assert config["text"]["subscribe"] == "Tanysgrifio"
    assert config["text"]["email"] == "Eich cyfeiriad e-bost"


def test_a_welsh_widget_leads_to_the_welsh_join_page_and_home(client, network):
    config = _config(client, NATIONAL_HOST, lang="cy").json()
    assert config["join"]["url"] == "http://localhost/cy/join/"
    assert config["site"]["url"] == "http://localhost/cy/"
