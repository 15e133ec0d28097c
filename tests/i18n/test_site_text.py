"""Site text in Welsh: the words of a site's settings residents read (name, tagline, footer,
menu labels) in the reader's language, edited per language in site settings; English, marked
lang="en", where the Welsh is not written."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from sites.models import NavigationItem, NavigationItemLabel, SiteSettings, SiteText
from sites.site_text import set_menu_label, set_site_text
from tests.conftest import NATIONAL_HOST
from tests.helpers import form_data

from .welsh import (
    CARDIFF_HOST,
    html_lang,
    make_welsh_chapter,
    publish_welsh_home,
    welsh,
    without_welsh,
)


def element(html: str, css_class: str) -> str:
    """The start tag of the first element with this class."""
    match = re.search(rf'<[a-z]+ class="{css_class}"[^>]*>', html)
    assert match, f"no .{css_class}"
    return match.group(0)


def text_of(html: str, css_class: str) -> str:
    match = re.search(rf'class="{css_class}"[^>]*>(.*?)</', html, re.S)
    return match.group(1).strip()


@pytest.mark.django_db
def test_welsh_site_text_is_shown_in_welsh(client, network):
    set_site_text(
        network.national_site,
        "cy",
        tagline="Gyda'n gilydd yn erbyn unigrwydd",
        footer_text="Menter gan Sefydliad Jo Cox.",
        display_name="Clymblaid Cysylltiad",
    )
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert html_lang(html) == "cy"
    assert text_of(html, "brand__tagline") == "Gyda&#x27;n gilydd yn erbyn unigrwydd"
    assert 'lang="en"' not in element(html, "brand__tagline")
    assert "Menter gan Sefydliad Jo Cox." in html
    assert text_of(html, "site-footer__name") == "Clymblaid Cysylltiad"
    english = client.get("/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert "Menter gan Sefydliad Jo Cox." not in english
    assert text_of(english, "site-footer__name") == "Connection Coalition"


@pytest.mark.django_db
def test_missing_welsh_site_text_falls_back_to_english_marked(client, network):
    SiteText.objects.filter(locale=welsh()).delete()  # the demo's Welsh site text
    set_site_text(network.national_site, "cy", tagline="Gyda'n gilydd")
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    footer = re.search(r'<div class="site-footer__text"[^>]*>', html).group(0)
    assert 'lang="en"' in footer
    assert "The Jo Cox Foundation" in html
    name = element(html, "site-footer__name")
    assert 'lang="en"' in name  # no Welsh name given: the English one, marked
    english = client.get("/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert 'lang="en"' not in element(english, "site-footer__name")


@pytest.mark.django_db
def test_menu_labels_in_welsh_or_english_marked(client, network):
    site_settings = SiteSettings.for_site(network.national_site)
    about = NavigationItem.objects.get(settings=site_settings, label="About")
    NavigationItemLabel.objects.filter(item__settings=site_settings).delete()  # the demo's
    without_welsh(about.page)
    link = NavigationItem.objects.create(
        settings=site_settings, url="https://example.org/donate", label="Donate", sort_order=9
    )
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    donate = re.search(r'<a href="https://example.org/donate"[^>]*>([^<]*)</a>', html)
    assert donate.group(1) == "Donate" and 'lang="en"' in donate.group(0)

    set_menu_label(about, "cy", "Amdanom")
    set_menu_label(link, "cy", "Cyfrannu")
    html = client.get("/cy/", HTTP_HOST=NATIONAL_HOST).content.decode()
    donate = re.search(r'<a href="https://example.org/donate"[^>]*>([^<]*)</a>', html)
    assert donate.group(1) == "Cyfrannu" and "lang=" not in donate.group(0)
    # About's page has no Welsh version: the Welsh label leads to the English page, marked.
    about_link = re.search(r'<a href="/about/"[^>]*>([^<]*)</a>', html)
    assert about_link.group(1) == "Amdanom"
    assert 'hreflang="en"' in about_link.group(0)
    english = client.get("/", HTTP_HOST=NATIONAL_HOST).content.decode()
    assert re.search(r'<a href="https://example.org/donate">Donate</a>', english)


@pytest.mark.django_db
def test_welsh_chapter_site_text(client, network):
    site = make_welsh_chapter().site
    publish_welsh_home(site)
    html = client.get("/cy/", HTTP_HOST=CARDIFF_HOST).content.decode()
    assert 'lang="en"' in element(html, "site-header__banner")  # the tagline, not yet in Welsh
    set_site_text(site, "cy", tagline="Pennod Caerdydd y Glymblaid")
    html = client.get("/cy/", HTTP_HOST=CARDIFF_HOST).content.decode()
    assert text_of(html, "site-header__banner") == "Pennod Caerdydd y Glymblaid"
    assert 'lang="en"' not in element(html, "site-header__banner")


@pytest.mark.django_db
def test_site_text_for_a_language_the_site_does_not_offer_is_refused(network):
    with pytest.raises(ValueError, match="does not offer"):
        set_site_text(network.coventry_site, "cy", tagline="Cysylltu er daioni")


# --- editors write it in site settings ----------------------------------------------------------


def form_errors(response) -> str:
    form = (getattr(response, "context", None) or {}).get("form")
    return str(form.errors) if form is not None else f"status {response.status_code}"


def settings_url(site) -> str:
    return reverse("wagtailsettings:edit", args=["network_sites", "sitesettings", site.pk])


@pytest.mark.django_db
def test_chapter_editor_writes_welsh_site_text_and_menu_labels_in_settings(client, network):
    chapter = make_welsh_chapter()
    publish_welsh_home(chapter.site)
    editor = get_user_model().objects.create_user("cardiff-editor", password="x")
    editor.groups.add(chapter.editors_group)
    client.force_login(editor)
    page = client.get(settings_url(chapter.site))
    assert page.status_code == 200
    assert "Site text in another language" in page.content.decode()
    data = form_data(page)
    cy = str(welsh().pk)
    data.update(
        {
            "texts-TOTAL_FORMS": ["1"],
            "texts-INITIAL_FORMS": ["0"],
            "texts-0-locale": [cy],
            "texts-0-display_name": [""],
            "texts-0-tagline": ["Pennod Caerdydd"],
            "texts-0-footer_text": ["Croeso i bawb."],
            "texts-0-ORDER": ["1"],
            "texts-0-DELETE": [""],
            "texts-0-id": [""],
            "navigation_items-0-label": ["About us"],
            "navigation_items-0-labels-TOTAL_FORMS": ["1"],
            "navigation_items-0-labels-INITIAL_FORMS": ["0"],
            "navigation_items-0-labels-0-locale": [cy],
            "navigation_items-0-labels-0-label": ["Amdanom ni"],
            "navigation_items-0-labels-0-ORDER": ["1"],
            "navigation_items-0-labels-0-DELETE": [""],
            "navigation_items-0-labels-0-id": [""],
        }
    )
    response = client.post(settings_url(chapter.site), data)
    assert response.status_code == 302, form_errors(response)
    html = client.get("/cy/", HTTP_HOST=CARDIFF_HOST).content.decode()
    assert text_of(html, "site-header__banner") == "Pennod Caerdydd"
    assert "Croeso i bawb." in html
    assert re.search(r'<a href="/about/"[^>]*>Amdanom ni</a>', html)
    english = client.get("/", HTTP_HOST=CARDIFF_HOST).content.decode()
    assert re.search(r'<a href="/about/"[^>]*>About us</a>', english)
