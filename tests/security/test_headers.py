"""Request charsets, Content-Security-Policy and Permissions-Policy (cms/security).

A form body declaring a charset other than UTF-8 used to give a 500 on every CSRF-protected POST
(Django refuses such a body with BadRequest, and its 400 view, itself CSRF-protected, read the
body again). Now a charset that writes ASCII as ASCII (latin-1) works, and anything else gets a
clear 415 or 400. The tests run as production would: CSRF enforced, DEBUG off.
"""

import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.template.loader import render_to_string
from django.test import Client
from wagtail.embeds.finders import get_finders
from wagtail.models import Page

from cms.security.charsets import CharsetGuard
from cms.stories.models import Story
from newsletter.models import Subscriber, Subscription
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.helpers import _settings_in_subprocess, form_data
from tests.shared_chapter import leeds_param

REPO = Path(__file__).resolve().parents[2]
FORM = "application/x-www-form-urlencoded"
UNSUPPORTED = "cannot read requests in the character set"
NAME = "Zoë Brontë"  # outside ASCII, inside latin-1


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False
    settings.ANTISPAM_MIN_SECONDS = 0


def browser(host: str, path: str) -> tuple[Client, dict]:
    """A client holding the CSRF cookie, as a browser has after loading the page at `path`, and
    the fields of the page's form."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    page = client.get(path, HTTP_HOST=host)
    assert page.status_code == 200, (host, path, page.status_code)
    html = page.content.decode()
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    assert "csrfmiddlewaretoken" in fields
    return client, fields


def encode(fields: dict, charset: str) -> bytes:
    """The form as a client declaring `charset` sends it: percent-escapes of bytes in that
    charset; for UTF-16 (which no browser sends) the whole body in UTF-16."""
    if charset.lower().startswith("utf-16"):
        return urlencode(fields, doseq=True).encode(charset)
    try:
        return urlencode(fields, doseq=True, encoding=charset).encode("ascii")
    except LookupError:  # a name no codec has: the client meant UTF-8
        return urlencode(fields, doseq=True).encode("ascii")


def post(client, path: str, host: str, fields: dict, charset: str):
    # generic(): the test client's post() would re-encode the bytes into the declared charset.
    return client.generic(
        "POST",
        path,
        encode(fields, charset),
        content_type=f"{FORM}; charset={charset}",
        HTTP_HOST=host,
    )


@pytest.fixture(params=[COVENTRY_HOST, leeds_param(LEEDS_HOST)])
def host(request, network):
    """Each chapter test runs on Coventry and on Leeds (made by create_chapter in the test)."""
    if request.param == LEEDS_HOST:
        request.getfixturevalue("leeds")
    return request.param


def signup_fields(fields: dict, email: str) -> dict:
    return {
        **fields,
        "email": email,
        "name": NAME,
        "language": "en",
        "consent": "on",
        "website": "",
    }


# --- charsets: the newsletter signup ---------------------------------------------------------

READABLE = ["utf-8", "latin-1", "windows-1252"]
REFUSED = ["utf-16", "no-such-charset", "base64"]
# Other spellings and relatives, on one site.
MORE_READABLE = ["UTF-8", "ISO-8859-1", "iso8859_15"]
MORE_REFUSED = ["utf-16-le", "utf-32", "cp500", '"utf-16"']


@pytest.mark.parametrize("charset", READABLE)
def test_signup_in_a_readable_charset_subscribes_with_the_name_decoded(host, charset):
    client, fields = browser(host, "/newsletter/")
    email = f"{charset.lower()}@example.com"
    response = post(
        client, "/subscriptions/subscribe/", host, signup_fields(fields, email), charset
    )
    assert response.status_code == 303, response.content.decode()[:500]
    subscription = Subscription.objects.get(subscriber__email=email)
    assert subscription.newsletter_list.site.hostname == host
    assert subscription.name == NAME  # the name given to this site (issue 9)


@pytest.mark.parametrize("charset", REFUSED)
def test_signup_in_an_unreadable_charset_is_refused_clearly_and_stores_nothing(host, charset):
    client, fields = browser(host, "/newsletter/")
    response = post(
        client, "/subscriptions/subscribe/", host, signup_fields(fields, "x@example.com"), charset
    )
    assert response.status_code == 415
    assert UNSUPPORTED in response.content.decode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert not Subscriber.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize("charset", MORE_READABLE)
def test_other_names_of_readable_charsets(network, charset):
    test_signup_in_a_readable_charset_subscribes_with_the_name_decoded(COVENTRY_HOST, charset)


@pytest.mark.parametrize("charset", MORE_REFUSED)
def test_other_unreadable_charsets(network, charset):
    test_signup_in_an_unreadable_charset_is_refused_clearly_and_stores_nothing(
        COVENTRY_HOST, charset
    )


def test_a_body_not_in_the_charset_it_names_is_a_400(network):
    client, fields = browser(COVENTRY_HOST, "/newsletter/")
    body = (urlencode(signup_fields(fields, "x@example.com")) + "&name=Zo%EB").encode()
    response = client.post(
        "/subscriptions/subscribe/",
        body,
        content_type=f"{FORM}; charset=us-ascii",
        HTTP_HOST=COVENTRY_HOST,
    )
    assert response.status_code == 400
    assert "not in the character set it names" in response.content.decode()
    assert not Subscriber.objects.filter(email="x@example.com").exists()


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "utf-16", "no-such-charset"])
def test_a_forged_request_in_any_charset_is_refused_by_the_csrf_check_not_a_500(network, charset):
    client, fields = browser(COVENTRY_HOST, "/newsletter/")
    fields["csrfmiddlewaretoken"] = "forged" * 6
    response = post(
        client,
        "/subscriptions/subscribe/",
        COVENTRY_HOST,
        signup_fields(fields, "x@example.com"),
        charset,
    )
    assert response.status_code in {403, 415}, response.status_code
    assert response.status_code == (415 if charset in {"utf-16", "no-such-charset"} else 403)
    assert not Subscriber.objects.filter(email="x@example.com").exists()


def wsgi_get(path: str, query: str, content_type: str, host: str) -> tuple[str, bytes]:
    """A GET through cms.wsgi.application, as gunicorn or runserver would send it."""
    from cms.wsgi import application

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "CONTENT_TYPE": content_type,
        "SERVER_NAME": host,
        "SERVER_PORT": "80",
        "HTTP_HOST": host,
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": io.StringIO(),
    }
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"] = status

    content = b"".join(application(environ, start_response))
    return answer["status"], content


def test_a_charset_that_is_not_a_text_encoding_never_breaks_a_get(network):
    """Django looks the declared charset up while building the request (for request.GET):
    `charset=base64` with a query string failed before any middleware ran."""
    status, content = wsgi_get("/search/", "q=soup", "text/plain; charset=base64", COVENTRY_HOST)
    assert status.startswith("415")
    assert UNSUPPORTED in content.decode()
    # Positive control, without running Django's request signals (they would close the test's
    # database connection): a readable charset goes on to the application it wraps.
    from cms.wsgi import application

    passed_on = []
    guard = CharsetGuard(lambda environ, start_response: passed_on.append(environ) or [b""])
    for content_type in ("text/plain; charset=latin-1", "text/plain", ""):
        guard({"CONTENT_TYPE": content_type}, lambda *args: None)
    assert len(passed_on) == 3
    assert isinstance(application, CharsetGuard)
    assert isinstance(application.application, WSGIHandler)
    response = Client(raise_request_exception=False).get(  # the middleware, without a query
        "/search/", CONTENT_TYPE="text/plain; charset=base64", HTTP_HOST=COVENTRY_HOST
    )
    assert response.status_code == 415


# --- charsets: sharing a story (urlencoded and multipart) ------------------------------------


def share_fields(fields: dict, title: str) -> dict:
    return {
        **fields,
        "name": NAME,
        "email": "zoe@example.com",
        "town": title,
        "story": "Jean from the lunch club knocked on my door every day.",
        "consent": "on",
        "website": "",
    }


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "utf-16", "no-such-charset"])
def test_sharing_a_story_in_each_charset(host, charset):
    client, fields = browser(host, "/stories/share/")
    town = f"Town {charset}"
    response = post(client, "/stories/share/", host, share_fields(fields, town), charset)
    if charset in {"utf-16", "no-such-charset"}:
        assert response.status_code == 415
        assert not Story.objects.filter(town=town).exists()
        return
    assert response.status_code in {302, 303}, response.content.decode()[:800]
    assert response["Location"].endswith("/stories/share/thanks/")
    story = Story.objects.get(town=town)
    assert story.person_name == NAME
    assert story.site.hostname == host


def multipart(fields: dict, charset: str, boundary: str = "CharsetBoundary") -> bytes:
    """A multipart body whose field values are in `charset` (as a browser does for a page in
    that charset)."""
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + str(value).encode(charset)
        + b"\r\n"
        for name, value in fields.items()
    ]
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


@pytest.mark.parametrize("charset", ["utf-8", "latin-1"])
def test_sharing_a_story_as_multipart_in_a_readable_charset(network, charset):
    client, fields = browser(COVENTRY_HOST, "/stories/share/")
    town = f"Multipart {charset}"
    response = client.generic(
        "POST",
        "/stories/share/",
        multipart(share_fields(fields, town), charset),
        content_type=f"multipart/form-data; boundary=CharsetBoundary; charset={charset}",
        HTTP_HOST=COVENTRY_HOST,
    )
    assert response.status_code in {302, 303}, response.content.decode()[:800]
    assert Story.objects.get(town=town).person_name == NAME


def test_multipart_declaring_a_codec_that_is_not_text_is_refused(network):
    client, fields = browser(COVENTRY_HOST, "/stories/share/")
    response = client.generic(
        "POST",
        "/stories/share/",
        multipart(share_fields(fields, "Zip"), "utf-8"),
        content_type="multipart/form-data; boundary=CharsetBoundary; charset=zip",
        HTTP_HOST=COVENTRY_HOST,
    )
    assert response.status_code == 415
    assert not Story.objects.filter(town="Zip").exists()


# --- charsets: an admin POST -----------------------------------------------------------------


@pytest.mark.parametrize("charset", ["utf-8", "latin-1", "utf-16", "no-such-charset"])
def test_an_admin_page_edit_in_each_charset(network, leeds, leeds_editor, charset):
    page = leeds.site.root_page.get_children().first().specific
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(leeds_editor)
    edit = f"/admin/pages/{page.pk}/edit/"
    form = client.get(edit, HTTP_HOST=LEEDS_HOST)
    assert form.status_code == 200
    title = f"Café {charset}"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.content.decode())[1]
    fields = {**form_data(form), "title": [title], "csrfmiddlewaretoken": [token]}
    fields.setdefault("body-count", ["0"])  # the StreamField, which script renders
    response = post(client, edit, LEEDS_HOST, fields, charset)
    if charset in {"utf-16", "no-such-charset"}:
        assert response.status_code == 415
        assert Page.objects.get(pk=page.pk).get_latest_revision().content["title"] != title
        return
    assert response.status_code in {200, 302}, response.content.decode()[:500]
    assert Page.objects.get(pk=page.pk).get_latest_revision().content["title"] == title


# --- Content-Security-Policy and Permissions-Policy headers ----------------------------------


def directives(header: str) -> dict[str, list[str]]:
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


HOSTS = [NATIONAL_HOST, COVENTRY_HOST, LEEDS_HOST]
PUBLIC_PAGES = [
    (NATIONAL_HOST, "/"),
    (COVENTRY_HOST, "/"),
    (COVENTRY_HOST, "/newsletter/"),
    (COVENTRY_HOST, "/stories/share/"),
    (LEEDS_HOST, "/"),
    (LEEDS_HOST, "/stories/share/"),
]


def test_public_pages_send_a_strict_policy(client, network, leeds):
    for host, path in PUBLIC_PAGES:
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200, (host, path)
        assert_strict(response)


def assert_strict(response):
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert "https://www.youtube.com" in policy["frame-src"]
    assert "Content-Security-Policy-Report-Only" not in response
    assert "unsafe" not in response["Content-Security-Policy"]


def test_the_branded_404_has_the_strict_policy_too(client, network):
    response = client.get("/no-such-page/", HTTP_HOST=COVENTRY_HOST)
    assert response.status_code == 404
    assert directives(response["Content-Security-Policy"])["script-src"] == ["'self'"]


def test_permissions_policy_denies_features_no_page_uses(client, network, leeds):
    headers = {client.get("/", HTTP_HOST=host)["Permissions-Policy"] for host in HOSTS}
    assert len(headers) == 1  # the same on every site
    features = dict(item.strip().split("=", 1) for item in headers.pop().split(","))
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    ):
        assert features[feature] == "()", feature
    assert "clipboard-write" not in features  # the share links' copy button uses it
    assert "fullscreen" not in features  # embedded videos


def test_the_admin_gets_the_policy_wagtail_needs(leeds_client, leeds):
    response = leeds_client.get("/admin/", HTTP_HOST=LEEDS_HOST)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["Permissions-Policy"]


def test_report_only_sends_the_same_policies_without_enforcing(client, network, settings):
    settings.SECURITY_CSP_REPORT_ONLY = True
    response = client.get("/", HTTP_HOST=COVENTRY_HOST)
    assert "Content-Security-Policy" not in response
    assert directives(response["Content-Security-Policy-Report-Only"])["script-src"] == ["'self'"]


def test_report_uri_and_report_only_come_from_the_environment():
    out = _settings_in_subprocess(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "CSP_REPORT_ONLY": "1",
            "CSP_REPORT_URI": "https://reports.example.org/csp",
        },
        "settings.SECURITY_CSP_REPORT_ONLY, settings.SECURITY_CSP_PUBLIC['report-uri'], "
        "settings.SECURITY_CSP_ADMIN['report-uri']",
    )
    assert out == ("True ['https://reports.example.org/csp'] ['https://reports.example.org/csp']")


def test_production_settings_run_every_header_middleware():
    out = _settings_in_subprocess(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "connection.example.org",
            "DATABASE_URL": "postgres://cms:cms@db.internal:5432/cms",
        },
        "' '.join(settings.MIDDLEWARE), settings.SECURITY_CSP_REPORT_ONLY",
    )
    middleware, report_only = out.rsplit(" ", 1)
    for name in (
        "cms.security.charsets.RequestCharsetMiddleware",
        "cms.security.csp.SiteAndAdminCSPMiddleware",
        "django_permissions_policy.PermissionsPolicyMiddleware",
    ):
        assert name in middleware.split()
    assert report_only == "False"
    # The charset middleware settles the body before the CSRF check reads it.
    order = middleware.split()
    assert order.index("cms.security.charsets.RequestCharsetMiddleware") < order.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


# --- what the strict policy needs of our templates -------------------------------------------


class InlineCode(HTMLParser):
    """Inline scripts, style elements, style attributes and event-handler attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")


