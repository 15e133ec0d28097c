"""Fixtures of the chapters tests (tenancy in the admin): the URL walk's scene, and the pages,
moderation and media the page-permission tests are refused on."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.template import Template
from django.test.utils import _TestState
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from chapters.models import Chapter
from tests.chapters.page_admin import (
    NATIONAL_DOCUMENT,
    NATIONAL_IMAGE,
    NATIONAL_TARGETS,
    Moderation,
    Scene,
    make_scene,
)
from tests.chapters.url_walk import Tenant, plant


@pytest.fixture
def walk_scene(network, leeds, leeds_editor) -> dict[str, Tenant]:
    """The secrets of the national site, Coventry and Leeds (a chapter made in the test)."""
    users = get_user_model().objects
    return {
        "national": plant(
            "national",
            network.national_site,
            Collection.objects.get(name="National"),
            users.get(username="national-editor"),
        ),
        "coventry": plant(
            "coventry",
            network.coventry_site,
            network.coventry.collection,
            users.get(username="coventry-editor"),
        ),
        "leeds": plant(
            "leeds", leeds.site, Chapter.objects.get(slug="leeds").collection, leeds_editor
        ),
    }


@pytest.fixture
def plain_rendering(monkeypatch):
    """Django's test setup copies every template context of every render for the test client
    to inspect; the walk never looks, and thousands of admin pages pay for it."""
    original = getattr(_TestState, "saved_data", None)
    if original is not None and hasattr(original, "template_render"):
        monkeypatch.setattr(Template, "_render", original.template_render)


@pytest.fixture(params=sorted(NATIONAL_TARGETS))
def national_scene(request, network, national_editor) -> Scene:
    draft_field, secrets = NATIONAL_TARGETS[request.param]
    page = network.national_home if request.param == "home" else network.national_page("about")
    return make_scene(network, page, draft_field, national_editor, secrets)


@pytest.fixture
def coventry_scene(network, coventry_editor) -> Scene:
    return make_scene(network, network.coventry_page("about"), "intro", coventry_editor, [])


@pytest.fixture
def moderation(network, national_editor) -> Moderation:
    draft_field, secrets = NATIONAL_TARGETS["about"]
    scene = make_scene(
        network, network.national_page("about"), draft_field, national_editor, secrets
    )
    workflow = scene.page.get_workflow()
    assert workflow is not None, "national pages have an approval workflow"
    workflow_state = workflow.start(scene.page, national_editor)
    scene.page.refresh_from_db()
    return Moderation(scene, workflow_state, workflow_state.current_task_state)


@pytest.fixture
def national_image(db):
    return get_image_model().objects.get(title=NATIONAL_IMAGE)


@pytest.fixture
def national_document(db):
    return get_document_model().objects.get(title=NATIONAL_DOCUMENT)


@pytest.fixture
def coventry_document(network):
    return get_document_model().objects.create(
        title="Coventry volunteer handbook",
        collection=network.coventry.collection,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="coventry-volunteer-handbook.pdf"),
    )
