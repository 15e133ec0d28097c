"""What editors see of bounces and complaints: per send, delivered / bounced / complained /
unsubscribed; the list's 30-day bounce and complaint rates, with a warning above 0.3 %
complaints and above 2 % bounces; a subscriber's bounces and complaints on their page. Each on
Coventry (the demo) and on Leeds (made by `create_chapter` in the test), and never another
site's figures or people, whatever URL the editor types."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from newsletter.bounces.apply import apply_report
from newsletter.bounces.parse import Report
from newsletter.models import (
    Delivery,
    DeliveryEvent,
    NewsletterList,
    Send,
    Subscription,
)
from tests.helpers import assert_refused
from tests.helpers import body as text
from tests.newsletter.admin_support import add_issue_under
from tests.newsletter.support import add_subscribers
from tests.shared_chapter import leeds_param

Kind = DeliveryEvent.Kind
SENT = 400  # 2 complaints = 0.5 % (warned), 1 = 0.25 % (not); 9 bounces = 2.25 % (warned)


def sent_issue(site, prefix: str, *, days_ago: int = 1) -> Send:
    """An issue of the site's list sent to SENT new subscribers `days_ago` days ago."""
    newsletter_list = NewsletterList.for_site(site)
    issue = add_issue_under(site.root_page, f"{prefix} issue", f"{prefix} news", "Hello", live=True)
    subscriptions = add_subscribers(newsletter_list, SENT, prefix=prefix)
    when = timezone.now() - timedelta(days=days_ago)
    send = Send.objects.create(
        issue=issue,
        newsletter_list=newsletter_list,
        status=Send.Status.SENT,
        started_at=when,
        finished_at=when,
        recipients=SENT,
    )
    Delivery.objects.bulk_create(
        Delivery(
            send=send,
            subscription=subscription,
            email=f"{prefix}{number:05d}@mail.example.test",
            status=Delivery.Status.SENT,
            sent_at=when,
        )
        for number, subscription in enumerate(subscriptions)
    )
    return send


def deliveries(send: Send) -> list[Delivery]:
    return list(Delivery.objects.filter(send=send).order_by("pk"))


def bounce_and_complain(send: Send, *, bounces: int, complaints: int, unsubscribes: int = 0):
    rows = deliveries(send)
    for delivery in rows[:bounces]:
        apply_report(Report(Kind.HARD_BOUNCE, "dsn", delivery.pk, status_code="5.1.1"))
    for delivery in rows[bounces : bounces + complaints]:
        apply_report(Report(Kind.COMPLAINT, "arf", delivery.pk, diagnostic="abuse report"))
    start = bounces + complaints
    for delivery in rows[start : start + unsubscribes]:
        Subscription.objects.filter(pk=delivery.subscription_id).update(
            status=Subscription.Status.UNSUBSCRIBED, unsubscribed_at=timezone.now()
        )


@pytest.fixture(params=["coventry", leeds_param()])
def chapter(request, network):
    """(site, that site's editor's client) for Coventry, and for Leeds made by create_chapter."""
    if request.param == "coventry":
        return network.coventry_site, request.getfixturevalue("coventry_client")
    leeds = request.getfixturevalue("leeds")
    return leeds.site, request.getfixturevalue("leeds_client")


def outcome_cells(html: str) -> dict[str, str]:
    found = {}
    for name in ("delivered", "bounced", "complained", "unsubscribed"):
        marker = f'data-outcome="{name}">'
        start = html.index(marker) + len(marker)
        found[name] = html[start : html.index("<", start)].strip()
    return found


