"""Admin → Embed (the snippets of the editor's own site, a live preview, each story's oEmbed
address) and Newsletters → Signups by source, each scoped to the editor's sites."""

import re
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.embed.support import post_signup

EMBED_URL = "/admin/embed/"
SOURCES_URL = "/admin/newsletter/sources/"


def _textarea(html: str, name: str) -> str:
    match = re.search(rf'<textarea id="snippet-{name}"[^>]*>(.*?)</textarea>', html, re.S)
    assert match, name
    return match.group(1)


def test_a_chapter_editor_gets_their_sites_snippets_and_preview(coventry_client, network):
    response = coventry_client.get(EMBED_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert _textarea(html, "script") == (
        "&lt;script src=&quot;http://coventry.localhost/embed.js&quot; async&gt;&lt;/script&gt;"
    )
    assert "data-list=&quot;coventry&quot;" in _textarea(html, "signup")
    assert 'data-connection-widget="signup" data-list="coventry"' in html  # the preview
    assert 'data-site="http://coventry.localhost"' in html
    assert "http://localhost/embed.js" not in html
    policy = response["Content-Security-Policy"]
    assert "connect-src 'self' http://coventry.localhost" in policy


def test_the_oembed_address_of_each_story_the_site_shows(coventry_client, network):
    html = coventry_client.get(EMBED_URL).content.decode()
    addresses = re.findall(r"<code data-oembed>(.*?)</code>", html)
    urls = {parse_qs(urlsplit(a.replace("&amp;", "&")).query)["url"][0] for a in addresses}
    assert "http://coventry.localhost/stories/rose-coventry/" in urls
    assert len(urls) == 4
    assert all(a.startswith("http://coventry.localhost/oembed/?url=") for a in addresses)
    assert all(a.endswith("format=json") for a in addresses)


def test_another_sites_id_shows_the_editors_own_site(coventry_client, network):
    national = network.national_site.pk
    html = coventry_client.get(EMBED_URL, {"site": national}).content.decode()
    assert "http://coventry.localhost/embed.js" in html
    assert "http://localhost/embed.js" not in html
    assert "rose-coventry" in html


def test_a_create_chapter_editor_gets_their_chapters_list(leeds_client, leeds):
    html = leeds_client.get(EMBED_URL).content.decode()
    assert "data-list=&quot;leeds&quot;" in _textarea(html, "signup")
    assert "http://leeds.localhost/embed.js" in html
    assert "coventry" not in html


def test_a_superuser_chooses_among_every_site(client, superuser, network):
    client.force_login(superuser)
    html = client.get(EMBED_URL, {"site": network.coventry.site.pk}).content.decode()
    assert f'<option value="{network.national_site.pk}"' in html
    assert "http://coventry.localhost/embed.js" in html


# --- signups by source ----------------------------------------------------------------------


def _sources(html: str) -> dict[str, tuple[str, str]]:
    rows = re.findall(
        r'<tr data-source="([^"]*)">.*?data-count="asked">(\d+)<.*?data-count="confirmed">(\d+)<',
        html,
        re.S,
    )
    return {source: (asked, confirmed) for source, asked, confirmed in rows}


def test_signups_by_source_shows_the_editors_lists_only(coventry_client, network, leeds_client):
    member_page = Client()  # a visitor of a member's website: no session
    assert post_signup(member_page, source="age-uk-coventry").status_code == 202
    second = post_signup(member_page, source="age-uk-coventry", email="b@example.org")
    assert second.status_code == 202
    national = post_signup(member_page, host=NATIONAL_HOST, list="localhost", source="zq-national")
    assert national.status_code == 202

    html = coventry_client.get(SOURCES_URL, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert _sources(html)["age-uk-coventry"] == ("2", "0")
    assert "https://www.ageuk-coventry.example" in html
    assert "zq-national" not in html
    overview = coventry_client.get("/admin/newsletter/").content.decode()
    assert SOURCES_URL in overview

    leeds_html = leeds_client.get(SOURCES_URL).content.decode()
    assert "age-uk-coventry" not in leeds_html and "zq-national" not in leeds_html


def test_someone_who_edits_no_sites_home_is_refused(client, network):
    user = get_user_model().objects.create_user("reader-only", password="x")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    response = client.get(EMBED_URL)
    assert response.status_code == 302  # Wagtail's refusal: back to the dashboard
    assert "embed.js" not in client.get(response["Location"]).content.decode()
