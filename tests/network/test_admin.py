"""Admin -> Network as the national team sees it (every site, sortable, each figure linked to
its listing where they may see it, charts with their tables, CSV files), and the tenancy rule:
a chapter editor is refused the network's pages and files, and sees their own site's figures
only (their dashboard panel, their site's page), Coventry's editor and Leeds's alike."""

import csv
import datetime
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.network.models import SiteSnapshot
from cms.network.snapshots import take_today
from newsletter.models import NewsletterList
from tests.factories import NewsletterListFactory, SiteFactory
from tests.network.conftest import subscribe

INDEX = reverse("network_admin:index")
CSV = reverse("network_admin:csv")
MEASURE = reverse("network_admin:measure", args=["subscribers"])
MEASURE_CSV = reverse("network_admin:measure_csv", args=["subscribers"])
NETWORK_WIDE = [INDEX, CSV, MEASURE, MEASURE_CSV]


def site_order(body: str) -> list[str]:
    return re.findall(r'<tr data-site="([^"]+)"', body)


def cell(body: str, hostname: str, column: str) -> str:
    row = body.split(f'<tr data-site="{hostname}">', 1)[1].split("</tr>", 1)[0]
    return row.split(f'data-column="{column}">', 1)[1].split("</td>", 1)[0]


# --- refused to chapter editors ---------------------------------------------------------------


@pytest.mark.parametrize("url", NETWORK_WIDE)
def test_a_chapter_editor_is_refused_the_network_pages_and_files(coventry_client, network, url):
    response = coventry_client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "text/csv" not in response.get("Content-Type", "")


@pytest.mark.parametrize("url", NETWORK_WIDE)
def test_a_new_chapters_editor_is_refused_the_network_pages_and_files(leeds_client, url):
    response = leeds_client.get(url)
    assert response.status_code == 302
    assert "text/csv" not in response.get("Content-Type", "")


def test_a_chapter_editor_has_no_network_menu_item(coventry_client, network):
    body = coventry_client.get(reverse("wagtailadmin_home")).content.decode()
    assert f'href="{INDEX}"' not in body


def test_a_chapter_editor_sees_their_own_site_page_and_no_other(coventry_client, network, leeds):
    own = coventry_client.get(reverse("network_admin:site", args=[network.coventry_site.pk]))
    assert own.status_code == 200
    assert 'role="img"' in own.content.decode()
    for other in (network.national_site, leeds.site):
        response = coventry_client.get(reverse("network_admin:site", args=[other.pk]))
        assert response.status_code == 302
    assert coventry_client.get(reverse("network_admin:site", args=[999999])).status_code == 404


def test_the_dashboard_panel_shows_a_chapter_editor_their_figures_only(coventry_client, network):
    take_today()
    body = coventry_client.get(reverse("wagtailadmin_home")).content.decode()
    assert panel_of(network.coventry_site, body)
    assert not panel_of(network.national_site, body)
    assert "waiting for moderation" in body
    assert "Subscribers over the last 12 weeks" in body
    assert network.national_site.site_name not in body.split('id="network-figures-', 1)[1]
    assert reverse("network_admin:site", args=[network.coventry_site.pk]) in body


def panel_of(site, body: str) -> bool:
    """Whether the dashboard holds `site`'s figures panel (site 1's id is not site 12's)."""
    return re.search(rf'id="network-figures-{site.pk}(?!\d)', body) is not None


def test_the_dashboard_panel_of_a_new_chapter_is_its_own(leeds_client, leeds, network):
    subscribe(NewsletterList.for_site(leeds.site), days_ago=1)
    take_today()
    body = leeds_client.get(reverse("wagtailadmin_home")).content.decode()
    assert panel_of(leeds.site, body)
    for other in (network.national_site, network.coventry_site):
        assert not panel_of(other, body)
        assert reverse("network_admin:site", args=[other.pk]) not in body


# --- the national team's table ----------------------------------------------------------------


def test_national_editors_see_every_site_and_a_link_from_their_dashboard(national_client, leeds):
    home = national_client.get(reverse("wagtailadmin_home")).content.decode()
    assert INDEX in home
    body = national_client.get(INDEX).content.decode()
    assert {"localhost", "coventry.localhost", "leeds.localhost"} <= set(site_order(body))
    assert "Opens are not tracked" in body


