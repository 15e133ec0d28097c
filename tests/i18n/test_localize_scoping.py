"""Every wagtail-localize admin view, walked by a chapter editor: refused on another site's page,
story, translation source or translation, whatever id they type; allowed on their own site's.

The walk reads its list of views from chapters.localize_views.LOCALIZE_GUARDS, the list the
project refuses to start without (a wagtail-localize upgrade that adds or renames a view stops
start-up until it is listed there), and fails if a listed view that takes an object is not
walked here. Leeds is made by `create_chapter` in the test and offers Welsh.
"""

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.test import Client
from django.urls import include, path, reverse
from wagtail_localize.models import StringSegment

from chapters import admin_guards
from chapters.localize_views import LOCALIZE_GUARDS
from tests.factories import StoryFactory
from tests.helpers import logged_in
from tests.i18n.localize_scene import (
    SiteObjects,
    offer_welsh,
    published_on_commit,
    refused,
    site_objects,
    translate,
    translation_of,
    welsh,
)

# Views that take no object of any site: wagtail-localize's JavaScript strings, and the report
# and snippets API (replaced by scoped listings: tests/chapters/test_admin_tenancy.py).
NO_OBJECT = {
    "wagtail_localize:javascript_catalog",
    "wagtail_localize:translations_report",
    "wagtail_localize:translations_report_results",
    "wagtail_localize:snippets_api_listing",
    "wagtail_localize:snippets_api_detail",
}


def _next(objects: SiteObjects) -> str:
    return "?" + urlencode({"next": reverse("wagtailadmin_pages:edit", args=[objects.page.pk])})


def _string_edit(objects: SiteObjects) -> tuple[str, str, dict]:
    args = [objects.translation.pk, objects.segment.pk]
    return "put", reverse("wagtail_localize:edit_string_translation", args=args), {"value": "Hi"}


def _on_translation(view: str, method: str, then_edit: bool = False):
    """A request to wagtail-localize's `view` about one site's translation (with ?next= back to
    its page's editor, where the view takes one)."""

    def build(objects: SiteObjects) -> tuple[str, str, dict]:
        url = reverse(f"wagtail_localize:{view}", args=[objects.translation.pk])
        return method, url + (_next(objects) if then_edit else ""), {}

    return build


# name -> (method, url, data) for one site's objects.
REQUESTS: dict[str, Callable[[SiteObjects], tuple[str, str, dict]]] = {
    "wagtail_localize:submit_page_translation": lambda o: (
        "get",
        reverse("wagtail_localize:submit_page_translation", args=[o.untranslated.pk]),
        {},
    ),
    "wagtail_localize:convert_to_alias": lambda o: (
        "get",
        reverse("wagtail_localize:convert_to_alias", args=[o.welsh_page.pk]),
        {},
    ),
    "wagtail_localize:submit_snippet_translation": lambda o: (
        "get",
        reverse(
            "wagtail_localize:submit_snippet_translation", args=["stories", "story", o.story.pk]
        ),
        {},
    ),
    "wagtail_localize:update_translations": lambda o: (
        "get",
        reverse("wagtail_localize:update_translations", args=[o.source.pk]),
        {},
    ),
    "wagtail_localize:edit_string_translation": _string_edit,
    "wagtail_localize:edit_override": lambda o: (
        "put",
        reverse("wagtail_localize:edit_override", args=[o.translation.pk, 0]),
        {"value": "https://example.org/"},
    ),
    "wagtail_localize:download_pofile": _on_translation("download_pofile", "get"),
    "wagtail_localize:upload_pofile": _on_translation("upload_pofile", "post", then_edit=True),
    "wagtail_localize:machine_translate": _on_translation(
        "machine_translate", "post", then_edit=True
    ),
    "wagtail_localize:preview_translation": _on_translation("preview_translation", "get"),
    "wagtail_localize:stop_translation": _on_translation(
        "stop_translation", "post", then_edit=True
    ),
}


def _send(client, method: str, url: str, data: dict):
    """One request in a savepoint rolled back afterwards: nothing one request does (stopping a
    translation, filling it in) changes the next."""
    with transaction.atomic():
        if method == "put":
            encoded = urlencode(data)
            response = client.put(url, encoded, content_type="application/x-www-form-urlencoded")
        else:
            response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


@pytest.fixture
def scene(leeds, leeds_editor, network, superuser):
    offer_welsh(leeds.site)
    national_editor = get_user_model().objects.get(username="national-editor")
    return {
        "leeds": site_objects(leeds.site, leeds_editor),
        "national": site_objects(network.national_site, national_editor),
        "coventry": site_objects(network.coventry_site, superuser),
    }


def test_every_localize_view_that_takes_an_object_is_walked():
    assert set(REQUESTS) == set(LOCALIZE_GUARDS) - NO_OBJECT


def test_chapter_editor_is_refused_every_localize_view_on_other_sites(scene, leeds_editor):
    client = logged_in(leeds_editor)
    findings = []
    for name, build in sorted(REQUESTS.items()):
        for other in ("national", "coventry"):
            response = _send(client, *build(scene[other]))
            if not refused(response):
                findings.append(f"{name} on {other}'s: {response.status_code}")
    assert findings == [], "a Leeds editor was let through:\n" + "\n".join(findings)


def test_chapter_editor_may_use_every_localize_view_on_their_own_site(scene, leeds_editor):
    client = logged_in(leeds_editor)
    findings = []
    for name, build in sorted(REQUESTS.items()):
        response = _send(client, *build(scene["leeds"]))
        if refused(response) or response.status_code >= 500:
            findings.append(f"{name}: {response.status_code} {response.get('Location', '')}")
    assert findings == [], "a Leeds editor was refused their own:\n" + "\n".join(findings)


