"""CORS: other websites may read the API and oEmbed (and call the widget's endpoints) from any
origin, without credentials; every other address of ours answers no CORS header."""

import pytest

pytestmark = pytest.mark.django_db

ORIGIN = "https://www.member-charity.example"
CORS_PATHS = ["/api/v2/pages/", "/api/v2/stories/", "/api/v2/members/", "/api/v2/openapi.json"]
CLOSED_PATHS = [
    "/",
    "/stories/",
    "/stories/zak-qpg-hub/",
    "/admin/login/",
    "/sitemap.xml",
    "/subscriptions/subscribe/",
    "/healthz",
]


@pytest.mark.parametrize(
    "path", [*CORS_PATHS, "/oembed/?url=http://localhost/stories/zak-qpg-hub/"]
)
def test_api_and_oembed_answer_any_origin(client, network, path):
    response = client.get(path, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert not response.cookies


@pytest.mark.parametrize("path", ["/api/v2/stories/", "/oembed/"])
def test_preflight(client, network, path):
    response = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


@pytest.mark.parametrize("path", CLOSED_PATHS)
def test_site_pages_and_the_admin_have_no_cors(client, network, path):
    response = client.get(path, HTTP_ORIGIN=ORIGIN)

    assert response.status_code in (200, 302)
    assert "Access-Control-Allow-Origin" not in response


def test_the_api_is_read_only(client, network):
    for method in (client.post, client.put, client.delete):
        assert method("/api/v2/stories/", HTTP_ORIGIN=ORIGIN).status_code == 405
    assert client.post("/oembed/?url=http://localhost/stories/zak-qpg-hub/").status_code == 405


@pytest.mark.parametrize("accept", ["text/html", "application/xml", "*/*"])
def test_always_json_and_no_cookie(client, network, accept):
    for path in ("/api/v2/pages/", "/api/v2/stories/?format=api", "/api/v2/members/"):
        response = client.get(path, HTTP_ACCEPT=accept, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert not response.cookies
