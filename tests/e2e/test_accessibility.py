"""Every public page of every site passes axe-core's WCAG 2.1 A/AA rules with no serious or
critical violation, at desktop (1280 px) and phone (390 px) widths: the national site, Coventry
and a chapter made by `create_chapter` here (Leeds), each crawled from its sitemap.xml, plus
search, share-a-story, the newsletter signup and a 404. axe-core comes from npm (`.ci/run`:
`npm install --prefix var/node axe-core@4`); under CI=true a missing axe-core or chromium fails.

The phone menu, the no-JavaScript menu and the 44 px checkboxes and radios are checked here too,
on the same demo."""

import os
import re
from collections import defaultdict
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.support import CHROMIUM, PHONE, REPO, serve_demo

AXE = Path(os.environ.get("AXE_CORE_JS", REPO / "var/node/node_modules/axe-core/axe.min.js"))
IN_CI = os.environ.get("CI") == "true"
pytestmark = pytest.mark.skipif(
    not IN_CI and (CHROMIUM is None or not AXE.exists()),
    reason="needs Debian's chromium and axe-core (npm install --prefix var/node axe-core@4)",
)

WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": PHONE}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
HOSTS = ["localhost", "coventry.localhost", "leeds.localhost"]
EXTRAS = ["/search/?q=community", "/stories/share/", "/newsletter/"]
MISSING = "/no-such-page-for-axe/"
# Links the crawl does not follow: not public pages (the admin, files, tokens, endpoints).
NOT_PAGES = re.compile(
    r"^/(admin|documents|media|static|subscriptions|dev|api|oembed|embed\.js|favicon|theme\.css"
    r"|sitemap\.xml|robots\.txt)|\.(pdf|png|jpe?g|svg|docx?|xml|txt)$"
)
MAX_PAGES_PER_SITE = 80
LINKS = """() => [...document.querySelectorAll("a[href]")]
  .map((a) => new URL(a.href, location.href))
  .filter((u) => u.origin === location.origin && !u.search)
  .map((u) => u.pathname)"""