def test_cells_link_to_the_listing_where_the_editor_may_see_it(national_client, network):
    body = national_client.get(INDEX).content.decode()
    coventry_list = NewsletterList.objects.get(site=network.coventry_site)
    subscribers_url = reverse("newsletter_admin:subscribers", args=[coventry_list.pk])
    assert subscribers_url in cell(body, "coventry.localhost", "subscribers")
    assert "/admin/snippets/stories/story/?site=" in cell(
        body, "coventry.localhost", "stories_published"
    )
    # Coventry's page tree is not the national team's to explore: a figure, no link.
    coventry_root = reverse("wagtailadmin_explore", args=[network.coventry_site.root_page_id])
    assert coventry_root not in body
    national_root = reverse("wagtailadmin_explore", args=[network.national_site.root_page_id])
    assert national_root in cell(body, "localhost", "pages_published")
    assert "join-requests" in cell(body, "localhost", "join_requests")
    assert "—" in cell(body, "coventry.localhost", "join_requests")


def test_sorting_by_growth_and_back(national_client, network, leeds):
    """The 4-week change: now minus the snapshot of 4 weeks ago."""
    leeds_list = NewsletterList.for_site(leeds.site)
    for days_ago in range(5):
        subscribe(leeds_list, days_ago=days_ago + 1)
    four_weeks_ago = timezone.localdate() - datetime.timedelta(weeks=4)
    SiteSnapshot.objects.create(
        site=leeds.site, date=four_weeks_ago, measure="subscribers", value=1
    )
    take_today()
    body = national_client.get(INDEX, {"ordering": "-change_4w"}).content.decode()
    assert site_order(body)[0] == "leeds.localhost"  # the only site with a past figure
    # A picture of the 12 weeks beside the figure, in words for screen readers.
    assert 'aria-label="Subscribers over 12 weeks: from 1 to 5"' in cell(
        body, "leeds.localhost", "subscribers"
    )
    assert cell(body, "leeds.localhost", "change_4w").strip() == "+4"
    assert 'aria-sort="descending" data-column="change_4w"' in body
    body = national_client.get(INDEX, {"ordering": "-subscribers"}).content.decode()
    counts = [
        int(re.sub(r"<[^>]+>", "", cell(body, host, "subscribers")).strip())
        for host in site_order(body)
    ]
    assert counts == sorted(counts, reverse=True)
    body = national_client.get(INDEX, {"ordering": "subscribers"}).content.decode()
    assert 'aria-sort="ascending" data-column="subscribers"' in body
    bad = national_client.get(INDEX, {"ordering": "password; DROP"})
    assert bad.status_code == 200
    assert 'aria-sort="ascending" data-column="site"' in bad.content.decode()


def test_the_table_as_csv(national_client, network, leeds):
    NewsletterListFactory(site=SiteFactory(site_name="=HYPERLINK(1)"))
    response = national_client.get(CSV, {"ordering": "-subscribers"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    header = rows[0]
    assert header[:2] == ["Site", "Subscribers"]
    assert {"Change over 4 weeks", "Last newsletter sent", "Delivered"} <= set(header)
    names = [row[0] for row in rows[1:]]
    assert {"Connection Coalition", "Leeds Connects", "'=HYPERLINK(1)"} <= set(names)
    assert all(len(row) == len(header) for row in rows)


def test_a_measure_chart_with_its_table_and_series_csv(national_client, network, leeds):
    take_today()
    body = national_client.get(MEASURE, {"weeks": "52"}).content.decode()
    assert 'role="img"' in body and "<title id=" in body and "<desc id=" in body
    table = body.split('class="listing network-series"', 1)[1].split("</table>", 1)[0]
    assert table.count('<th scope="row">') == 52
    assert "Leeds Connects" in table
    assert body.count("<polyline") >= 1
    assert 'aria-current="page"' in body
    assert national_client.get(MEASURE, {"weeks": "13; x"}).status_code == 200  # -> 12 weeks
    assert national_client.get(reverse("network_admin:measure", args=["nope"])).status_code == 404
    series = national_client.get(MEASURE_CSV, {"weeks": "12"})
    rows = list(csv.reader(io.StringIO(series.content.decode())))
    assert rows[0][0] == "Week ending" and "Leeds Connects" in rows[0]
    assert len(rows) == 13
    assert rows[-1][0] == timezone.localdate().isoformat()
