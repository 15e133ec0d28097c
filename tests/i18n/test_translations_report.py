"""The per-site "Translation status" report (admin → Reports): what a site has left to
translate into each language it offers, and what went out of date when the English changed.
Run on Leeds, a chapter made by `create_chapter` in the test, offering Welsh."""

import re
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from tests.factories import StoryFactory
from tests.helpers import body, logged_in, visible_text
from tests.i18n.localize_scene import offer_welsh, published_on_commit, translate

REPORT = "chapters_translation_status"


def rows(response) -> dict[str, str]:
    """The report's rows: the title cell's text -> the whole row's text."""
    assert response.status_code == 200
    found = {}
    table = re.search(r'<table class="listing.*?</table>', body(response), flags=re.S)
    for row in re.findall(r"<tr\b.*?</tr>", table.group(0) if table else "", flags=re.S):
        cells = [visible_text(cell).strip() for cell in re.findall(r"<td\b.*?</td>", row, re.S)]
        if cells:
            found[cells[0]] = " | ".join(cells)
    return found


def report(client, **query) -> dict[str, str]:
    url = reverse(REPORT)
    return rows(client.get(f"{url}?{urlencode(query)}" if query else url))


@pytest.fixture
def leeds_in_welsh(leeds, leeds_editor):
    offer_welsh(leeds.site)
    about = leeds.site.root_page.get_children().get(slug="about").specific
    translate(about, leeds_editor)
    return about


def test_the_report_lists_what_is_left_to_translate(leeds, leeds_editor, leeds_in_welsh):
    StoryFactory(site=leeds.site, title="Leeds library story")
    found = report(logged_in(leeds_editor))

    assert "Up to date" in found["About"] and "Welsh" in found["About"]
    assert "Not translated" in found["News"]
    assert "Not translated" in found["Leeds library story"]
    assert "Story" in found["Leeds library story"]
    # The home was translated to make About's Welsh parent: it is in step too.
    assert "Up to date" in found[leeds.site.root_page.title]


def test_editing_the_english_puts_the_welsh_out_of_date_and_syncing_clears_it(
    leeds, leeds_editor, leeds_in_welsh
):
    client = logged_in(leeds_editor)
    about = leeds_in_welsh
    about.intro = "What Leeds Connects does, now in more detail."
    about.save_revision(user=leeds_editor).publish()

    row = report(client)["About"]
    assert "Out of date" in row and "Sync from the English" in row
    page = client.get(reverse(REPORT)).content.decode()
    source_id = re.search(r"/admin/localize/update/(\d+)/", page).group(1)

    with published_on_commit():
        synced = client.post(
            reverse("wagtail_localize:update_translations", args=[source_id]),
            {"publish_translations": "on"},
        )
    assert synced.status_code == 302
    assert "Up to date" in report(client)["About"]


def test_a_draft_of_the_english_counts_as_a_change(leeds, leeds_editor, leeds_in_welsh):
    leeds_in_welsh.intro = "A draft not yet published."
    leeds_in_welsh.save_revision(user=leeds_editor)
    assert "Out of date" in report(logged_in(leeds_editor))["About"]


def test_a_site_that_offers_english_only_has_nothing_to_translate(leeds, leeds_editor):
    assert report(logged_in(leeds_editor)) == {}


def test_a_chapter_editor_sees_their_own_site_only(network, leeds, leeds_editor, leeds_in_welsh):
    client = logged_in(leeds_editor)
    national_home = network.national_home.title
    for query in ({}, {"site": network.national_site.pk}, {"site": network.coventry_site.pk}):
        found = report(client, **query)
        assert "About" in found, query
        assert national_home not in found, query
    page = client.get(reverse(REPORT)).content.decode()
    assert network.national_site.site_name not in visible_text(page)


def test_a_superuser_picks_the_site(network, leeds, superuser, leeds_in_welsh):
    client = logged_in(superuser)
    national = report(client, site=network.national_site.pk)
    assert network.national_home.title in national
    assert "About" in report(client, site=leeds.site.pk)


def test_the_reports_menu_offers_it_to_site_editors(leeds_editor, leeds):
    response = logged_in(leeds_editor).get(reverse("wagtailadmin_home"))
    assert reverse(REPORT) in body(response)
