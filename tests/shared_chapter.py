"""Leeds, the chapter the tenancy tests are also run against, made by `create_chapter` once for
each run of consecutive tests that use it: Django's setUpTestData, for pytest.

Making a chapter costs about 0.7 s (eight published pages, groups, permissions, a workflow)
and about 190 tests ask for Leeds. So the first test of a run of Leeds tests opens a
transaction, runs `create_chapter` in it and leaves it open; that test's own transaction
(pytest-django's, one per test) and every following one is then a savepoint inside it, rolled
back after the test exactly as before, so each test still starts from the Leeds
`create_chapter` made and nothing one test does is seen by the next. Before the first test
that does not use Leeds (or at the end of the session) the outer transaction is rolled back:
no other test ever sees Leeds. tests/conftest.py orders each file's Leeds tests last, so a
file opens it once.

A parameter that reaches Leeds only through `request.getfixturevalue("leeds")` (a fixture or
test parametrized over sites) is written `leeds_param()`: its marker tells the ordering
that the test uses Leeds, so it too shares the one Leeds instead of making its own.

A test on a real transaction (``flushes_database``) gets Leeds made inside its own transaction
instead. Any other test that reaches the `leeds` fixture after its own transaction opened (by
`request.getfixturevalue` without `leeds_param()`) fails with UNSHARED: it would quietly make a
Leeds of its own, a second a test.
"""

import io

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from chapters.models import Chapter

LEEDS_HOST = "leeds.localhost"
FIXTURE = "_leeds_made"  # requested by the `leeds` fixture; set up before the test's transaction
USES_LEEDS = pytest.mark.uses_leeds  # a parameter whose test asks for Leeds by getfixturevalue


UNSHARED = (
    "This test reaches the `leeds` fixture only after its own transaction opened (by "
    "request.getfixturevalue), so it cannot share the one Leeds and would make its own. Write "
    "its Leeds parameter as leeds_param() (tests/shared_chapter.py), or ask for `leeds` as an "
    "argument of the test or of one of its fixtures."
)


def leeds_param(*values):
    """The Leeds value of a parametrization whose test asks for the `leeds` fixture only by
    `request.getfixturevalue`: marked, so it shares the one Leeds (same id as the bare value)."""
    return pytest.param(*(values or ("leeds",)), marks=USES_LEEDS)


def make_leeds(**options) -> None:
    """Leeds as an operator makes it: `create_chapter` (with `options`, e.g. languages="en,cy")."""
    call_command(
        "create_chapter",
        "leeds",
        name="Leeds Connects",
        hostname=LEEDS_HOST,
        city="Leeds",
        stdout=io.StringIO(),
        **options,
    )


def get_leeds() -> Chapter:
    return Chapter.objects.select_related("site", "editors_group", "collection").get(slug="leeds")


class SharedLeeds:
    """The open transaction that holds Leeds between tests, if any."""

    def __init__(self):
        self.atomic = None
        self.blocker = None

    @property
    def is_open(self) -> bool:
        return self.atomic is not None

    def open(self, blocker) -> None:
        """Leeds in a transaction left open (if it is not already), unless the test's own
        transaction is already open: then the `leeds` fixture refuses (UNSHARED)."""
        if self.is_open:
            return
        with blocker.unblock():
            if connections[DEFAULT_DB_ALIAS].in_atomic_block:
                return
            atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            atomic._from_testcase = True  # as Django's own class-level transactions
            atomic.__enter__()
            try:
                make_leeds()
            except BaseException:
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
                atomic.__exit__(None, None, None)
                raise
        self.atomic, self.blocker = atomic, blocker

    def close(self) -> None:
        """Roll Leeds back (called between tests, when the next one does not use it)."""
        if not self.is_open:
            return
        atomic, blocker = self.atomic, self.blocker
        self.atomic = self.blocker = None
        with blocker.unblock():
            transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            atomic.__exit__(None, None, None)

    def leeds_for_test(self) -> Chapter:
        """Leeds for the running test (inside its transaction): made there when no shared one
        is open (a flushing test)."""
        if not self.is_open:
            make_leeds()
        return get_leeds()


shared_leeds = SharedLeeds()
