"""A member's website embeds the campaign (issue 13, "How it is checked", first bullet): a plain
HTML page served from another origin (a static server on a port of its own), with hostile CSS,
holding the snippets copied from the admin's Embed page. A resident subscribes inside the
widget, reads the confirmation mail from a real SMTP server, confirms, and the editor finds the
source in Newsletters → Signups by source; the stories and "Join the movement" widgets show;
axe-core finds no serious violation inside the widgets' shadow roots. On Coventry (the demo)
and on Leeds, made by `create_chapter`.
"""

import functools
import html
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from bench.harness.processes import free_port
from tests.e2e.support import CHROMIUM, _log_in, received, serve_demo, text_of
from tests.e2e.test_accessibility import AXE, BLOCKING, IN_CI, TAGS

pytestmark = pytest.mark.skipif(
    not IN_CI and (CHROMIUM is None or not AXE.exists()),
    reason="needs Debian's chromium and axe-core (npm install --prefix var/node axe-core@4)",
)

MAKE_LEEDS = (
    "import os; from django.core.management import call_command;"
    "call_command('create_chapter', 'leeds', name='Leeds Connects', hostname='leeds.localhost',"
    " city='Leeds', port=int(os.environ['PORT']))"
)
# What a member's own stylesheet might do to anything it can reach.
HOSTILE_CSS = """
* { font-size: 60px !important; color: red; letter-spacing: 6px; text-transform: uppercase; }
form, input, button, label, select { display: none !important; }
div { display: none; padding: 80px; }
body { font-family: Georgia, serif; background: #222; }
a { visibility: hidden; }
"""
MEMBER_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Age UK Coventry (a member)</title>
<style>{css}</style></head>
<body><main><h1>Age UK Coventry</h1>
{signup}
{stories}
{join}
</main>
{script}
</body></html>
"""
GLOBALS = "() => Object.keys(window)"
RUN_AXE_IN_WIDGETS = """async (tags) => {
  const hosts = [...document.querySelectorAll("[data-connection-widget]")];
  const result = await axe.run(hosts, {runOnly: {type: "tag", values: tags}});
  return {
    violations: result.violations.map((v) => ({
      id: v.id, impact: v.impact,
      nodes: v.nodes.map((n) => JSON.stringify(n.target) + " " + (n.failureSummary || "")),
    })),
    // What axe checked inside the shadow roots (a target is [host, inner selector] there).
    passed: result.passes.filter((p) => p.nodes.some((n) => Array.isArray(n.target[0])))
      .map((p) => p.id),
  };
}"""


@pytest.fixture(scope="module")
def embed_demo(tmp_path_factory, mail_server):
    """The demo, its mail to `mail_server`, plus Leeds made by `create_chapter`."""
    var = tmp_path_factory.mktemp("embed-demo-var")
    extra = {"EMAIL_URL": mail_server.url}
    with serve_demo(var, extra, setup=(["shell", "-c", MAKE_LEEDS],)) as (port, _env):
        yield port


@pytest.fixture(scope="module")
def member_site(tmp_path_factory):
    """A static HTTP server on another port: the member's website (another origin)."""
    folder = tmp_path_factory.mktemp("member-site")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _snippets_from_the_embed_page(page, admin: str, username: str, site_option: str) -> dict:
    """The snippets as the editor copies them, once the page's live preview has shown the
    widgets (served by the chapter's host: another origin than the admin's)."""
    _log_in(page, admin, username)
    page.goto(f"{admin}/admin/embed/")
    if username == "admin":
        page.get_by_label("Site", exact=True).select_option(label=site_option)
        page.get_by_role("button", name="Show").click()
    preview = page.locator("[data-connection-widget=signup]")
    expect(preview.get_by_label("Your email address")).to_be_visible()
    expect(page.get_by_role("link", name="Join the movement")).to_be_visible()
    expect(page.get_by_role("link", name="More stories")).to_be_visible()
    snippets = {}
    for name in ("script", "signup", "stories", "join"):
        snippets[name] = page.locator(f"#snippet-{name}").input_value()
    return snippets


SITES = [
    ("coventry.localhost", "coventry-editor", "Connecting for Good", "coventry", "Rose"),
    ("leeds.localhost", "admin", "Leeds Connects", "leeds", "Zak"),
]


