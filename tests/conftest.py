"""Shared fixtures. The demo network is built once per test session, by the same builders
`load_demo` uses; every test then runs inside a transaction that is rolled back."""

import io
import shutil
import tempfile
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from wagtail.models import Page, Site

from chapters.models import Chapter
from cms.core.models import NationalHomePage
from cms.demo.builders import build_demo

_MEDIA_ROOT = tempfile.mkdtemp(prefix="cms-test-media-")


def pytest_configure(config):
    from django.conf import settings

    settings.MEDIA_ROOT = _MEDIA_ROOT


def pytest_unconfigure(config):
    shutil.rmtree(_MEDIA_ROOT, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        build_demo(port=80, password="demo")


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths; a rolled-back test must not leave them behind."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Network:
    national_site: Site
    national_home: NationalHomePage
    coventry: Chapter

    @property
    def coventry_site(self) -> Site:
        return self.coventry.site

    @property
    def coventry_home(self) -> Page:
        return self.coventry.site.root_page.specific

    def national_page(self, slug: str) -> Page:
        return self.national_home.get_children().get(slug=slug).specific

    def coventry_page(self, slug: str) -> Page:
        return self.coventry_home.get_children().get(slug=slug).specific


@pytest.fixture
def network(db) -> Network:
    site = Site.objects.get(is_default_site=True)
    return Network(
        national_site=site,
        national_home=site.root_page.specific,
        coventry=Chapter.objects.select_related("site").get(slug="coventry"),
    )


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def coventry_editor(db):
    return _user("coventry-editor")


@pytest.fixture
def national_editor(db):
    return _user("national-editor")


@pytest.fixture
def superuser(db):
    return _user("admin")


@pytest.fixture
def coventry_client(client, coventry_editor):
    client.force_login(coventry_editor)
    return client


@pytest.fixture
def national_client(client, national_editor):
    client.force_login(national_editor)
    return client


COVENTRY_HOST = "coventry.localhost"
NATIONAL_HOST = "localhost"


# --- a second chapter, made in the test the way an operator makes one ---------------------

LEEDS_HOST = "leeds.localhost"


@pytest.fixture
def leeds(network) -> Chapter:
    """Leeds, made by `create_chapter` inside the test (rolled back with it): every tenancy
    test runs against a chapter the demo did not build by hand."""
    from django.core.management import call_command

    call_command(
        "create_chapter",
        "leeds",
        name="Leeds Connects",
        hostname=LEEDS_HOST,
        city="Leeds",
        stdout=io.StringIO(),
    )
    return Chapter.objects.select_related("site", "editors_group", "collection").get(slug="leeds")


@pytest.fixture
def leeds_editor(leeds):
    """An editor in Leeds's editors group, with an email address of their own."""
    user = get_user_model().objects.create_user(
        "leeds-editor", email="editor@leeds.example", password="demo"
    )
    user.groups.add(leeds.editors_group)
    return user


@pytest.fixture
def leeds_client(leeds_editor):
    from django.test import Client

    client = Client()
    client.force_login(leeds_editor)
    return client


def pytest_collection_modifyitems(items):
    """Tests on a real database transaction (real Celery workers must see committed rows) end by
    flushing every table, the demo network included: `make test` runs them on their own, after
    the rest has run in parallel (pytest-xdist)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction", False)
        if transactional or "transactional_db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flushes_database)
