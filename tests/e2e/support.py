"""What the browser tests share (tests/e2e, and tests/security/test_csp_browser.py): Debian's
chromium (``CHROMIUM``, and ``needs_chromium`` to skip without it, never under CI=true), the demo
served as `make demo` serves it (``serve_demo``), the ``browser`` fixture, signing in to the
admin, and recording the Content-Security-Policy violations a page raises.

``browser`` is a fixture used from two folders: each folder's conftest.py imports it from here.
"""

import fcntl
import os
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from bench.harness.appserver import wait_until_answers
from bench.harness.processes import free_port, start_process, stop_process, wait_for
from tests.demo_db import demo_fingerprint, schema_fingerprint

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (CI installs it and never skips these)",
)
# What a demo server never inherits from the test run: it is `make demo`, with its own services.
SERVICES = {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE", "CELERY_EAGER"}
PHONE = {"width": 390, "height": 844}
MAIL_WAIT_SECONDS = 20  # how long a test waits for the demo's mail to reach `mail_server`
# Coventry's list in the demo with a worker (tests/e2e/conftest.py's `worker_demo`): enough
# confirmed subscribers that a send takes a few seconds.
BIG_LIST = 3000


# --- the demo and the browser ---------------------------------------------------------------


@contextmanager
def serve_demo(var: Path, extra_env: dict | None = None, setup: tuple = ()):
    """`make demo`'s steps in the folder `var`: migrate and load_demo (a copy of their result,
    see `_copy_demo`), any `setup` commands, then runserver (its output to var/runserver.log),
    with `extra_env` (services such as a broker) from the setup commands on; yields (port,
    environment) once /healthz answers."""
    port = free_port()
    env = demo_environment(var)
    env.update(
        PORT=str(port),
        ANTISPAM_MIN_SECONDS="0",  # a browser fills the forms faster than a person
        **(extra_env or {}),
    )
    manage = [sys.executable, str(REPO / "manage.py")]
    # The demo's content does not depend on the services: `load_demo` queues no task and sends
    # no mail that a demo with a broker would need, so it is the same copy either way.
    _copy_demo(var, port)
    for args in setup:
        subprocess.run([*manage, *args], env=env, cwd=REPO, check=True, capture_output=True)
    log = var / "runserver.log"
    server = start_process([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], log, env)
    try:
        wait_until_answers(server, port, log, what="the demo server", host="127.0.0.1")
        yield port, env
    finally:
        stop_process(server)


def _make_demo(manage: list[str], env: dict) -> None:
    """`make demo`'s own steps into env's VAR_DIR: migrate, then load_demo."""
    for args in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([*manage, *args], env=env, cwd=REPO, check=True, capture_output=True)


def demo_environment(var: Path) -> dict:
    """The environment `make demo` runs in, its files in `var` (no services: SQLite, tasks
    in-process, mail to var/outbox)."""
    env = {key: value for key, value in os.environ.items() if key not in SERVICES}
    env.update(DJANGO_SETTINGS_MODULE="cms.settings.dev", VAR_DIR=str(var), DEBUG="1")
    return env


def kept_demo() -> Path:
    """The demo's folder (SQLite database and media) as `_make_demo` leaves it, made once per
    version of the sources (tests/demo_db.py's fingerprint) under var/e2e-demo/, under a lock:
    whoever comes first builds it (`start_kept_demo` at the start of a session that will need
    it), the others wait for it."""
    kept = REPO / "var" / "e2e-demo" / demo_fingerprint(schema_fingerprint())
    kept.parent.mkdir(parents=True, exist_ok=True)
    with (kept.parent / "build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (kept / "db.sqlite3").exists():
            for stale in kept.parent.iterdir():
                if stale.is_dir():
                    shutil.rmtree(stale)
            building = kept.with_name(kept.name + ".building")
            _make_demo([sys.executable, str(REPO / "manage.py")], demo_environment(building))
            building.rename(kept)  # whole or not at all
    return kept


BUILD_KEPT_DEMO = (
    "import django; django.setup(); from tests.e2e.support import kept_demo; kept_demo()"
)


def start_kept_demo() -> None:
    """Build `kept_demo` in a process of its own, now: a session that will serve the demo calls
    this as it starts, so the build (migrate and load_demo, about 25 s of one core) runs while
    the test databases are still being made, and is ready, or nearly, when a test wants it."""
    log = REPO / "var" / "e2e-demo-build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w") as output:
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [sys.executable, "-c", BUILD_KEPT_DEMO],
            cwd=REPO,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test"},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _copy_demo(var: Path, port: int) -> None:
    """`kept_demo` copied into `var`; its sites then get this server's port, as
    `load_demo --port` would give them."""
    kept = kept_demo()
    shutil.copytree(kept, var, dirs_exist_ok=True)
    with closing(sqlite3.connect(var / "db.sqlite3")) as database, database:
        database.execute("UPDATE wagtailcore_site SET port = ?", (port,))


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


def received(mail_server, address: str) -> list:
    """The messages the SMTP server accepted for `address`, once there is one."""
    return wait_for(
        lambda: mail_server.messages_to(address),
        timeout=MAIL_WAIT_SECONDS,
        what=f"a mail to {address}",
    )


def text_of(message) -> str:
    """The plain-text part of a received mail."""
    return message.get_body(preferencelist=("plain",)).get_content()
