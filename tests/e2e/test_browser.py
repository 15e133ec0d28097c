"""User flows in a real browser (Debian's chromium driven by Playwright) against the demo as
`make demo` serves it: dev settings, the embedded SQLite default, demo content from load_demo."""

import os
import re
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.harness.appserver import wait_until_answers
from bench.harness.processes import RedisServer, free_port, start_process, stop_process
from bench.harness.worker import CeleryWorker

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="Debian's chromium is not installed (CI installs it and never skips these)",
)
PHONE = {"width": 390, "height": 844}


@contextmanager
def _serve_demo(var: Path, extra_env: dict | None = None, setup: tuple = ()):
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
def demo_server(tmp_path_factory):
    """The demo as `make demo` serves it (tasks run in-process, mail to var/outbox)."""
    with _serve_demo(tmp_path_factory.mktemp("demo-var")) as (port, _env):
        yield port


@pytest.fixture(scope="module")
def browser():
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


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    yield page
    context.close()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_national_home_reads_on_a_phone(demo_server, phone):
    phone.goto(f"http://localhost:{demo_server}/")
    assert phone.locator("h1").first.is_visible()
    assert (
        "Working together to build strong relationships" in phone.locator("h1").first.inner_text()
    )
    assert (
        phone.get_by_role("navigation", name="Main")
        .get_by_role("link", name="News", exact=True)
        .is_visible()
    )
    assert phone.locator("img.brand__logo").get_attribute("alt") == "Connection Coalition"
    assert _no_horizontal_scroll(phone), "the page scrolls sideways on a 390px phone"
    header = phone.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header == "rgb(43, 45, 110)"  # the national primary colour from its site settings


def test_coventry_is_its_own_brand_on_a_phone(demo_server, phone):
    phone.goto(f"http://coventry.localhost:{demo_server}/")
    assert phone.locator(".brand__name").inner_text() == "Connecting for Good Coventry"
    assert "CommUNITY is not just for pandemics" in phone.locator("h1").inner_text()
    assert phone.get_by_text("Rose").first.is_visible()
    assert _no_horizontal_scroll(phone)
    header = phone.locator(".site-header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header == "rgb(0, 105, 92)"  # Coventry's own colour: #00695c
    assert phone.locator("html").get_attribute("class") == "theme-chapter"


def test_reader_switches_to_welsh(demo_server, phone):
    phone.goto(f"http://localhost:{demo_server}/")
    phone.get_by_role("navigation", name="Language").get_by_role("link", name="Cymraeg").click()
    phone.wait_for_url(f"http://localhost:{demo_server}/cy/")
    assert phone.locator("html").get_attribute("lang") == "cy"
    assert "Gweithio gyda" in phone.locator("h1").inner_text()


def test_faq_answers_open_one_at_a_time(demo_server, phone):
    phone.goto(f"http://localhost:{demo_server}/about/")
    answer = phone.get_by_text("Since the start of COVID-19")
    assert not answer.is_visible()
    phone.get_by_text("Why now?").click()
    assert answer.is_visible()


def test_coventry_editor_logs_in_and_sees_only_coventry(demo_server, browser):
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, f"http://coventry.localhost:{demo_server}", "coventry-editor")
    page.goto(f"http://coventry.localhost:{demo_server}/admin/pages/")
    body = page.locator("main").inner_text()
    assert "Get involved" in body
    assert "Community Makes Us" not in body
    assert "About the Connection Coalition" not in body
    context.close()


def test_reader_filters_stories_by_theme_on_a_phone(demo_server, phone):
    phone.goto(f"http://coventry.localhost:{demo_server}/stories/")
    cards = phone.locator(".story-card")
    assert cards.count() == 4  # the three network stories and Rose's
    phone.get_by_label("Theme", exact=True).select_option(label="Friendship")
    phone.get_by_role("button", name="Show stories").click()
    phone.wait_for_url("**/stories/?theme=friendship*")
    titles = phone.locator(".story-card__title").all_inner_texts()
    assert sorted(titles) == sorted(
        [
            "Orla and Jean: a friendly wave through the window",
            "Rose: what kind of human being am I going to be?",
        ]
    )
    assert _no_horizontal_scroll(phone)


def test_resident_shares_a_story_and_is_helped_through_mistakes(demo_server, phone):
    phone.goto(f"http://coventry.localhost:{demo_server}/stories/share/")
    phone.get_by_role("button", name="Send my story").click()
    summary = phone.locator("#error-summary")
    assert summary.is_visible()
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert phone.locator("[aria-invalid=true]").count() >= 3
    phone.get_by_label("Your name").fill("Amira")
    phone.get_by_label("Your email address").fill("amira@example.org")
    phone.get_by_label("Your town or city").fill("Coventry")
    phone.get_by_label("Your story").fill("Jean knocked on my door every day with soup.")
    phone.locator("input[name=consent]").check()
    phone.get_by_role("button", name="Send my story").click()
    phone.wait_for_url("**/stories/share/thanks/")
    assert "Thank you" in phone.locator("h1").inner_text()


