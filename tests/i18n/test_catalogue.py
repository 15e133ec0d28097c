"""The Welsh interface catalogue (locale/cy): complete, compiled, served.

Every message in it is translated and none is fuzzy (GNU msgfmt's own count); the committed .mo
says what the .po says, so a machine without gettext serves the same Welsh; every translation
keeps its English's placeholders, so no Welsh page breaks or loses a name; and with Welsh active
the error pages a resident may meet (404, 429, 500, and the plain 500 when the database is
down) speak Welsh, on the national site and on a chapter made by create_chapter."""

import re
import subprocess
from html import unescape

import polib
import pytest
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Locale

from cms.core import antispam
from sites import views as site_views
from sites.models import SiteSettings
from tests.conftest import NATIONAL_HOST
from tests.i18n.catalogue import MO, PLACEHOLDER, PO, catalogue, needs_msgfmt


def translations(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural.get(form, "") for form in range(6)]
    return [entry.msgstr]


@needs_msgfmt
def test_msgfmt_counts_every_message_translated_and_none_fuzzy(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--statistics", "--check", "-o", str(tmp_path / "cy.mo"), str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    translated = re.match(r"(\d+) translated messages?\.$", statistics)
    assert translated, f"msgfmt says: {statistics}"  # no "untranslated" or "fuzzy" part
    assert int(translated.group(1)) == len(catalogue()) > 600


def test_the_catalogue_gives_welsh_its_six_plural_forms():
    po = catalogue()
    assert po.metadata["Language"] == "cy"
    assert po.metadata["Plural-Forms"].startswith("nplurals=6;")
    plurals = [entry for entry in po if entry.msgid_plural]
    assert plurals
    assert all(all(translations(entry)) for entry in plurals)


@needs_msgfmt
def test_the_committed_mo_says_what_the_po_says(tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)

    def messages(path):
        return {
            (entry.msgctxt, entry.msgid, entry.msgid_plural): (entry.msgstr, entry.msgstr_plural)
            for entry in polib.mofile(str(path))
        }

    assert messages(MO) == messages(fresh)


def test_every_translation_keeps_the_placeholders_of_its_english():
    changed = []
    for entry in catalogue():
        english = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        for welsh in translations(entry):
            if set(PLACEHOLDER.findall(welsh)) != english:
                changed.append((entry.msgid, welsh))
    assert changed == []


def test_the_catalogue_is_loaded_for_welsh():
    with translation.override("cy"):
        assert translation.gettext("Search") == "Chwilio"
        assert translation.gettext("Share your story") == "Rhannwch eich stori"
        assert translation.gettext("Welsh") == "Cymraeg"
        assert (
            translation.ngettext("%(counter)s story", "%(counter)s stories", 3) % {"counter": 3}
            == "3 stori"
        )
    with translation.override("en"):
        assert translation.gettext("Search") == "Search"


# --- the error pages in Welsh ---------------------------------------------------------------


def assert_welsh(html: str, *phrases: str) -> None:
    text = unescape(html)
    for phrase in phrases:
        assert phrase in text, phrase


@pytest.mark.django_db
def test_a_missing_welsh_page_on_the_national_site_is_a_welsh_404(client, network):
    response = client.get("/cy/no-such-page-here/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="cy"' in html
    assert_welsh(
        html,
        "Heb ddod o hyd i'r dudalen",
        "Ni allwn ddod o hyd i'r dudalen honno",
        "Ewch i hafan",
        "Neu chwiliwch y wefan hon",
    )
    assert "find that page" not in unescape(html)


def error_page_in_welsh(view, host: str, *args):
    request = RequestFactory().get("/cy/no-such-page-here/", HTTP_HOST=host)
    with translation.override("cy"):
        response = view(request, *args)
    return response, response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("site", ["national", "chapter"])
def test_404_429_and_500_pages_speak_welsh(network, leeds, site):
    host = NATIONAL_HOST if site == "national" else leeds.site.hostname
    if site == "chapter":  # Leeds made by create_chapter, offering Welsh as well
        settings = SiteSettings.for_site(leeds.site)
        settings.locales_offered.add(Locale.objects.get(language_code="cy"))
        settings.save()

    response, html = error_page_in_welsh(site_views.page_not_found, host, None)
    assert response.status_code == 404
    assert_welsh(html, "Ni allwn ddod o hyd i'r dudalen honno", "Chwilio")

    response, html = error_page_in_welsh(antispam.too_many_requests, host, 180)
    assert response.status_code == 429
    assert_welsh(html, "Arhoswch am ychydig", "ymhen 3 munud")

    response, html = error_page_in_welsh(site_views.server_error, host)
    assert response.status_code == 500
    assert_welsh(html, "Mae'n ddrwg gennym, aeth rhywbeth o'i le ar ein hochr ni")
    assert "Sorry, something went wrong" not in html


def test_the_plain_500_page_speaks_welsh():
    with translation.override("cy"):
        html = site_views.loader.render_to_string("500_plain.html")
    assert '<html lang="cy">' in html
    assert_welsh(html, "Aeth rhywbeth o'i le", "Ewch i'r hafan")