def test_the_send_page_shows_how_the_mail_fared_and_warns_of_complaints(chapter):
    site, client = chapter
    send = sent_issue(site, "fared")
    bounce_and_complain(send, bounces=3, complaints=2, unsubscribes=4)

    response = client.get(reverse("newsletter_admin:send", args=[send.issue_id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert outcome_cells(html) == {
        "delivered": str(SENT - 3),
        "bounced": "3",
        "complained": "2",
        "unsubscribed": "6",  # the 4, and the 2 who complained
    }
    page = text(response)
    assert "Last 30 days: 400 emails sent, 0.75 % bounced, 0.50 % marked as spam." in page
    assert 'data-warning="complaints"' in html and "above the 0.3 %" in page
    assert 'data-warning="bounces"' not in html


def test_below_the_thresholds_there_is_no_warning_and_above_2_percent_bounces_there_is(chapter):
    site, client = chapter
    send = sent_issue(site, "calm")
    bounce_and_complain(send, bounces=8, complaints=1)  # 2.00 % and 0.25 %: not above
    url = reverse("newsletter_admin:send", args=[send.issue_id])
    html = client.get(url).content.decode()
    assert "data-warning" not in html and "2.00 % bounced, 0.25 % marked as spam" in html

    apply_report(Report(Kind.HARD_BOUNCE, "dsn", deliveries(send)[-1].pk))

    html = client.get(url).content.decode()
    assert 'data-warning="bounces"' in html and "2.25 % bounced" in html
    assert 'data-warning="complaints"' not in html


def test_the_rates_count_the_last_30_days_only(chapter):
    site, client = chapter
    old = sent_issue(site, "old", days_ago=45)
    bounce_and_complain(old, bounces=40, complaints=40)
    recent = sent_issue(site, "recent")
    html = client.get(reverse("newsletter_admin:send", args=[recent.issue_id])).content.decode()
    assert "400 emails sent, 0.00 % bounced, 0.00 % marked as spam" in html
    assert "data-warning" not in html


def test_the_newsletters_overview_shows_each_sends_figures_and_the_warning(chapter):
    site, client = chapter
    send = sent_issue(site, "overview")
    bounce_and_complain(send, bounces=1, complaints=2)

    html = client.get(reverse("newsletter_admin:index")).content.decode()

    assert 'data-outcome="bounced">1<' in html and 'data-outcome="complained">2<' in html
    assert 'data-warning="complaints"' in html


def test_a_subscribers_page_shows_their_bounces_and_complaints(chapter):
    site, client = chapter
    send = sent_issue(site, "person")
    delivery = deliveries(send)[0]
    apply_report(
        Report(Kind.HARD_BOUNCE, "dsn", delivery.pk, status_code="5.1.1", diagnostic="User unknown")
    )
    url = reverse(
        "newsletter_admin:subscriber", args=[send.newsletter_list_id, delivery.subscription_id]
    )

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-event="hard_bounce"' in html and "5.1.1 User unknown" in html
    assert "person issue" in html and delivery.email in html
    assert "suppressed (Rejected by their mail server)" in text(response)
    search = client.get(
        reverse("newsletter_admin:subscribers", args=[send.newsletter_list_id]), {"q": "person"}
    )
    assert url in search.content.decode()


def test_a_chapter_editor_never_sees_another_sites_figures_or_people(network, leeds, leeds_client):
    """Leeds's editor and the national list: refused, by list URL, by send page, and through
    their own list's URL with the other list's subscription id (404)."""
    national = sent_issue(network.national_site, "secretnat")
    bounce_and_complain(national, bounces=5, complaints=5)
    delivery = deliveries(national)[0]
    secrets = [delivery.email, "secretnat", "User unknown"]

    page = reverse(
        "newsletter_admin:subscriber", args=[national.newsletter_list_id, delivery.subscription_id]
    )
    assert_refused(leeds_client, leeds_client.get(page), secrets, "a national subscriber's page")
    send_page = reverse("newsletter_admin:send", args=[national.issue_id])
    assert_refused(leeds_client, leeds_client.get(send_page), secrets, "a national send page")
    own = NewsletterList.objects.get(site=leeds.site)
    through_own = reverse("newsletter_admin:subscriber", args=[own.pk, delivery.subscription_id])
    assert leeds_client.get(through_own).status_code == 404
    overview = leeds_client.get(reverse("newsletter_admin:index")).content.decode()
    assert "secretnat" not in overview and 'data-warning="complaints"' not in overview