def test_organisation_asks_to_join(demo_server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://localhost:{demo_server}/join/")
    page.get_by_label("Organisation name").fill("Foleshill Friends")
    page.get_by_label("What kind of organisation is it?").select_option("community_group")
    page.get_by_label("Region").select_option("west_midlands")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Your email address").fill("sam@example.org")
    page.get_by_label("Why do you want to join?").fill("We run a weekly lunch club.")
    page.locator("input[name=agreed_to_aims]").check()
    page.get_by_role("button", name="Ask to join").click()
    page.wait_for_url("**/join/thanks/")
    assert "Thank you" in page.locator("h1").inner_text()
    context.close()


# --- newsletters ---------------------------------------------------------------------------

CONFIRM_LINK = re.compile(r"http://coventry\.localhost:\d+/subscriptions/confirm/[^/\s]+/")


def test_resident_subscribes_on_a_phone_and_confirms_from_the_email(demo_server, phone):
    base = f"http://coventry.localhost:{demo_server}"
    phone.goto(f"{base}/newsletter/")
    phone.get_by_label("Your email address").fill("amira@example.org")
    phone.get_by_role("button", name="Subscribe").click()  # the consent box left unticked
    summary = phone.locator("#error-summary")
    assert summary.is_visible()
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert _no_horizontal_scroll(phone)
    phone.locator("input[name=consent]").check()
    phone.get_by_role("button", name="Subscribe").click()
    phone.wait_for_url("**/subscriptions/subscribe/?thanks")
    assert "Check your inbox" in phone.locator("h1").inner_text()

    # The demo writes mail to var/outbox, readable at /dev/outbox/ (newest first).
    phone.goto(f"http://localhost:{demo_server}/dev/outbox/")
    newest = phone.locator(".outbox__message pre").first.inner_text()
    assert "amira@example.org" in newest
    link = CONFIRM_LINK.search(newest).group(0)
    phone.goto(link)  # opening the link (as a mail scanner would) confirms nothing
    assert "Confirm your subscription" in phone.locator("h1").inner_text()
    phone.get_by_role("button", name="Confirm").click()
    assert "You are subscribed" in phone.locator("h1").inner_text()
    phone.goto(link)
    assert "Already confirmed" in phone.locator("h1").inner_text()


def _log_in(page, base: str, username: str) -> None:
    """Sign in to the admin with a demo account (load_demo's DEMO_PASSWORD, default "demo")."""
    page.goto(f"{base}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(os.environ.get("DEMO_PASSWORD", "demo"))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/admin/")


BIG_LIST = 3000


@pytest.fixture(scope="module")
def worker_demo(tmp_path_factory):
    """The demo with REDIS_URL set, as on a real install: a redis-server of its own and a real
    `celery worker` next to the web server (both on the demo's SQLite file), and Coventry's
    list grown to BIG_LIST confirmed subscribers so that a send takes a few seconds."""
    if shutil.which("redis-server") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but redis-server is not installed")
        pytest.skip("needs redis-server")
    var = tmp_path_factory.mktemp("worker-demo-var")
    redis_server = RedisServer(var)
    redis_server.start()
    grow = (
        "from newsletter.models import NewsletterList;"
        "from tests.newsletter.support import add_subscribers;"
        "coventry = NewsletterList.objects.get(site__hostname='coventry.localhost');"
        f"add_subscribers(coventry, {BIG_LIST}, prefix='neighbour')"
    )
    broker = {"REDIS_URL": redis_server.url, "CELERY_BROKER_URL": redis_server.url}
    try:
        with _serve_demo(var, broker, setup=(["shell", "-c", grow],)) as (port, env):
            worker = CeleryWorker(var, env, concurrency=1)
            worker.start()
            try:
                yield port
            finally:
                worker.stop()
    finally:
        redis_server.stop()


def test_editor_sends_an_issue_and_watches_it_go_out(worker_demo, browser):
    """coventry-editor opens the draft Coventry issue, goes to its send page, presses "Send
    now", and the progress bar moves in place while the worker sends; at the
    end the page shows the totals."""
    from playwright.sync_api import expect

    base = f"http://coventry.localhost:{worker_demo}"
    context = browser.new_context()
    page = context.new_page()
    _log_in(page, base, "coventry-editor")
    page.goto(f"{base}/admin/pages/search/?q=spring+update")
    page.get_by_role("link", name="Receive our latest news: spring update").first.click()
    page.locator("header").get_by_role("button", name="Actions").first.click()
    page.get_by_role("link", name="Newsletter: test, send, progress").click()
    page.wait_for_url("**/admin/newsletter/send/*/")
    recipients = re.search(r"Sends this issue to (\d+) subscribers", page.content())
    assert recipients and int(recipients.group(1)) >= BIG_LIST

    send_now = page.get_by_role("button", name="Send now")
    send_now.click()
    page.wait_for_selector("[data-newsletter-progress]")
    first_value = page.evaluate("document.querySelector('#newsletter-progress-bar').value")
    total = page.evaluate("document.querySelector('#newsletter-progress-bar').max")
    assert first_value < total, "the send ended before its page was shown: nothing to watch"
    page.evaluate("window.sameDocument = true")
    # Playwright's locator assertions, not wait_for_function: its polling evaluates strings,
    # which the admin's Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    progress = page.locator("#newsletter-progress-bar")
    first_attribute = progress.get_attribute("value")
    expect(progress).not_to_have_attribute("value", first_attribute, timeout=60_000)
    assert page.evaluate("window.sameDocument === true")  # the bar moved without a reload
    expect(page.locator("#newsletter-progress-heading")).to_have_text("Totals", timeout=120_000)
    bar = page.locator("#newsletter-progress-bar")
    assert bar.get_attribute("value") == bar.get_attribute("max")
    assert page.locator("[data-field=failed]").inner_text() == "0"
    assert page.locator("[data-field=remaining]").inner_text() == "0"
    assert page.get_by_role("button", name="Send now").count() == 0  # sent once, for good
    context.close()
