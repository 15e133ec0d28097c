"""How `make test` spreads the suite over its xdist workers (``--dist loadscope``).

A unit of work is a test file, as with xdist's own loadscope or loadfile (so a file's
module-scoped servers start once), except the tests in OWN_UNIT: each is minutes long alone
and shares no module-scoped fixture with the rest of its file, so it is a unit of its own and
the workers run them side by side. Units are handed out longest first (ESTIMATE: seconds
measured on the project's 2-core machine; a file not listed counts half a second a test), so
what is left for the end is short and the workers finish together. Only the order and the
grouping change: every test runs, with the fixtures it had.

(xdist's loadgroup would do with marks, but with pytest 9 it no longer sees them.)
"""

import pytest
from xdist.scheduler import LoadScopeScheduling

OWN_UNIT = {
    "tests/chapters/test_admin_url_walk.py::test_admin_url_walk[coventry-editor]",
    "tests/chapters/test_admin_url_walk.py::test_admin_url_walk[leeds-editor]",
    # Its module-scoped server (worker_demo) serves this test only.
    "tests/e2e/test_browser.py::test_editor_sends_an_issue_and_watches_it_go_out",
}

ESTIMATE = {
    "tests/chapters/test_admin_url_walk.py::test_admin_url_walk[coventry-editor]": 140,
    "tests/chapters/test_admin_url_walk.py::test_admin_url_walk[leeds-editor]": 240,
    "tests/core/test_query_budget.py": 210,
    "tests/e2e/test_browser.py::test_editor_sends_an_issue_and_watches_it_go_out": 170,
    "tests/e2e/test_browser.py": 150,
    "tests/stories/test_admin.py": 130,
    "tests/security/test_csp_browser.py": 110,
    "tests/chapters/test_admin_permissions.py": 100,
    "tests/install/test_wagtail_start.py": 55,
    "tests/accounts/test_login_protection.py": 85,
    "tests/core/test_mail_links.py": 50,
    "tests/chapters/test_admin_url_walk.py": 35,
    "tests/project/test_settings.py": 35,
    "tests/sites/test_document_sites.py": 30,
    "tests/stories/test_query_budget.py": 25,
    "tests/api/test_schemathesis.py": 15,
}
SECONDS_PER_TEST = 0.5


def unit(nodeid: str) -> str:
    """The unit of work of the test `nodeid`."""
    return nodeid if nodeid in OWN_UNIT else nodeid.split("::", 1)[0]


def longest_first(items) -> None:
    """Put the units of work in decreasing order of expected duration, each unit's tests in
    the order they had (a stable sort; tests that flush the database stay last)."""
    counts: dict[str, int] = {}
    for item in items:
        counts[unit(item.nodeid)] = counts.get(unit(item.nodeid), 0) + 1

    def expected(name: str) -> float:
        return ESTIMATE.get(name, counts[name] * SECONDS_PER_TEST)

    items.sort(
        key=lambda item: (
            item.get_closest_marker("flushes_database") is not None,
            -expected(unit(item.nodeid)),
            unit(item.nodeid),
        )
    )


class Ordering:
    """On an xdist worker: the collection it reports, longest units first (after
    pytest-django's own ordering, which puts database tests first)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        longest_first(items)


class UnitScheduling(LoadScopeScheduling):
    """xdist's loadscope, with the units above, handed out in the workers' collection order."""

    def __init__(self, config, log=None):
        super().__init__(config, log)
        config.option.loadscopereorder = False  # the order is longest_first's, not by count

    def _split_scope(self, nodeid: str) -> str:
        return unit(nodeid)
