"""A resident's journeys in a real browser, clicked from each site's home at phone (390 px) and
desktop (1280 px) widths: the national site, Coventry, and Sheffield, a chapter made by
create_chapter before the server starts (what any new chapter gets by default). Each call to
action opens what it promises: the volunteer and "have a chat" forms, the newsletter signup,
the story form, joining, the campaign."""

import pytest
from playwright.sync_api import expect

from tests.e2e.support import PHONE, needs_chromium, serve_demo

pytestmark = needs_chromium

DESKTOP = {"width": 1280, "height": 900}
SHEFFIELD = "sheffield.localhost"

# (site, the buttons to click from its home in order, the field the destination asks for)
JOURNEYS = {
    "coventry-volunteer": ("coventry.localhost", ["Volunteer your time, passions and skills"],
                           "How would you like to help?"),
    "coventry-chat": ("coventry.localhost", ["Have a chat with one of our team"],
                      "What would you like to talk about?"),
    "coventry-newsletter": ("coventry.localhost", ["Receive our latest news"], "Email address"),
    "coventry-story": ("coventry.localhost", ["Share your story"], "Your story"),
    "national-join": ("localhost", ["Join the Coalition"], "Why do you want to join?"),
    "new-chapter-volunteer": (SHEFFIELD, ["Get involved", "Volunteer"],
                              "How would you like to help?"),
    "new-chapter-chat": (SHEFFIELD, ["Get involved", "Have a chat"],
                         "What would you like to talk about?"),
    "new-chapter-newsletter": (SHEFFIELD, ["Get involved", "Receive our newsletter"],
                               "Email address"),
    "new-chapter-story": (SHEFFIELD, ["Get involved", "Share your story"], "Your story"),
}  # fmt: skip


@pytest.fixture(scope="module")
def journeys_demo(tmp_path_factory):
    """The demo with Sheffield made by create_chapter, as an operator adds a chapter (on the
    server's port, which serve_demo gives the command as $PORT)."""
    create = (
        "import os; from django.core.management import call_command; "
        f"call_command('create_chapter', 'sheffield', name='Sheffield Together', "
        f"hostname='{SHEFFIELD}', city='Sheffield', port=int(os.environ['PORT']))"
    )
    var = tmp_path_factory.mktemp("journeys-demo-var")
    with serve_demo(var, setup=(["shell", "-c", create],)) as (port, _env):
        yield port


@pytest.fixture(params=[PHONE, DESKTOP], ids=["390px", "1280px"])
def reader(browser, request):
    context = browser.new_context(viewport=request.param)
    page = context.new_page()
    yield page
    context.close()


def _click(page, label: str) -> None:
    page.get_by_role("main").get_by_role("link", name=label, exact=True).first.click()


@pytest.mark.parametrize("journey", JOURNEYS)
def test_each_call_to_action_opens_what_it_promises(journeys_demo, reader, journey):
    host, clicks, field = JOURNEYS[journey]
    reader.goto(f"http://{host}:{journeys_demo}/")
    for label in clicks:
        _click(reader, label)
    form = reader.get_by_role("main").locator("form[method=post]")
    expect(form.get_by_text(field).first).to_be_visible()


def test_the_campaign_is_one_click_from_the_national_home(journeys_demo, reader):
    reader.goto(f"http://localhost:{journeys_demo}/")
    _click(reader, "View the campaign")
    expect(reader.locator("h1")).to_have_text("Community Makes Us")