def test_another_chapter_is_refused_leeds_objects(scene, coventry_editor):
    client = logged_in(coventry_editor)
    findings = [
        name
        for name, build in REQUESTS.items()
        if not refused(_send(client, *build(scene["leeds"])))
    ]
    assert findings == []


def test_an_id_that_names_nothing_is_refused_not_a_500(scene, leeds_editor):
    client = logged_in(leeds_editor)
    for name in ("download_pofile", "machine_translate", "stop_translation"):
        url = reverse(f"wagtail_localize:{name}", args=[999_999])
        assert refused(client.post(url) if name != "download_pofile" else client.get(url))
    url = reverse("wagtail_localize:update_translations", args=[999_999])
    assert refused(client.get(url))


def test_a_site_offering_welsh_lets_its_editors_write_the_welsh_tree(leeds, leeds_editor):
    """Welsh pages live in a tree of their own: offering Welsh makes the Welsh home (a draft,
    wagtail-localize's synced translation) and the editors' permissions follow into it."""
    offer_welsh(leeds.site)
    client = logged_in(leeds_editor)
    home = leeds.site.root_page
    welsh_home = translation_of(home.specific).get_target_instance()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[welsh_home.pk])).status_code == 200
    about = home.get_children().get(slug="about")
    response = client.post(
        reverse("wagtail_localize:submit_page_translation", args=[about.pk]),
        {"locales": [welsh().pk]},
    )
    assert response.status_code == 302
    welsh_about = translation_of(about.specific).get_target_instance()
    assert welsh_about.get_parent().pk == welsh_home.pk
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[welsh_about.pk])
    assert client.get(response["Location"]).status_code == 200


def test_an_unlisted_localize_view_stops_start_up(monkeypatch):
    """An upgrade that adds or renames a view of wagtail-localize fails loudly."""
    monkeypatch.delitem(admin_guards.WRAPPED, "wagtail_localize:download_pofile")
    patterns = [
        path(
            "localize/",
            include(([path("x/", lambda r: None, name="download_pofile")], "wagtail_localize")),
        )
    ]
    with pytest.raises(ImproperlyConfigured, match="download_pofile"):
        admin_guards.guard_admin_urls(patterns)


def test_chapter_editor_translates_their_own_story(leeds, leeds_editor, coventry_editor):
    """Stories are held per site, not by model permission: the translation editor's endpoints
    let a site's editors fill in their own story's Welsh, and nobody else."""
    offer_welsh(leeds.site)
    client = logged_in(leeds_editor)
    story = StoryFactory(site=leeds.site, title="Leeds story in Welsh")
    response = client.post(
        reverse("wagtail_localize:submit_snippet_translation", args=["stories", "story", story.pk]),
        {"locales": [welsh().pk]},
    )
    assert response.status_code == 302
    translation = translation_of(story)
    welsh_story = translation.get_target_instance()
    edit = reverse("wagtailsnippets_stories_story:edit", args=[welsh_story.pk])
    assert client.get(edit).status_code == 200
    segment = StringSegment.objects.filter(source=translation.source).first()
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, segment.pk])
    value = urlencode({"value": "Stori Leeds"})
    form = "application/x-www-form-urlencoded"
    assert client.put(url, value, content_type=form).status_code in (200, 201)
    assert refused(logged_in(coventry_editor).put(url, value, content_type=form))


def test_chapter_editor_publishes_their_storys_welsh(leeds, leeds_editor, coventry_editor):
    offer_welsh(leeds.site)
    story = StoryFactory(site=leeds.site, title="Leeds story to publish in Welsh")
    translation = translate(story, leeds_editor)
    welsh_story = translation.get_target_instance()
    client = logged_in(leeds_editor)
    title = StringSegment.objects.get(source=translation.source, context__path="title")
    url = reverse("wagtail_localize:edit_string_translation", args=[translation.pk, title.pk])
    value = urlencode({"value": "Stori Leeds yn Gymraeg"})
    client.put(url, value, content_type="application/x-www-form-urlencoded")

    edit = reverse("wagtailsnippets_stories_story:edit", args=[welsh_story.pk])
    with published_on_commit():
        assert refused(logged_in(coventry_editor).post(edit, {"action": "publish"}))
    welsh_story.refresh_from_db()
    assert welsh_story.title == "Leeds story to publish in Welsh", "Coventry published nothing"
    with published_on_commit():
        response = client.post(edit, {"action": "publish"})

    assert response.status_code == 302, response.status_code
    welsh_story.refresh_from_db()
    assert welsh_story.title == "Stori Leeds yn Gymraeg"
    assert welsh_story.live


def test_translating_a_section_with_its_subtree_serves_every_welsh_page(leeds, leeds_editor):
    """wagtail-localize publishes a translated section after making its children: its tree must
    still know them (/cy/get-involved/volunteer/ was a 404)."""
    offer_welsh(leeds.site)
    home = leeds.site.root_page
    translation_of(home.specific).get_target_instance().save_revision().publish()
    section = home.get_children().get(slug="get-involved")
    with published_on_commit():
        response = logged_in(leeds_editor).post(
            reverse("wagtail_localize:submit_page_translation", args=[section.pk]),
            {"locales": [welsh().pk], "include_subtree": "on"},
        )
    assert response.status_code == 302
    welsh_section = translation_of(section.specific).get_target_instance()
    assert welsh_section.get_children().count() == section.get_children().count() > 0
    for url in ("/cy/", "/cy/get-involved/", "/cy/get-involved/volunteer/"):
        assert Client().get(url, HTTP_HOST=leeds.site.hostname).status_code == 200, url
