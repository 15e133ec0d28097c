"""User flows in a real browser (Debian's chromium driven by Playwright) against the demo as
`make demo` serves it: dev settings, the embedded SQLite default, demo content from load_demo.
The demo servers, the browser and a phone in it are fixtures (tests/e2e/conftest.py)."""

import re

from playwright.sync_api import expect

from tests.e2e.support import BIG_LIST, _log_in, _no_horizontal_scroll, needs_chromium

pytestmark = needs_chromium


def test_national_home_reads_on_a_phone(demo_server, phone):
    phone.goto(f"http://localhost:{demo_server}/")
    assert phone.locator("h1").first.is_visible()
    assert (
        "Working together to build strong relationships" in phone.locator("h1").first.inner_text()
    )
    menu = phone.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Menu").click()  # folded on a phone (test_accessibility)
    expect(menu.get_by_role("link", name="News", exact=True)).to_be_visible()
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
    expect(answer).to_be_visible()


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
    expect(summary).to_be_visible()  # waits for the answer to the POST, as a reader would
    expect(summary).to_be_focused()
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
    expect(summary).to_be_visible()  # waits for the answer to the POST, as a reader would
    expect(summary).to_be_focused()
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
    page.get_by_role("link", name="Newsletter: test, send, progress").click()  # in the form
    page.wait_for_url("**/admin/newsletter/send/*/")
    recipients = re.search(r"Sends this issue to (\d+) subscribers", page.content())
    assert recipients and int(recipients.group(1)) >= BIG_LIST

    page.get_by_role("button", name="Send now").click()
    expect(page.get_by_text("will go to the list")).to_contain_text(recipients.group(1))
    page.get_by_role("button", name="Yes, send to").click()
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
