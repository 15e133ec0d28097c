"""Dates read the British way, on the public sites and in the admin (14 March 2030, 14/03/2030,
24-hour times; Welsh keeps its own day-month-year), and the admin asks no third party for
anything: no Gravatar. On the national site, Coventry and Leeds (made by create_chapter)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from newsletter.models import NewsletterIssuePage, NewsletterList, Send
from tests.helpers import body as text
from tests.newsletter.admin_support import add_issue_under
from tests.shared_chapter import leeds_param

WHEN = timezone.make_aware(datetime.datetime(2030, 3, 14, 9, 30))


def test_dates_are_british_in_english_and_day_first_in_welsh():
    day = datetime.date(2030, 3, 14)
    with translation.override("en"):
        assert date_format(day) == "14 March 2030"
        assert date_format(day, "SHORT_DATE_FORMAT") == "14/03/2030"
        assert date_format(WHEN, "DATETIME_FORMAT") == "14 March 2030, 09:30"
    with translation.override("cy"):
        assert date_format(day) == "14 Mawrth 2030"


@pytest.fixture(params=["national", "coventry", leeds_param()])
def site_home(request, network):
    if request.param == "leeds":
        return request.getfixturevalue("leeds").site.root_page
    if request.param == "coventry":
        return network.coventry_site.root_page
    return network.national_site.root_page


def test_a_public_page_shows_a_british_date(site_home, client):
    issue = add_issue_under(site_home, "Spring", "Spring", "Walks on Tuesdays.", live=True)
    NewsletterIssuePage.objects.filter(pk=issue.pk).update(first_published_at=WHEN)
    site = issue.get_site()
    page = text(
        client.get(issue.url_path[len(site.root_page.url_path) - 1 :], HTTP_HOST=site.hostname)
    )
    assert "14 March 2030" in page
    assert "March 14" not in page and "Mar. 14" not in page


def test_an_admin_page_shows_british_dates(site_home, superuser, client):
    issue = add_issue_under(site_home, "Spring", "Spring", "Walks on Tuesdays.")
    NewsletterIssuePage.objects.filter(pk=issue.pk).update(go_live_at=WHEN)
    issue.refresh_from_db()
    issue.save_revision()
    Send.objects.create(
        issue=issue,
        newsletter_list_id=_list_for(issue).pk,
        status=Send.Status.SCHEDULED,
        scheduled_for=WHEN,
    )
    client.force_login(superuser)
    send_page = text(client.get(reverse("newsletter_admin:send", args=[issue.pk])))
    assert "14 March 2030, 09:30" in send_page and "March 14" not in send_page
    edit_page = text(client.get(reverse("wagtailadmin_pages:edit", args=[issue.pk])))
    assert 'value="14/03/2030 09:30"' in edit_page  # the go-live date picker, day first


def _list_for(issue):
    return NewsletterList.for_site(issue.get_site())


@pytest.mark.parametrize("who", ["superuser", "coventry_editor", leeds_param("leeds_editor")])
def test_the_admin_asks_no_third_party_for_avatars(who, request, network, client):
    user = request.getfixturevalue(who)
    client.force_login(user)
    for url in (reverse("wagtailadmin_home"), reverse("wagtailadmin_account")):
        page = text(client.get(url))
        assert "gravatar" not in page.lower()
        assert "<img" in page and "avatar" in page  # the avatar is still there, served by us
