"""What the browser tests share (tests/e2e, and tests/security/test_csp_browser.py): Debian's
chromium (``CHROMIUM``, and ``needs_chromium`` to skip without it, never under CI=true), the demo
served as `make demo` serves it (``serve_demo``), the ``browser`` fixture, signing in to the
admin, and recording the Content-Security-Policy violations a page raises.

``browser`` is a fixture used from two folders: each folder's conftest.py imports it from here.
"""

import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.harness.appserver import wait_until_answers
from bench.harness.processes import free_port, start_process, stop_process

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (CI installs it and never skips these)",
)
PHONE = {"width": 390, "height": 844}
# Coventry's list in the demo with a worker (tests/e2e/conftest.py's `worker_demo`): enough
# confirmed subscribers that a send takes a few seconds.
BIG_LIST = 3000


# --- the demo and the browser ---------------------------------------------------------------


@contextmanager
def serve_demo(var: Path, extra_env: dict | None = None, setup: tuple = ()):
    """`make demo`'s steps in the folder `var`: migrate, load_demo, any `setup` commands, then
    runserver (its output to var/runserver.log); yields (port, environment) once /healthz
    answers."""
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "CELERY_EAGER"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        VAR_DIR=str(var),
        PORT=str(port),
        DEBUG="1",
        ANTISPAM_MIN_SECONDS="0",  # a browser fills the forms faster than a person
        **(extra_env or {}),
    )
    manage = [sys.executable, str(REPO / "manage.py")]
    for args in (["migrate", "--noinput", "-v0"], ["load_demo"], *setup):
        subprocess.run([*manage, *args], env=env, cwd=REPO, check=True, capture_output=True)
    log = var / "runserver.log"
    server = start_process([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], log, env)
    try:
        wait_until_answers(server, port, log, what="the demo server", host="127.0.0.1")
        yield port, env
    finally:
        stop_process(server)


@pytest.fixture(scope="module")
def browser():
    """Headless chromium, one per test module."""
    # Imported here: only a session that runs browser tests loads Playwright (tests/security's
    # other modules see this module through their conftest.py).
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium is required for the browser tests (apt-get install chromium)"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


# --- in a page ------------------------------------------------------------------------------


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def _log_in(page, base: str, username: str) -> None:
    """Sign in to the admin with a demo account (load_demo's DEMO_PASSWORD, default "demo")."""
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(os.environ.get("DEMO_PASSWORD", "demo"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


# --- the Content-Security-Policy, as the browser enforces it --------------------------------

# Every frame records the violations it sees, from before the page's own scripts run.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    [event.effectiveDirective, event.blockedURI, event.sourceFile, event.lineNumber].join(" ")
  );
});
"""


def visit(page, url: str) -> dict:
    """Load `url`; return its CSP header, after the page's scripts have run."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")
    return {"policy": response.headers.get("content-security-policy", ""), "errors": errors}


def violations(page) -> list[str]:
    return [v for frame in page.frames for v in (frame.evaluate("window.__violations || []"))]