MAKE_LEEDS = (
    "import os; from django.core.management import call_command;"
    "call_command('create_chapter', 'leeds', name='Leeds Connects', hostname='leeds.localhost',"
    " city='Leeds', port=int(os.environ['PORT']))"
)
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(
      (n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\\s+/g, " ")
    ),
  }));
}"""


@pytest.fixture(scope="module")
def a11y_demo(tmp_path_factory):
    """The demo as `make demo` serves it, plus Leeds made by `create_chapter` (no logo, the
    defaults a new chapter gets)."""
    assert CHROMIUM, "CI=true: chromium is required (apt-get install chromium)"
    assert AXE.exists(), f"CI=true: axe-core is required at {AXE} (npm install axe-core@4)"
    with serve_demo(tmp_path_factory.mktemp("a11y-var"), setup=(["shell", "-c", MAKE_LEEDS],)) as (
        port,
        _env,
    ):
        yield port


def sitemap_urls(page, base: str) -> list[str]:
    """Fetched by the browser, which resolves *.localhost as the demo needs."""
    response = page.goto(f"{base}/sitemap.xml")
    assert response.status == 200, f"{base}/sitemap.xml: {response.status}"
    return re.findall(r"<loc>([^<]+)</loc>", response.text())


def crawl(page, base: str):
    """Every public page of a site: its sitemap.xml, the extra pages, then every page they link
    to on the same site (story and member pages, the Welsh versions), with the expected status;
    yields (url, status) as it goes, the page left on the URL just yielded."""
    queue = [(url, 200) for url in sitemap_urls(page, base)]
    assert len(queue) >= 3, f"{base}/sitemap.xml lists {len(queue)} pages"
    queue += [(base + path, 200) for path in EXTRAS] + [(base + MISSING, 404)]
    seen = {url for url, _status in queue}
    while queue:
        url, status = queue.pop(0)
        yield url, status
        for path in page.evaluate(LINKS):
            link = base + path
            if link not in seen and not NOT_PAGES.search(path) and len(seen) < MAX_PAGES_PER_SITE:
                seen.add(link)
                queue.append((link, 200))


def page_type(page) -> str:
    classes = page.locator("body").get_attribute("class") or ""
    kinds = [name.removeprefix("page--") for name in classes.split() if name.startswith("page--")]
    return kinds[-1] if kinds else "page"


def audit(page, url: str, expected_status: int) -> tuple[str, list[dict]]:
    response = page.goto(url)
    assert response is not None and response.status == expected_status, (url, response.status)
    page.add_script_tag(path=str(AXE))
    kind = "not-found (404)" if expected_status == 404 else page_type(page)
    return kind, page.evaluate(RUN_AXE, TAGS)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_no_serious_or_critical_axe_violation_on_any_public_page(a11y_demo, browser, width):
    # The CSP refuses inline scripts; axe is injected by the test, not served by the site.
    context = browser.new_context(viewport=WIDTHS[width], bypass_csp=True)
    page = context.new_page()
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    failures = []
    for host in HOSTS:
        for url, status in crawl(page, f"http://{host}:{a11y_demo}"):
            kind, found = audit(page, url, status)
            blocking = [v for v in found if v["impact"] in BLOCKING]
            row = counts[(host, kind)]
            row[0] += 1
            row[1] += len(found)
            row[2] += len(blocking)
            failures += [
                f"{url}\n  {v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
                for v in blocking
            ]
    context.close()
    print(f"\naxe-core {TAGS} at {width} width: pages, violations (any impact), serious+critical")
    for (host, kind), (pages, every, blocking) in sorted(counts.items()):
        print(f"  {host:20} {kind:18} {pages:3} pages  {every:3} violations  {blocking:3} blocking")
    assert not failures, "serious or critical axe-core violations:\n" + "\n".join(failures)


@pytest.mark.parametrize("host", ["localhost", "coventry.localhost", "leeds.localhost"])
def test_phone_menu_folds_behind_a_button(a11y_demo, browser, host):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(f"http://{host}:{a11y_demo}/")
    nav = page.get_by_role("navigation", name="Main")
    button = nav.get_by_role("button", name="Menu")
    first_link = nav.locator(".site-nav__list a").first
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_have_attribute("aria-controls", "site-nav-menu")
    expect(first_link).to_be_hidden()

    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(first_link).to_be_visible()
    assert first_link.bounding_box()["height"] >= 44

    page.keyboard.press("Escape")  # the focus is on the button: closes nothing that is closed
    first_link.focus()
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Space")
    expect(first_link).to_be_hidden()
    context.close()


@pytest.mark.parametrize("host", ["coventry.localhost", "leeds.localhost"])
def test_menu_is_simply_shown_without_javascript_and_on_a_desktop(a11y_demo, browser, host):
    for options in (
        {"viewport": PHONE, "java_script_enabled": False},
        {"viewport": WIDTHS["desktop"]},
    ):
        context = browser.new_context(**options)
        page = context.new_page()
        page.goto(f"http://{host}:{a11y_demo}/")
        nav = page.get_by_role("navigation", name="Main")
        expect(nav.locator(".site-nav__toggle")).to_be_hidden()
        expect(nav.locator(".site-nav__list a").first).to_be_visible()
        context.close()


@pytest.mark.parametrize("host", ["coventry.localhost", "leeds.localhost"])
def test_checkboxes_and_radios_are_44px_touch_targets(a11y_demo, browser, host):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    checked = 0
    for path in ("/stories/share/", "/newsletter/"):
        page.goto(f"http://{host}:{a11y_demo}{path}")
        for control in page.locator(
            "main input[type=checkbox]:visible, main input[type=radio]:visible"
        ).all():
            box = control.bounding_box()
            assert box["width"] >= 44 and box["height"] >= 44, (path, box)
            checked += 1
    assert checked >= 2, "no checkbox or radio found on the share and newsletter forms"
    context.close()


CONTROL_STYLE = """(el) => {
  const s = getComputedStyle(el);
  return [el.tagName.toLowerCase() + (el.type ? "[" + el.type + "]" : ""),
          s.borderTopWidth + " " + s.borderTopStyle + " " + s.borderRadius,
          el.getBoundingClientRect().height];
}"""


@pytest.mark.parametrize("host", ["coventry.localhost", "leeds.localhost"])
def test_form_controls_look_alike_and_show_where_the_focus_is(a11y_demo, browser, host):
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    page.goto(f"http://{host}:{a11y_demo}/stories/share/")
    controls = page.locator(
        "main .form-field input:not([type=checkbox]):not([type=radio]):visible,"
        "main .form-field select:visible, main .form-field textarea:visible"
    )
    styles = [control.evaluate(CONTROL_STYLE) for control in controls.all()]
    kinds = {kind for kind, _look, _height in styles}
    assert {"input[text]", "input[email]", "textarea[textarea]", "input[file]"} <= kinds, kinds
    assert {look for _kind, look, _height in styles} == {"2px solid 8px"}, styles
    assert all(height >= 44 for _kind, _look, height in styles), styles

    first = controls.first
    first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused from the keyboard, so :focus-visible applies
    ring = first.evaluate(
        "(el) => [getComputedStyle(el).outlineStyle, getComputedStyle(el).outlineWidth]"
    )
    assert ring == ["solid", "3px"]
    context.close()
