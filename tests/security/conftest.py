"""Fixtures of the security tests run in a browser (test_csp_browser.py): chromium
(``browser``, from tests/e2e/support.py), the demo as `make demo` serves it, and a browser
context whose every frame records the policy violations it sees."""

import pytest

from tests.e2e import support
from tests.e2e.support import LISTEN, serve_demo

browser = support.browser  # the fixture, defined once for tests/e2e and tests/security


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("csp-demo-var")) as (port, _env):
        yield port


@pytest.fixture
def context(browser):
    context = browser.new_context()
    context.add_init_script(LISTEN)
    yield context
    context.close()
