"""Which languages a site offers: `create_chapter --languages`, the home's translation made for
wagtail-localize, and /cy/... on a site that does not offer Welsh (its English 404)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Locale, Site
from wagtail_localize.models import Translation

from sites.models import SiteSettings
from tests.conftest import COVENTRY_HOST, LEEDS_HOST, NATIONAL_HOST
from tests.shared_chapter import make_leeds

from .welsh import CARDIFF_HOST, html_lang, make_welsh_chapter, translate_page, welsh

NOT_OFFERED = "This site is not available in Welsh"


def offered_codes(site) -> set[str]:
    offered = SiteSettings.for_site(site).locales_offered.all()
    return {locale.language_code for locale in offered}


@pytest.mark.django_db
def test_create_chapter_with_welsh_offers_it_and_makes_the_home_to_translate(network):
    chapter = make_welsh_chapter()
    assert offered_codes(chapter.site) == {"en", "cy"}
    home = chapter.site.root_page
    welsh_home = home.get_translation(welsh())
    # A real translation wagtail-localize can sync (not an alias), kept as a draft until an
    # editor has written it in Welsh: nothing English is live at /cy/.
    assert welsh_home.alias_of_id is None
    assert not welsh_home.live
    assert home.live
    assert Translation.objects.filter(
        source__object_id=home.translation_key, target_locale=welsh()
    ).exists()


@pytest.mark.django_db
def test_pages_translated_later_go_under_the_welsh_home_not_an_alias(network):
    chapter = make_welsh_chapter()
    about = chapter.site.root_page.get_children().get(slug="about")
    welsh_about = translate_page(about, "Amdanom ni", "amdanom")
    parent = welsh_about.get_parent()
    assert parent.locale == welsh()
    assert parent.alias_of_id is None
    assert parent.translation_key == chapter.site.root_page.translation_key


@pytest.mark.django_db
def test_create_chapter_offers_english_only_by_default(leeds):
    assert offered_codes(leeds.site) == {"en"}
    assert leeds.site.root_page.get_translation_or_none(welsh()) is None


@pytest.mark.django_db
def test_create_chapter_again_with_welsh_adds_it(leeds):
    make_leeds(languages="en,cy")
    assert offered_codes(leeds.site) == {"en", "cy"}
    assert leeds.site.root_page.get_translation_or_none(welsh()) is not None


@pytest.mark.django_db
@pytest.mark.parametrize("languages", ["en,xx", "klingon", "en,cy,fr"])
def test_unknown_language_is_a_clear_error_and_writes_nothing(network, languages):
    sites = Site.objects.count()
    with pytest.raises(CommandError, match="Unknown language code"):
        call_command(
            "create_chapter",
            "bristol",
            name="Bristol Connects",
            hostname="bristol.localhost",
            languages=languages,
            stdout=io.StringIO(),
        )
    assert Site.objects.count() == sites


@pytest.mark.django_db
def test_ticking_welsh_in_site_settings_makes_the_home_to_translate(network):
    site_settings = SiteSettings.for_site(network.coventry_site)
    site_settings.locales_offered.add(Locale.objects.get(language_code="cy"))
    site_settings.save()
    welsh_home = network.coventry_site.root_page.get_translation(welsh())
    assert welsh_home.alias_of_id is None
    assert not welsh_home.live


# --- a site that does not offer Welsh -----------------------------------------------------------


def assert_english_not_offered_page(response):
    assert response.status_code == 404
    html = response.content.decode()
    assert html_lang(html) == "en"
    assert 'lang="cy"' not in html
    assert NOT_OFFERED in html
    return html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "english"),
    [
        ("/cy/", "/"),
        ("/cy/about/", "/about/"),
        ("/cy/stories/", "/stories/"),
        ("/cy/get-involved/", "/get-involved/"),
        ("/cy/no-such-page/", None),
        ("/cy/stories/no-such-story/", "/stories/no-such-story/"),
        ("/cy/search/?q=rose", None),
    ],
)
def test_welsh_url_on_coventry_is_its_english_404_saying_welsh_is_not_offered(
    client, network, path, english
):
    html = assert_english_not_offered_page(client.get(path, HTTP_HOST=COVENTRY_HOST))
    assert 'class="theme-chapter"' in html
    assert "Connecting for Good Coventry" in html
    if english:
        assert re.search(rf'<a [^>]*href="{re.escape(english)}" hreflang="en"', html)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cy/", "/cy/about/", "/cy/news/"])
def test_welsh_url_on_a_chapter_made_without_welsh_is_its_english_404(client, leeds, path):
    html = assert_english_not_offered_page(client.get(path, HTTP_HOST=LEEDS_HOST))
    assert "Leeds Connects" in html
    assert f'href="{path[3:]}" hreflang="en"' in html


# --- odd paths never answer 500 ----------------------------------------------------------------

ODD_PATHS = ["/cy", "/cy/", "/cy/nonexistent/", "/cy/stories/no-such-story/", "/cy//", "/cy/%FF/"]


@pytest.mark.django_db
@pytest.mark.parametrize("host", [NATIONAL_HOST, COVENTRY_HOST, CARDIFF_HOST])
def test_odd_welsh_paths_answer_without_error(client, network, host):
    """Every odd path on the site (one chapter made for all of them): each answer listed."""
    make_welsh_chapter()
    answers = {path: client.get(path, HTTP_HOST=host).status_code for path in ODD_PATHS}
    assert all(status in (200, 301, 302, 404) for status in answers.values()), answers
