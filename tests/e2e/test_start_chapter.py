"""A national editor starts a chapter in the admin of the demo, in a real browser; its first
editor sets a password from the invitation a real SMTP server received, and a resident finds
the new group on "Find your local group" by one of its towns, on a phone."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.support import PHONE, _log_in, needs_chromium, received, text_of

pytestmark = needs_chromium

EDITOR = "ada.bristol@example.org"
LINK = re.compile(r"http://\S+/admin/password_reset/confirm/\S+/")


@pytest.fixture
def desk(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_start_a_chapter_then_find_it(browser, desk, mail_demo, mail_server):
    base = f"http://localhost:{mail_demo}"
    _log_in(desk, base, "national-editor")
    desk.goto(f"{base}/admin/chapters/")
    desk.get_by_role("link", name="Start a chapter").first.click()
    desk.get_by_label("Name", exact=True).fill("Bristol Together")
    desk.get_by_label("City").fill("Bristol")
    desk.get_by_label("Region").select_option(label="South West")
    desk.get_by_label("Towns covered").fill("Clifton\nBedminster\nSt Pauls")
    desk.get_by_label("Hostname").fill("bristol.localhost")
    desk.get_by_label("First editor's email").fill(EDITOR)
    desk.get_by_label("First editor's name").fill("Ada Bristol")
    # The contrast preview follows the colours as they are picked.
    status = desk.locator("[data-chapter-contrast]")
    expect(status).to_contain_text("passes")
    desk.locator('input[name="accent_colour"]').fill("#ffd700")
    expect(status).to_contain_text("too low")
    desk.get_by_role("button", name="Start the chapter").click()
    # The server's check is the rule: refused, with the reason, nothing made.
    expect(desk.get_by_text("contrast ratio").first).to_be_visible()
    desk.locator('input[name="accent_colour"]').fill("#a4262c")
    desk.get_by_role("button", name="Start the chapter").click()
    expect(desk.get_by_text("Bristol Together is started.")).to_be_visible(timeout=30_000)
    expect(desk.get_by_role("link", name="Visit the site")).to_have_attribute(
        "href", f"http://bristol.localhost:{mail_demo}/"
    )

    (invitation,) = received(mail_server, EDITOR)
    link = LINK.search(text_of(invitation)).group(0)
    editor = browser.new_context().new_page()
    editor.goto(link)
    expect(editor.get_by_role("heading", name="Set your new password")).to_be_visible()
    passwords = editor.locator('input[type="password"]')
    passwords.nth(0).fill("a-long-bristol-passphrase")
    passwords.nth(1).fill("a-long-bristol-passphrase")
    editor.get_by_role("button", name="Reset password").click()
    editor.wait_for_url("**/admin/password_reset/complete/")

    resident = browser.new_context(viewport=PHONE, is_mobile=True).new_page()
    resident.goto(f"{base}/local-groups/")
    resident.get_by_label("Your town, city or region").fill("bedminster")
    resident.get_by_role("button", name="Find").click()
    results = resident.get_by_role("main")
    expect(results).to_contain_text("1 local group near “bedminster”")
    expect(results).to_contain_text("South West")
    expect(results).not_to_contain_text("Connecting for Good")
    results.get_by_role("link", name="Bristol Together").click()
    expect(resident).to_have_url(f"http://bristol.localhost:{mail_demo}/")
    expect(resident.get_by_role("heading", level=1)).to_contain_text("Bristol Together")
