"""The demo looks like a real network's sites: illustrated pictures with alt text and no words
in them, SVG logos in the headers, the Community Makes Us toolkit as a PDF and a page with
words to copy, and each site's own 404."""

import html as html_lib
import importlib
import inspect
import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from pypdf import PdfReader
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms.demo import content
from cms.demo.pictures import SCENES, draw_illustration
from cms.stories.models import Story
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST

TOOLKIT_URL = "/community-makes-us/toolkit/"


def _toolkit_pdf():
    return get_document_model().objects.get(title="Community Makes Us Toolkit")


# --- pictures ------------------------------------------------------------------------------


def test_illustrations_take_no_words_and_are_the_same_every_build():
    parameters = set(inspect.signature(draw_illustration).parameters)
    assert parameters == {"scene", "palette", "seed", "size"}  # no caption, label or text
    for scene in SCENES:
        picture = draw_illustration(scene, "coventry", seed="a", size=(300, 200))
        assert picture == draw_illustration(scene, "coventry", seed="a", size=(300, 200))
        assert picture[:3] == b"\xff\xd8\xff"  # a JPEG


@pytest.mark.django_db
def test_the_demos_pictures_are_its_illustrations_each_with_alt_text(network):
    story = Story.objects.get(slug="rose-coventry")
    with story.image.file.open("rb") as file:
        assert file.read() == draw_illustration("garden", "coventry", seed="rose-coventry")
    pictures = get_image_model().objects.filter(file__endswith=".jpg")
    assert pictures.count() >= 5
    for picture in pictures:  # alt text that says what the picture shows, not its name
        assert len(picture.description) > 25 and picture.description != picture.title
    for story in Story.objects.filter(locale=Locale.get_default()).exclude(image=None):
        assert story.image_alt == story.image.description


# --- logos -----------------------------------------------------------------------------------


def _header(client, host: str) -> str:
    response = client.get("/", HTTP_HOST=host)
    assert response.status_code == 200
    return re.search(r"<header.*?</header>", response.content.decode(), re.S).group(0)


@pytest.mark.django_db
def test_each_demo_site_shows_its_svg_logo_in_its_header(client, network, leeds):
    national = _header(client, NATIONAL_HOST)
    assert re.search(r'<img[^>]*alt="Connection Coalition"[^>]*src="[^"]+\.svg"', national) or (
        re.search(r'<img[^>]*src="[^"]+\.svg"[^>]*alt="Connection Coalition"', national)
    )
    coventry = _header(client, COVENTRY_HOST)
    logo = re.search(r'<img[^>]*class="brand__logo"[^>]*>', coventry).group(0)
    assert re.search(r'src="[^"]+\.svg"', logo) and 'alt=""' in logo  # its name is spelled out
    assert '<span class="brand__name">Connecting for Good Coventry</span>' in coventry
    # A chapter made by create_chapter has no logo yet: its name stands in the header.
    leeds_header = _header(client, LEEDS_HOST)
    assert "brand__logo" not in leeds_header
    assert f'<span class="brand__name">{leeds.site.site_name}</span>' in leeds_header


@pytest.mark.django_db
def test_the_logo_files_are_svg_with_the_organisations_name(network):
    logo = get_image_model().objects.get(title="Connection Coalition logo")
    with logo.file.open("rb") as file:
        svg = file.read().decode()
    assert svg.startswith("<svg") and "<title>Connection Coalition</title>" in svg
    assert logo.is_svg() and (logo.width, logo.height) == (260, 80)


# --- the toolkit -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_toolkit_pdf_has_the_manifesto_social_and_email_copy_and_how_to_join(network):
    with _toolkit_pdf().file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    assert len(reader.pages) >= 4
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "The Community Makes Us Manifesto" in text
    assert "As individuals, we\u2019re all doing our best in the current strange situation." in text
    assert "Ready-to-post social copy" in text and "Email copy" in text
    assert "How to join the Connection Coalition" in text
    assert "#CommunityMakesUs" in text
    assert "http://localhost/community-makes-us/" in text  # where the posts send people


