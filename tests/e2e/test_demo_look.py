"""The demo as `make demo` serves it (dev settings, DEBUG on), in a real browser: the toolkit
page's "Copy" buttons copy the words and say so to screen readers, the logos load, and a
missing page is the site's own 404 rather than Django's technical one."""

from playwright.sync_api import expect

from tests.e2e.support import needs_chromium

pytestmark = needs_chromium

TOOLKIT_POST = "Let\u2019s remember that we are the ones that make our community."


def test_the_toolkit_copy_button_copies_the_post_and_announces_it(demo_server, browser):
    base = f"http://localhost:{demo_server}"
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    page = context.new_page()
    try:
        page.goto(f"{base}/community-makes-us/")
        page.get_by_role("link", name="Get the toolkit: posts, email copy and the PDF").click()
        expect(page.locator("h1")).to_have_text("Community Makes Us toolkit")
        post = page.locator(".copy-text").filter(has_text="Post for X or Threads")
        post.get_by_role("button", name="Copy Post for X or Threads").click()
        expect(post.get_by_role("status")).to_have_text("Copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied.startswith(TOOLKIT_POST) and copied.endswith("/community-makes-us/")
        pdf = page.get_by_role("link", name="Community Makes Us Toolkit")
        assert pdf.get_attribute("href").endswith(".pdf")
    finally:
        context.close()


def test_without_javascript_the_copy_is_plain_text(demo_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"http://localhost:{demo_server}/community-makes-us/toolkit/")
        expect(page.get_by_text(TOOLKIT_POST).first).to_be_visible()
        expect(page.get_by_role("button", name="Copy")).to_have_count(0)  # hidden: no script
    finally:
        context.close()


def test_the_logos_load_and_a_missing_page_is_the_sites_own_404(demo_server, phone):
    for host, name in [
        ("localhost", "Connection Coalition"),
        ("coventry.localhost", "Connecting for Good Coventry"),
    ]:
        base = f"http://{host}:{demo_server}"
        phone.goto(f"{base}/")
        logo = phone.locator("img.brand__logo")
        assert logo.get_attribute("src").endswith(".svg")
        assert logo.evaluate("img => img.complete && img.naturalWidth > 0"), f"{host}: no logo"
        response = phone.goto(f"{base}/no-such-page/")
        assert response.status == 404
        expect(phone.locator("h1")).to_have_text("We can't find that page")
        expect(phone.get_by_role("link", name=f"Go to the {name} home page")).to_be_visible()
        search = phone.get_by_role("search", name="Search for the page")
        expect(search.get_by_role("button", name="Search")).to_be_visible()
