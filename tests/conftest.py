"""Shared fixtures. The test database outlives the run (--reuse-db; tests/demo_db.py says what
it holds and when it is rebuilt); the demo network, built by the same builders `load_demo` uses,
is in it only when a collected test asks for it (`demo_network`, or a fixture below that
depends on it): it is then a copy of the demo template, where the demo is built once for all
the processes of a run. Every test then runs inside a transaction that is rolled back."""

import os
import shutil
import tempfile
import uuid
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import translation
from wagtail.models import Page, Site

from chapters.models import Chapter
from cms.core.models import NationalHomePage
from tests import demo_db, scheduling, shared_chapter

_MEDIA_ROOT = tempfile.mkdtemp(prefix="cms-test-media-")


def pytest_configure(config):
    settings.MEDIA_ROOT = _MEDIA_ROOT
    if hasattr(config, "workerinput"):  # an xdist worker
        config.pluginmanager.register(scheduling.Ordering(), "test-ordering")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope` (make test) spreads the units of tests/scheduling.py."""
    if config.getoption("dist") == "loadscope":
        return scheduling.UnitScheduling(config, log)
    return None


BROWSER_TESTS = ("tests/e2e/", "tests/security/test_csp_browser.py")


def pytest_collection_finish(session):
    """A session that will serve the demo to a browser starts building it now (one process per
    run: the first xdist worker's), alongside the test databases being made."""
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    if worker not in (None, "gw0") or session.config.getoption("collectonly"):
        return
    if not any(item.nodeid.startswith(BROWSER_TESTS) for item in session.items):
        return
    from tests.e2e import support  # only a session with browser tests needs it

    if support.CHROMIUM or os.environ.get("CI") == "true":
        support.start_kept_demo()


def pytest_unconfigure(config):
    shutil.rmtree(_MEDIA_ROOT, ignore_errors=True)


# --- the test database -------------------------------------------------------------------------


def _runs_flushing_tests(session) -> bool:
    return any(item.get_closest_marker("flushes_database") for item in session.items)


def _wants_demo(session) -> bool:
    return any("demo_network" in getattr(item, "fixturenames", ()) for item in session.items)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """pytest-django's names (``_gw0`` ... per xdist worker), and a database of its own for a
    session that runs tests which flush it (so the one the other tests reuse keeps its demo)."""
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    demo_db.set_test_names(worker, flushing=_runs_flushing_tests(request.session))


@pytest.fixture(scope="session")
def django_db_createdb(request, django_db_modify_db_settings, django_db_blocker):
    """With --reuse-db (the default, see pyproject.toml) the session's database is prepared
    here, a copy of the migrated template, or of the demo template when a collected test asks
    for the demo (tests/demo_db.py), and pytest-django keeps it: --create-db migrates the
    template again; a flushing session always gets a new copy of the template."""
    if not request.config.getvalue("reuse_db"):
        return request.config.getvalue("create_db")
    # One run of `make test` (TEST_RUN_ID: its two pytest processes) builds the template once.
    run = (
        os.environ.get("TEST_RUN_ID")
        or getattr(request.config, "workerinput", {}).get("testrunuid")
        or uuid.uuid4().hex
    )
    with django_db_blocker.unblock():
        demo_db.prepare(
            connections[DEFAULT_DB_ALIAS],
            create=request.config.getvalue("create_db"),
            fresh=_runs_flushing_tests(request.session),
            run=run,
            demo=_wants_demo(request.session),
        )
    return False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker) -> demo_db.Database:
    """pytest-django's setup, then the demo's media files back in MEDIA_ROOT if it is there."""
    with django_db_blocker.unblock():
        return demo_db.after_setup(connections[DEFAULT_DB_ALIAS])


@pytest.fixture(scope="session")
def demo_network(django_db_setup, django_db_blocker) -> demo_db.Database:
    """The demo network (`load_demo`'s), in the test database when it is a copy of the demo
    template (built once per run and kept for later runs), else built into it now; tests that
    use none of the fixtures depending on it never wait for it."""
    with django_db_blocker.unblock():
        demo_db.build_demo_once(django_db_setup)
    return django_db_setup


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths and the rate limits (antispam, the widget's signup) count
    in the cache; a rolled-back test must leave neither behind. Each test starts in the default
    language too: Django's LocaleMiddleware leaves the language of the last request active in
    the thread, so a test's /cy/ request would make the next test's mail Welsh."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


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
def network(db, demo_network) -> Network:
    site = Site.objects.get(is_default_site=True)
    return Network(
        national_site=site,
        national_home=site.root_page.specific,
        coventry=Chapter.objects.select_related("site").get(slug="coventry"),
    )


def _user(username):
    return get_user_model().objects.get(username=username)


@pytest.fixture
def coventry_editor(db, demo_network):
    return _user("coventry-editor")


@pytest.fixture
def national_editor(db, demo_network):
    return _user("national-editor")


@pytest.fixture
def superuser(db, demo_network):
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


# --- a second chapter, made the way an operator makes one ------------------------------------

LEEDS_HOST = shared_chapter.LEEDS_HOST


@pytest.fixture
def _leeds_made(demo_network, django_db_blocker):
    """Leeds made by `create_chapter` in a transaction around this test and the Leeds tests
    next to it (tests/shared_chapter.py); set up before the test's own transaction."""
    shared_chapter.shared_leeds.open(django_db_blocker)


@pytest.fixture
def leeds(request, _leeds_made, network) -> Chapter:
    """Leeds, made by `create_chapter` (not built by hand as the demo's sites are): every
    tenancy test also runs against it. Rolled back with the test, as any test's data."""
    if not shared_chapter.shared_leeds.is_open and not _flushes(request.node):
        pytest.fail(shared_chapter.UNSHARED, pytrace=False)
    return shared_chapter.shared_leeds.leeds_for_test()


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


# Modules other work is editing that still lean on the demo without asking for it (a fixture of
# their own reads a demo account): their database tests get `demo_network` as every test did
# before it was lazy. Each leaves this list once its tests request what they use.
DEMO_BY_DEFAULT = ("tests/newsletter/", "tests/accounts/test_login_protection.py")


def _uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or "db" in item.fixturenames


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests on a real database transaction (real Celery workers must see committed rows) end by
    flushing every table: they are marked `flushes_database`, run in a database of their own,
    and `make test` runs them on their own, after the rest has run in parallel (pytest-xdist).
    Database tests of the DEMO_BY_DEFAULT modules set up the demo first. Leeds is made before a
    test's own transaction opens (tests/shared_chapter.py), and each file's Leeds tests run
    last in it, so that one Leeds serves them all."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        transactional = marker is not None and marker.kwargs.get("transaction", False)
        if transactional or "transactional_db" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.flushes_database)
        elif (
            item.nodeid.startswith(DEMO_BY_DEFAULT)
            and _uses_database(item)
            and "demo_network" not in item.fixturenames
        ):
            item.fixturenames.insert(0, "demo_network")  # session-scoped: set up first
        if _shares_leeds(item):
            if shared_chapter.FIXTURE in item.fixturenames:
                item.fixturenames.remove(shared_chapter.FIXTURE)
            item.fixturenames.insert(0, shared_chapter.FIXTURE)
    files = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], len(files))
    items.sort(key=lambda item: (files[item.nodeid.split("::", 1)[0]], _shares_leeds(item)))


def _flushes(item) -> bool:
    return item.get_closest_marker("flushes_database") is not None


def _shares_leeds(item) -> bool:
    uses = shared_chapter.FIXTURE in getattr(item, "fixturenames", ()) or (
        item.get_closest_marker(shared_chapter.USES_LEEDS.name) is not None
    )
    return uses and not _flushes(item)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test's fixtures are gone: the Leeds transaction ends unless the next test uses
    it too."""
    try:
        return (yield)
    finally:
        if nextitem is None or not _shares_leeds(nextitem):
            shared_chapter.shared_leeds.close()
