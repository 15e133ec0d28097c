"""The Network dashboard in a real browser against the demo as `make demo` serves it (SQLite,
load_demo's year of signups and snapshots): a national editor opens Network from their
dashboard, sorts by growth, opens a chapter's charts and downloads the CSV; a chapter editor
sees their own panel only, and is turned away from Network."""

import csv
import io
import os
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.support import PHONE, _log_in, _no_horizontal_scroll, needs_chromium
from tests.e2e.test_accessibility import AXE, TAGS

pytestmark = needs_chromium

GROWTH = "Change over 4 weeks"
# axe-core on the admin's main content (ours; the admin's chrome is Wagtail's), as
# tests/e2e/test_accessibility.py runs it on the public pages.
RUN_AXE_ON_MAIN = """async (tags) => {
  const result = await axe.run({include: ["main"]}, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((v) => v.id + " (" + v.impact + "): "
    + v.nodes.map((n) => n.target.join(" ")).join(", "));
}"""


def axe_violations(page) -> list[str]:
    """axe-core's violations in the page's main content; none checked without axe-core
    locally (CI installs it: `npm install --prefix var/node axe-core@4`)."""
    if not AXE.exists():
        assert os.environ.get("CI") != "true", f"CI=true: axe-core is required at {AXE}"
        return []
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE_ON_MAIN, TAGS)


def test_a_national_editor_sorts_by_growth_opens_a_chart_and_downloads_the_csv(
    demo_server, browser
):
    base = f"http://localhost:{demo_server}"
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    _log_in(page, base, "national-editor")
    page.get_by_role("link", name="Open Network: every site's figures and charts").click()
    page.wait_for_url("**/admin/network/")
    expect(page.get_by_text("Opens are not tracked")).to_be_visible()

    page.get_by_role("columnheader", name=GROWTH).get_by_role("link").first.click()
    page.wait_for_url("**/admin/network/?ordering=-change_4w")
    header = page.locator('th[data-column="change_4w"]')
    expect(header).to_have_attribute("aria-sort", "descending")
    assert axe_violations(page) == []
    changes = page.locator('tbody td[data-column="change_4w"]').all_inner_texts()
    numbers = [int(text.strip().lstrip("+")) for text in changes if text.strip() != "—"]
    assert numbers and numbers == sorted(numbers, reverse=True), changes

    page.get_by_role("rowheader", name="Connecting for Good Coventry").get_by_role("link").click()
    page.wait_for_url("**/admin/network/sites/*/")
    chart = page.get_by_role("img", name="Subscribers")
    expect(chart).to_be_visible()
    assert page.locator("#chart-subscribers polyline").count() == 1
    page.get_by_role("link", name="52 weeks").click()
    page.wait_for_url("**/?weeks=52")
    rows = page.locator("#chart-subscribers-caption").locator("xpath=..").locator("tbody tr")
    expect(rows).to_have_count(52)
    assert axe_violations(page) == []

    page.goto(f"{base}/admin/network/?ordering=-change_4w")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this table (CSV)").click()
    download = download_info.value
    assert download.suggested_filename == "network.csv"
    lines = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert lines[0][:2] == ["Site", "Subscribers"] and GROWTH in lines[0]
    assert {"Connection Coalition", "Connecting for Good Coventry"} <= {r[0] for r in lines[1:]}
    context.close()


def test_a_chapter_editor_sees_only_their_panel_on_a_phone(demo_server, browser):
    base = f"http://coventry.localhost:{demo_server}"
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    _log_in(page, base, "coventry-editor")
    panel = page.locator("section.network-panel")
    expect(panel).to_contain_text("Connecting for Good Coventry")
    expect(panel.get_by_role("img", name="Subscribers over the last 12 weeks")).to_be_visible()
    expect(panel).to_have_count(1)
    assert "Connection Coalition" not in panel.inner_text()
    assert _no_horizontal_scroll(page)
    assert axe_violations(page) == []
    page.goto(f"{base}/admin/network/")
    page.wait_for_url(f"{base}/admin/")
    expect(page.get_by_text("Sorry, you do not have permission")).to_be_visible()
    context.close()
