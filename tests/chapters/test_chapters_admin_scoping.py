"""Admin → Chapters is the national team's: a chapter's editors are refused on every URL of it,
GET or forged POST, and never see the menu item; the national team edits where a chapter is."""

import pytest
from django.urls import reverse

from chapters.admin import ChapterViewSet
from chapters.models import Chapter
from tests.chapters.test_start_chapter import GOOD, START_URL, counts
from tests.shared_chapter import leeds_param

URL_NAMES = ["index", "index_results", "add", "edit", "history", "history_results", "usage"]


def chapter_urls(chapter: Chapter) -> list[str]:
    urls = []
    for name in URL_NAMES:
        args = [] if name in {"index", "index_results", "add"} else [chapter.pk]
        urls.append(reverse(f"chapters:{name}", args=args))
    return urls


def test_every_url_is_walked():
    """A URL added to the viewset must be added to URL_NAMES (and so to the tests below)."""
    names = {pattern.name for pattern in ChapterViewSet().get_urlpatterns()}
    assert names == set(URL_NAMES)


@pytest.mark.parametrize("editor", ["coventry_editor", leeds_param("leeds_editor")])
def test_chapter_editors_are_refused_everywhere(client, request, network, editor):
    user = request.getfixturevalue(editor)
    client.force_login(user)
    coventry = network.coventry
    before = counts()
    for url in chapter_urls(coventry):
        refused = client.get(url)
        assert refused.status_code == 403, url
        assert "national team" in refused.content.decode()
        assert coventry.name not in refused.content.decode()
        forged = {**GOOD, "city": "Forged", "region": "Forged"}
        assert client.post(url, forged).status_code == 403, url
    coventry.refresh_from_db()
    assert coventry.city == "Coventry" and coventry.region != "Forged"
    assert counts() == before
    assert not Chapter.objects.filter(slug="leeds", city="Forged").exists()
    assert "/admin/chapters/" not in client.get("/admin/").content.decode()  # the menu's JSON


def test_chapter_editor_forging_a_start_post_makes_nothing(client, coventry_editor):
    client.force_login(coventry_editor)
    before = counts()
    response = client.post(START_URL, {**GOOD, "slug": "forged", "hostname": "forged.localhost"})
    assert response.status_code == 403
    assert counts() == before


def test_national_team_sees_the_menu_and_edits_where_a_chapter_is(national_client, network):
    assert '"/admin/chapters/"' in national_client.get("/admin/").content.decode()
    listing = national_client.get("/admin/chapters/").content.decode()
    assert "Connecting for Good Coventry" in listing and "Start a chapter" in listing
    coventry = network.coventry
    url = reverse("chapters:edit", args=[coventry.pk])
    page = national_client.get(url).content.decode()
    assert 'name="towns"' in page and 'name="hostname"' not in page
    response = national_client.post(
        url, {"city": "Coventry", "region": "west_midlands", "towns": "Coventry\nEarlsdon"}
    )
    assert response.status_code == 302
    coventry.refresh_from_db()
    assert coventry.town_list == ["Coventry", "Earlsdon"]
    assert coventry.region == "west_midlands"


def test_chapters_are_never_deleted_from_the_admin(national_client, superuser, client, network):
    client.force_login(superuser)
    assert client.get(f"/admin/chapters/delete/{network.coventry.pk}/").status_code == 404
    assert Chapter.objects.filter(pk=network.coventry.pk).exists()
