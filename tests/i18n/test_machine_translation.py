"""Machine translation in wagtail-localize's translation editor: the stand-in backend (tests and
the demo), the settings that choose a backend, and the editor's "Translate with …" button used
by a chapter editor on their own page and refused on another site's."""

from urllib.parse import urlencode

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from wagtail.models import Locale
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.models import StringTranslation
from wagtail_localize.strings import StringValue

from cms.settings.env import machine_translator_settings
from sites.machine_translation import StandInTranslator, stand_in_welsh
from tests.helpers import logged_in
from tests.i18n.localize_scene import offer_welsh, published_on_commit, refused, translate

# --- the stand-in ----------------------------------------------------------------------------


def test_the_stand_in_puts_common_words_into_welsh_and_says_it_is_a_machine():
    assert stand_in_welsh("Get involved with your community") == (
        "[peiriant] Cymryd rhan gyda eich cymuned"
    )


def test_the_stand_in_keeps_markup_and_unknown_words():
    html = '<a id="a1">Stories</a> of Coventry &amp; Leeds'
    assert stand_in_welsh(html) == '[peiriant] <a id="a1">Straeon</a> of Coventry &amp; Leeds'


def test_the_stand_in_translates_english_to_welsh_only(db):
    english, cy = Locale.objects.get(language_code="en"), Locale.objects.get(language_code="cy")
    translator = StandInTranslator({})
    assert translator.can_translate(english, cy)
    assert not translator.can_translate(cy, english)
    strings = [StringValue("Welcome home")]
    assert translator.translate(english, cy, strings) == {
        strings[0]: StringValue("[peiriant] Croeso hafan")
    }


# --- choosing a backend ----------------------------------------------------------------------


def test_tests_and_the_demo_use_the_stand_in():
    assert isinstance(get_machine_translator(), StandInTranslator)


@pytest.fixture
def environment(monkeypatch):
    """Set the machine-translation variables of the environment for one test."""
    for name in ("MACHINE_TRANSLATOR", "LIBRETRANSLATE_URL", "LIBRETRANSLATE_API_KEY"):
        monkeypatch.delenv(name, raising=False)

    def set_to(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_to


def test_libretranslate_is_wagtail_localizes_own_backend_once_its_url_is_set(environment):
    environment(LIBRETRANSLATE_URL="https://lt.example.org/", LIBRETRANSLATE_API_KEY="k3y")
    assert machine_translator_settings(default="off") == {
        "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        "OPTIONS": {"LIBRETRANSLATE_URL": "https://lt.example.org", "API_KEY": "k3y"},
    }


def test_production_has_no_machine_translation_unless_configured(environment):
    assert machine_translator_settings(default="off") is None


def test_off_turns_it_off_even_with_a_url(environment):
    environment(MACHINE_TRANSLATOR="off", LIBRETRANSLATE_URL="https://lt.example.org")
    assert machine_translator_settings(default="stand-in") is None


def test_the_stand_in_can_be_chosen_anywhere(environment):
    environment(MACHINE_TRANSLATOR="stand-in")
    config = machine_translator_settings(default="off")
    assert config["CLASS"] == "sites.machine_translation.StandInTranslator"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"MACHINE_TRANSLATOR": "libretranslate"}, "needs LIBRETRANSLATE_URL"),
        ({"MACHINE_TRANSLATOR": "deepl"}, "use libretranslate, stand-in or off"),
    ],
)
def test_a_wrong_choice_is_a_clear_error_at_start_up(environment, values, message):
    environment(**values)
    with pytest.raises(ImproperlyConfigured, match=message):
        machine_translator_settings(default="off")


# --- the translation editor's button ---------------------------------------------------------


def _machine_translate(client, translation, page):
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    url = reverse("wagtail_localize:machine_translate", args=[translation.pk])
    return client.post(f"{url}?{urlencode({'next': edit})}"), edit


def test_chapter_editor_fills_their_welsh_draft_with_the_stand_in(leeds, leeds_editor):
    offer_welsh(leeds.site)
    about = leeds.site.root_page.get_children().get(slug="about").specific
    translation = translate(about, leeds_editor)
    welsh_page = translation.get_target_instance()
    client = logged_in(leeds_editor)

    response, edit = _machine_translate(client, translation, welsh_page)

    assert response.status_code == 302 and response["Location"] == edit
    filled = StringTranslation.objects.filter(
        translation_of__segments__source=translation.source,
        context__object_id=translation.source.object_id,  # not another page's same words
        locale=translation.target_locale,
    )
    assert filled.exists()
    assert all(row.data.startswith("[peiriant] ") for row in filled)
    assert filled.filter(data="[peiriant] Amdanom").exists(), "the title, About"
    # Published from the translation editor, the Welsh page reads the stand-in's Welsh.
    with published_on_commit():
        published = client.post(edit, {"action": "publish"})
    assert published.status_code == 302
    welsh_page.refresh_from_db()
    assert welsh_page.title == "[peiriant] Amdanom"
    assert welsh_page.live
    _, _, path = welsh_page.get_url_parts()
    assert path.startswith("/cy/")
    page = Client().get(path, HTTP_HOST=leeds.site.hostname)
    assert page.status_code == 200
    assert "[peiriant] Amdanom" in page.content.decode()


def test_machine_translation_is_refused_on_another_sites_page(leeds, leeds_editor, network):
    coventry_about = network.coventry_page("about")
    translation = translate(coventry_about, network_superuser())
    before = StringTranslation.objects.filter(locale=translation.target_locale).count()

    response, _ = _machine_translate(logged_in(leeds_editor), translation, coventry_about)

    assert refused(response)
    assert StringTranslation.objects.filter(locale=translation.target_locale).count() == before


def network_superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


def test_an_unreachable_libretranslate_is_reported_not_a_500(leeds, leeds_editor, settings):
    """Nothing listens on the discard port: the editor is told, and nothing is filled in."""
    settings.WAGTAILLOCALIZE_MACHINE_TRANSLATOR = {
        "CLASS": "wagtail_localize.machine_translators.libretranslate.LibreTranslator",
        "OPTIONS": {"LIBRETRANSLATE_URL": "http://127.0.0.1:9", "API_KEY": "", "TIMEOUT": 2},
    }
    offer_welsh(leeds.site)
    about = leeds.site.root_page.get_children().get(slug="about").specific
    translation = translate(about, leeds_editor)
    client = logged_in(leeds_editor)

    response, edit = _machine_translate(client, translation, translation.get_target_instance())

    assert response.status_code == 302 and response["Location"] == edit
    messages = [str(m) for m in client.get(edit).context["messages"]]
    assert any("could not be reached" in m for m in messages), messages
    assert not StringTranslation.objects.filter(
        locale=translation.target_locale,
        translation_of__segments__source=translation.source,
        context__object_id=translation.source.object_id,  # not another page's same words
    ).exists()
