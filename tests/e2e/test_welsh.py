"""A Welsh-speaking resident on the national site, in a real browser against the demo as `make
demo` serves it, its mail going to a real SMTP server (aiosmtpd, bench/harness/mail.py):

- the newsletter journey in Welsh: subscribing on the Welsh signup page, the confirmation mail
  (in Welsh, its link to the Welsh confirm page), confirming, the preferences page and
  unsubscribing, each page with lang="cy" and its Welsh words;
- the Welsh "Share your story" form sent with mistakes: its errors in Welsh.

The Welsh words come from the project's cy catalogue (`welsh()`), never a hand list, and a
word the catalogue does not have in Welsh fails the test: English on a Welsh page is the bug.
"""

import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from newsletter.models import DEFAULT_CONSENT_WORDING
from tests.e2e.support import needs_chromium, received, text_of

pytestmark = needs_chromium

WELSH_SIGNUP = "/cy/subscriptions/subscribe/"
WELSH_SHARE = "/cy/stories/share/"  # the national stories page's Welsh version, its share route
NATIONAL_LIST = "Connection Coalition"  # the demo's national list's sender name


def welsh(message: str, **values) -> str:
    """`message` in Welsh, from locale/cy; fails when the catalogue has no Welsh for it."""
    with translation.override("cy"):
        text = gettext(message)
    assert text != message, f"locale/cy has no Welsh for {message!r}"
    return text % values if values else text


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="cy-GB")
    page = context.new_page()
    yield page
    context.close()


def expect_welsh(page, heading: str) -> None:
    """A page in Welsh: lang="cy" and its heading in Welsh."""
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("heading", level=1)).to_have_text(welsh(heading))


def test_the_welsh_newsletter_journey(mail_demo, mail_server, page):
    resident = "nia.hughes@example.org"
    base = f"http://localhost:{mail_demo}"
    page.goto(base + WELSH_SIGNUP)
    expect_welsh(page, "Subscribe to our newsletter")
    page.get_by_label(welsh("Your email address")).fill(resident)
    page.get_by_label(welsh("Your name")).fill("Nia Hughes")
    expect(page.get_by_label(welsh("Language of the emails"))).to_have_value("cy")
    with translation.override("en"):
        consent = str(DEFAULT_CONSENT_WORDING)
    page.get_by_label(welsh(consent)).check()
    page.get_by_role("button", name=welsh("Subscribe")).click()
    expect(page).to_have_url(base + WELSH_SIGNUP + "?thanks")
    expect_welsh(page, "Check your inbox")

    (mail,) = received(mail_server, resident)
    assert mail["Content-Language"] == "cy"
    assert mail["Subject"] == welsh(
        "Confirm your subscription to %(list_name)s", list_name=NATIONAL_LIST
    )
    assert 'lang="cy"' in mail.get_body(preferencelist=("html",)).get_content()
    link = re.search(rf"{re.escape(base)}/cy/subscriptions/confirm/\S+/", text_of(mail))
    assert link, text_of(mail)

    page.goto(link.group(0))
    expect_welsh(page, "Confirm your subscription")
    page.get_by_role("button", name=welsh("Confirm")).click()
    expect_welsh(page, "You are subscribed")

    page.get_by_role("link", name=welsh("Manage your subscriptions")).click()
    expect(page).to_have_url(re.compile(r"/cy/subscriptions/preferences/[\w-]+/$"))
    expect_welsh(page, "Your newsletter subscriptions")
    page.locator("form:has(input[name=action][value=unsubscribe]) button").click()
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page.get_by_role("status")).to_have_text(
        welsh("You are unsubscribed. You will receive no more emails from that newsletter.")
    )


def test_the_welsh_share_a_story_form_says_what_is_wrong_in_welsh(mail_demo, page):
    base = f"http://localhost:{mail_demo}"
    response = page.goto(base + WELSH_SHARE)
    assert response is not None and response.status == 200, f"{WELSH_SHARE} is not there"
    expect(page.locator("html")).to_have_attribute("lang", "cy")
    page.get_by_label(welsh("Your email address")).fill("not an address")
    page.get_by_role("button", name=welsh("Send my story")).click()

    expect(page.locator("html")).to_have_attribute("lang", "cy")
    expect(page).to_have_url(base + WELSH_SHARE)
    for error in (
        "Enter your name.",
        "Enter an email address like name@example.com.",
        "Tell us your story.",
    ):
        # In the error summary at the top (a link to the field) and under the field itself.
        expect(page.get_by_role("link", name=welsh(error))).to_be_visible()
        expect(page.locator(".form-field__error", has_text=welsh(error))).to_be_visible()
