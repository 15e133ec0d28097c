"""Fixtures of the chapters tests (tenancy in the admin): the URL walk's scene."""

import pytest
from django.contrib.auth import get_user_model
from django.template import Template
from django.test.utils import _TestState
from wagtail.models import Collection

from chapters.models import Chapter
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
