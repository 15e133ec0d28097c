"""The Content-Security-Policy in a real browser (Debian's chromium via Playwright, against the
demo as `make demo` serves it): pages raise no `securitypolicyviolation` and still work, the
share links' copy button and the admin's page editor included. The browser, the demo and a
context recording violations are fixtures (tests/security/conftest.py)."""

import re

from tests.e2e.support import LISTEN, _log_in, needs_chromium, violations, visit

pytestmark = needs_chromium


def test_public_pages_raise_no_violation_and_work(demo, context):
    page = context.new_page()
    for url in (
        f"http://localhost:{demo}/",
        f"http://coventry.localhost:{demo}/",
        f"http://coventry.localhost:{demo}/newsletter/",
        f"http://coventry.localhost:{demo}/stories/share/",
    ):
        seen = visit(page, url)
        assert "script-src 'self'" in seen["policy"], url
        assert "unsafe-inline" not in seen["policy"]
        assert violations(page) == [], url
        assert seen["errors"] == [], url
    # The newsletter form is there and usable.
    page.goto(f"http://coventry.localhost:{demo}/newsletter/")
    assert page.get_by_label(re.compile("email", re.I)).first.is_visible()
    # Positive control: the listener does see a violation (a style attribute, refused here).
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    page.wait_for_function("window.__violations.length > 0")
    assert violations(page)[0].startswith("style-src")


def test_a_story_page_copy_button_works_under_the_policy(demo, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    context.add_init_script(LISTEN)
    page = context.new_page()
    page.goto(f"http://coventry.localhost:{demo}/stories/")
    story_url = page.locator(".story-card a").first.get_attribute("href")
    seen = visit(page, f"http://coventry.localhost:{demo}{story_url}")
    assert "script-src 'self'" in seen["policy"]
    copy = page.get_by_role("button", name="Copy link")
    assert copy.is_visible()  # site.js ran: it un-hides the button
    copy.click()
    page.wait_for_function(
        "document.getElementById('share-status').textContent.trim() === 'Link copied'"
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(story_url)
    assert violations(page) == []
    assert seen["errors"] == []
    context.close()


def test_the_admin_dashboard_and_page_editor_raise_no_violation(demo, context):
    page = context.new_page()
    base = f"http://coventry.localhost:{demo}"
    _log_in(page, base, "coventry-editor")
    seen = visit(page, f"{base}/admin/")
    assert "'unsafe-inline'" in seen["policy"]
    assert violations(page) == []

    page.goto(f"{base}/admin/pages/")
    page.get_by_role("link", name="Get involved", exact=True).first.wait_for()
    edit_links = page.locator("a[href*='/edit/']")
    edit_url = edit_links.first.get_attribute("href")
    seen = visit(page, f"{base}{edit_url}")
    # Wagtail's editor JS rendered the form: the title field and the save action are live.
    page.locator("#id_title").wait_for()
    page.get_by_role("button", name=re.compile("Save draft")).first.wait_for()
    page.locator("[data-controller~='w-tabs'], [data-w-tabs-target]").first.wait_for()
    assert violations(page) == [], violations(page)
    assert seen["errors"] == []

    # A public page as the logged-in editor: Wagtail's userbar under the strict policy.
    seen = visit(page, f"{base}/")
    page.locator("wagtail-userbar").wait_for(state="attached")
    assert violations(page) == []
    assert seen["errors"] == []
