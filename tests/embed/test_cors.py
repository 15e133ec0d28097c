"""CORS on the widget's endpoints only (CORS_URLS_REGEX): a member's page may call /embed/…
from any origin, without credentials; the sites' own pages and forms answer no CORS headers.
/embed.js is a cacheable script; nothing sets a cookie."""

import pytest

from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.embed.support import CONFIG_URL, MEMBER_ORIGIN, SIGNUP_URL, STORIES_URL


def test_the_signup_preflight_allows_a_json_post_from_any_origin(client, network):
    response = client.options(
        SIGNUP_URL,
        HTTP_HOST=COVENTRY_HOST,
        HTTP_ORIGIN=MEMBER_ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "content-type" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.parametrize("url", [CONFIG_URL, STORIES_URL])
def test_the_widget_endpoints_answer_any_origin_without_cookies(client, network, url):
    response = client.get(url, HTTP_HOST=COVENTRY_HOST, HTTP_ORIGIN=MEMBER_ORIGIN)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert not response.cookies


@pytest.mark.parametrize(
    "url", ["/", "/stories/", "/subscriptions/subscribe/", "/newsletter/", "/embed.js"]
)
def test_the_sites_own_pages_answer_no_cors_headers(client, network, url):
    response = client.get(url, HTTP_HOST=NATIONAL_HOST, HTTP_ORIGIN=MEMBER_ORIGIN)
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response


def test_site_pages_still_refuse_to_be_framed_by_other_sites(client, network):
    response = client.get("/", HTTP_HOST=COVENTRY_HOST)
    assert response["X-Frame-Options"] in ("DENY", "SAMEORIGIN")


def test_embed_js_is_a_cacheable_script(client, network):
    response = client.get("/embed.js", HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "public" in response["Cache-Control"] and "max-age=3600" in response["Cache-Control"]
    assert b"data-connection-widget" in response.content
    assert not response.cookies
    again = client.get("/embed.js", HTTP_HOST=COVENTRY_HOST, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
