"""Every site has a favicon: its logo's rendition, or its initials in its colours."""

import os
import re

from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.helpers import body


def icon_link(client, host) -> str:
    page = client.get("/", HTTP_HOST=host)
    assert page.status_code == 200
    match = re.search(r'<link rel="icon" href="([^"]+)"', body(page))
    assert match, "no <link rel=icon> on the home page"
    return match.group(1)


def test_a_site_with_a_logo_uses_its_rendition(client, network):
    for host in (NATIONAL_HOST, COVENTRY_HOST):
        href = icon_link(client, host)
        assert "/images/" in href and ".max-64x64" in href, href
        response = client.get("/favicon.ico", HTTP_HOST=host)
        assert response.status_code == 302
        assert response["Location"] == href
        assert "max-age=86400" in response["Cache-Control"]


def test_a_new_chapter_without_a_logo_gets_its_initials_in_its_colours(client, leeds):
    href = icon_link(client, LEEDS_HOST)
    assert href.startswith("/favicon.svg?v=")
    svg = client.get(href, HTTP_HOST=LEEDS_HOST)
    assert svg.status_code == 200
    assert svg["Content-Type"].startswith("image/svg+xml")
    assert "max-age=86400" in svg["Cache-Control"]
    text = svg.content.decode()
    assert ">LC</text>" in text  # Leeds Connects
    assert f'fill="{SiteSettings.for_site(leeds.site).primary_colour}"' in text
    ico = client.get("/favicon.ico", HTTP_HOST=LEEDS_HOST)
    assert ico.status_code == 302
    assert ico["Location"] == "/favicon.svg"


def test_the_initials_follow_the_colour_an_editor_saves(client, leeds):
    site_settings = SiteSettings.for_site(leeds.site)
    site_settings.primary_colour = "#4a148c"
    site_settings.save()
    assert 'fill="#4a148c"' in client.get("/favicon.svg", HTTP_HOST=LEEDS_HOST).content.decode()


def test_a_logo_whose_file_is_gone_falls_back_to_the_initials(client, network):
    logo = SiteSettings.for_site(network.coventry_site).logo
    logo.renditions.all().delete()
    os.rename(logo.file.path, logo.file.path + ".away")
    try:
        assert client.get("/", HTTP_HOST=COVENTRY_HOST).status_code == 200
        assert icon_link(client, COVENTRY_HOST).startswith("/favicon.svg")
        response = client.get("/favicon.ico", HTTP_HOST=COVENTRY_HOST)
        svg = client.get("/favicon.svg", HTTP_HOST=COVENTRY_HOST).content.decode()
    finally:  # the demo's media are shared by the session's other tests
        os.rename(logo.file.path + ".away", logo.file.path)
    assert response.status_code == 302
    assert response["Location"] == "/favicon.svg"
    assert ">CG</text>" in svg  # Connecting for Good Coventry