@pytest.mark.parametrize(("host", "username", "site_name", "slug", "a_story"), SITES)
def test_a_resident_subscribes_inside_the_widget_on_a_members_website(
    embed_demo, mail_server, member_site, browser, host, username, site_name, slug, a_story
):
    base = f"http://{host}:{embed_demo}"
    folder, member = member_site
    editor = browser.new_context()
    admin = editor.new_page()
    # The editor works in the admin on the national host; the widgets come from the chapter's.
    admin_base = f"http://localhost:{embed_demo}"
    snippets = _snippets_from_the_embed_page(admin, admin_base, username, f"{site_name} ({host})")
    assert snippets["script"] == f'<script src="{base}/embed.js" async></script>'
    assert f'data-list="{slug}"' in snippets["signup"]
    source = f"{slug}-age-uk"
    signup = snippets["signup"].replace("your-organisation", source)
    (folder / f"{slug}.html").write_text(
        MEMBER_PAGE.format(
            css=HOSTILE_CSS,
            signup=signup,
            **{key: snippets[key] for key in ("stories", "join", "script")},
        )
    )

    resident = f"widget.reader@{slug}.example.org"
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{member}/{slug}.html")

    # The host page's CSS, which does make its own heading huge, does not reach inside: the
    # form shows, at a readable size, in the host's font.
    assert page.locator("h1").evaluate("(el) => getComputedStyle(el).fontSize") == "60px"
    email = page.get_by_label("Your email address")
    expect(email).to_be_visible()
    style = email.evaluate(
        "(el) => { const s = getComputedStyle(el); return [s.fontFamily, s.fontSize]; }"
    )
    assert style[0].startswith("Georgia")
    assert 14 <= float(style[1].rstrip("px")) <= 20

    # The stories and the call to action, linking to the site itself.
    story = page.get_by_role("link", name=re.compile(a_story))
    expect(story).to_be_visible()
    assert story.get_attribute("href").startswith(f"{base}/stories/")
    join = page.get_by_role("link", name="Join the movement")
    expect(join).to_be_visible()
    assert join.get_attribute("href") == f"{base}/get-involved/"

    # Errors are announced and focus goes to the first field in error.
    page.get_by_role("button", name="Subscribe").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(email).to_be_focused()
    expect(email).to_have_attribute("aria-invalid", "true")

    # axe-core inside the shadow roots, the form showing its errors.
    page.add_script_tag(path=str(AXE))
    checked = page.evaluate(RUN_AXE_IN_WIDGETS, TAGS)
    serious = [v for v in checked["violations"] if v["impact"] in BLOCKING]
    assert not serious, serious
    assert {"label", "color-contrast", "link-name"} <= set(checked["passed"]), checked["passed"]

    email.fill(resident)
    page.get_by_label("I would like to receive this newsletter").check()
    page.get_by_role("button", name="Subscribe").click()
    done = page.get_by_role("status")
    expect(done).to_contain_text("Check your email")
    expect(done).to_be_focused()

    # Nothing set on the member's page: no cookie, no global (axe's own aside).
    assert context.cookies() == []
    assert errors == []
    blank = context.new_page()
    (folder / "blank.html").write_text("<!doctype html><html lang=en><title>blank</title>")
    blank.goto(f"{member}/blank.html")
    own_globals = set(page.evaluate(GLOBALS)) - set(blank.evaluate(GLOBALS))
    assert own_globals == {"axe"}

    (mail,) = received(mail_server, resident)
    link = re.search(rf"{re.escape(base)}/subscriptions/confirm/\S+/", text_of(mail))
    assert link, text_of(mail)
    page.goto(link.group(0))
    page.get_by_role("button", name="Confirm").click()
    assert "You are subscribed" in page.locator("h1").inner_text()

    admin.goto(f"{admin_base}/admin/newsletter/sources/")
    row = admin.locator(f'tr[data-source="{source}"]')
    expect(row.locator('[data-count="confirmed"]')).to_have_text("1")
    expect(row).to_contain_text(html.escape(member))
    context.close()
    editor.close()


WELSH_PAGE = """<!doctype html>
<html lang="cy-GB"><head><meta charset="utf-8"><title>Aelod</title></head>
<body><main><h1>Aelod o’r Glymblaid</h1>
<div data-connection-widget="signup" data-list="localhost" data-source="aelod"></div>
<div data-connection-widget="join"></div>
<div data-connection-widget="join" data-site="{coventry}"></div>
</main>
<script src="{national}/embed.js" async></script>
</body></html>
"""


def test_on_a_welsh_page_the_widgets_speak_welsh_where_the_site_offers_it(
    embed_demo, member_site, browser
):
    folder, member = member_site
    national, coventry = (
        f"http://{host}:{embed_demo}" for host in ("localhost", "coventry.localhost")
    )
    (folder / "cymraeg.html").write_text(WELSH_PAGE.format(national=national, coventry=coventry))
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{member}/cymraeg.html")
    expect(page.get_by_label("Eich cyfeiriad e-bost")).to_be_visible()
    expect(page.get_by_role("button", name="Tanysgrifio")).to_be_visible()
    welsh_join = page.get_by_role("link", name="Ymunwch â’r mudiad")
    expect(welsh_join).to_have_attribute("href", re.compile(rf"^{re.escape(national)}/cy/"))
    # Coventry offers English only: its widget answers in English, and says so (lang="en").
    english_join = page.get_by_role("link", name="Join the movement")
    expect(english_join).to_have_attribute("href", f"{coventry}/get-involved/")
    assert english_join.evaluate("(el) => el.closest('[lang]').lang") == "en"
    context.close()