@pytest.mark.django_db
def test_the_toolkit_page_shows_the_copy_with_copy_buttons_and_the_pdf(client, network):
    response = client.get(TOOLKIT_URL, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    page = response.content.decode()
    text = html_lib.unescape(page)
    for _label, post in content.TOOLKIT_SOCIAL_POSTS:
        assert post in text
    assert content.TOOLKIT_EMAIL_BODY[0] in text
    buttons = re.findall(r"<button[^>]*data-copy-url=\"([^\"]*)\"[^>]*>\s*Copy\b", page, re.S)
    # The posts, the email's subject and message, and the widgets for members' websites.
    assert len(buttons) == len(content.TOOLKIT_SOCIAL_POSTS) + 3
    assert html_lib.unescape(buttons[-1]).startswith(
        '<script src="http://localhost/embed.js" async></script>'
    )
    first_post = content.TOOLKIT_SOCIAL_POSTS[0][1]
    assert html_lib.unescape(buttons[0]) == f"{first_post} http://localhost/community-makes-us/"
    statuses = re.findall(r'<p id="(copy-status-\w+)"[^>]*aria-live="polite"', page)
    assert len(set(statuses)) == len(buttons)
    assert f'href="{_toolkit_pdf().url}"' in page
    assert f'alt="{content.TOOLKIT_PICTURE_ALT}"' in page  # its picture says what it shows
    campaign = client.get("/community-makes-us/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert (
        f'href="{TOOLKIT_URL}"' in campaign or f'href="http://localhost{TOOLKIT_URL}"' in campaign
    )


@pytest.mark.django_db
def test_the_toolkit_page_is_the_national_sites_only(client, network, leeds):
    for host in (COVENTRY_HOST, LEEDS_HOST):
        assert client.get(TOOLKIT_URL, HTTP_HOST=host).status_code == 404


@pytest.mark.django_db
def test_building_the_demo_again_adds_no_second_toolkit_or_link(network):
    def counts():
        campaign = network.national_page("community-makes-us")
        return {
            "toolkit pages": Page.objects.filter(
                slug="toolkit", locale=Locale.get_default()
            ).count(),
            "toolkit pdfs": get_document_model().objects.filter(title__contains="Toolkit").count(),
            "images": get_image_model().objects.count(),
            "campaign links": sum(b.block_type == "call_to_action" for b in campaign.body),
            "campaign downloads": len(campaign.toolkit),
        }

    before = counts()
    assert before["toolkit pages"] == 1 and before["campaign links"] == 1
    call_command("load_demo", port=80, stdout=StringIO())
    assert counts() == before


# --- the branded 404 -------------------------------------------------------------------------


def _assert_branded_404(response, site_name: str) -> None:
    assert response.status_code == 404
    page = html_lib.unescape(response.content.decode())
    assert "We can't find that page" in page
    assert f"Go to the {site_name} home page" in page
    search = re.search(r'<form role="search"[^>]*aria-label="Search for the page"[^>]*>', page)
    assert search and 'action="/search/"' in search.group(0)
    assert "Using the URLconf" not in page  # not Django's technical page


@pytest.mark.django_db
def test_a_missing_page_on_each_site_is_that_sites_branded_404(client, network, leeds):
    for host, name in [
        (NATIONAL_HOST, "Connection Coalition"),
        (COVENTRY_HOST, "Connecting for Good Coventry"),
        (LEEDS_HOST, leeds.site.site_name),
    ]:
        _assert_branded_404(client.get("/no-such-page/", HTTP_HOST=host), name)


@pytest.mark.django_db
def test_the_demo_server_with_debug_on_still_shows_the_branded_404(client, network, leeds):
    """`make demo` runs the dev settings, DEBUG on: residents still see the site's own 404."""
    dev = importlib.import_module("cms.settings.dev")
    with override_settings(DEBUG=True, MIDDLEWARE=dev.MIDDLEWARE):
        for host, name in [
            (NATIONAL_HOST, "Connection Coalition"),
            (COVENTRY_HOST, "Connecting for Good Coventry"),
            (LEEDS_HOST, leeds.site.site_name),
        ]:
            _assert_branded_404(client.get("/no-such-page/", HTTP_HOST=host), name)
            # no URL pattern at all matches this one: Django itself answers, not a view
            _assert_branded_404(client.get("/no-such-file.txt", HTTP_HOST=host), name)
        assert client.get("/", HTTP_HOST=NATIONAL_HOST).status_code == 200