def test_public_pages_have_no_inline_script_or_style(client, network, leeds):
    story = Story.objects.filter(live=True, site=network.coventry_site).first()
    pages = [*PUBLIC_PAGES, (COVENTRY_HOST, "/stories/"), (NATIONAL_HOST, "/stories/")]
    if story is not None:
        pages.append((COVENTRY_HOST, f"/stories/{story.slug}/"))
    for host, path in pages:
        response = client.get(path, HTTP_HOST=host)
        assert response.status_code == 200, (host, path)
        parser = InlineCode()
        parser.feed(response.content.decode())
        assert parser.found == [], (host, path, parser.found)


def test_responsive_embeds_carry_their_ratio_as_data_not_a_style_attribute():
    class Embed:
        is_responsive = True
        ratio_css = "75.0%"
        html = '<iframe src="https://www.youtube.com/embed/x" title="A video"></iframe>'

    html = render_to_string("wagtailembeds/embed_frontend.html", {"embed": Embed()})
    assert 'data-ratio="75.0%"' in html
    assert "style=" not in html
    assert "www.youtube.com/embed/x" in html


def test_editors_can_embed_only_what_the_policy_lets_the_page_frame():
    def accepted(url):
        return any(finder.accept(url) for finder in get_finders())

    assert accepted("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    assert accepted("https://vimeo.com/76979871")
    assert not accepted("https://twitter.com/someone/status/1")  # needs a third-party script
    assert not accepted("https://soundcloud.com/someone/a-track")
