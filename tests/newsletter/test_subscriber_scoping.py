"""A person belongs to the network, a subscription to a site: through a list's admin an editor
sees and acts on that list's subscription of a person only, and erasing a person from every
list is the national data team's, logged.

One person, River, is on three lists under three names: the national list (confirmed, "Rhian
Nationalmarker"), Coventry's (confirmed, "River Coventrymarker") and Leeds's (pending — anyone
can make an address pending from the public form — "Riv Leedsmarker"), each with consent
records whose source pages carry a marker too. Someone else has a network-wide bounce, and
someone else a suppression on Leeds's list alone, so "other suppressions untouched" can fail.

The matrix: `coventry-editor` and `leeds-editor` (Leeds made by `create_chapter` in the test),
each on their own list's search, export and erase, see only their own list's part of River (no
foreign name, marker, list name, or count of other newsletters); a chapter's erase removes River
from that list only (the database compared before and after) and suppresses the address for
that list only, which the next send of that list honours and another list's send does not; a
GET of erase changes nothing; another list's subscription id through one's own list id is a 404
that shows nothing. The network-wide erasure is refused (Wagtail's refusal, database unchanged)
for chapter editors and for `national-editor`, who lacks the permission; it works for the demo's
`data-team` account (the "National data team" group) and writes its log row. Every refusal has
a positive control.
"""

import json
import re
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from newsletter import subscriptions as service
from newsletter import tasks
from newsletter.demo import DATA_TEAM
from newsletter.models import (
    ConsentRecord,
    Delivery,
    NetworkErasure,
    NewsletterIndexPage,
    NewsletterIssuePage,
    NewsletterList,
    Subscriber,
    Subscription,
    Suppression,
    email_hash,
)
from newsletter.pipeline.queueing import begin_send, queue_send
from tests.helpers import assert_no_leak, assert_refused, body, logged_in

RIVER = "river.marsh@example.org"
NATIONAL_NAME = "Rhian Nationalmarker"
COVENTRY_NAME = "River Coventrymarker"
LEEDS_NAME = "Riv Leedsmarker"
NATIONAL_SOURCE = "http://localhost/national-marker-form/"
COVENTRY_SOURCE = "http://coventry.localhost/coventry-marker-form/"
LEEDS_SOURCE = "http://leeds.localhost/leeds-marker-form/"
NATIONAL_LIST = "Connection Coalition news"
COVENTRY_LIST = "Connecting for Good Coventry"
LEEDS_LIST = "Leeds Connects"
BOUNCED = "bounced.elsewhere@example.org"
LEEDS_ONLY_SUPPRESSED = "gone.from.leeds@example.org"
# What a page would say if it told a chapter about someone's other lists.
OTHER_LIST_WORDS = ["other newsletter", "other list", "withheld"]


@dataclass
class Person:
    national: Subscription
    coventry: Subscription
    leeds: Subscription


@dataclass
class Seat:
    """One chapter editor at their own list: what they may see, and what they must not."""

    client: object
    newsletter_list: NewsletterList
    subscription: Subscription
    own: list[str]
    own_source: str
    foreign: list[str]


def _subscribe(newsletter_list, name, source, *, confirm: bool, email=RIVER) -> Subscription:
    subscription = service.subscribe(
        newsletter_list, email=email, name=name, language="en", source_url=source
    )
    if confirm:
        assert service.confirm_subscription(subscription.pk) == service.ConfirmOutcome.CONFIRMED
    subscription.refresh_from_db()
    return subscription


@pytest.fixture
def lists(network, leeds) -> dict[str, NewsletterList]:
    return {
        "national": NewsletterList.objects.get(site=network.national_site),
        "coventry": NewsletterList.objects.get(site=network.coventry_site),
        "leeds": NewsletterList.objects.get(site=leeds.site),
    }


@pytest.fixture
def river(lists) -> Person:
    person = Person(
        national=_subscribe(lists["national"], NATIONAL_NAME, NATIONAL_SOURCE, confirm=True),
        coventry=_subscribe(lists["coventry"], COVENTRY_NAME, COVENTRY_SOURCE, confirm=True),
        leeds=_subscribe(lists["leeds"], LEEDS_NAME, LEEDS_SOURCE, confirm=False),
    )
    assert person.leeds.status == Subscription.Status.PENDING
    Suppression.suppress(BOUNCED, Suppression.Reason.BOUNCED)
    Suppression.suppress(LEEDS_ONLY_SUPPRESSED, Suppression.Reason.ERASED, lists["leeds"])
    return person


FOREIGN = {
    "national": [NATIONAL_NAME, NATIONAL_SOURCE, NATIONAL_LIST],
    "coventry": [COVENTRY_NAME, COVENTRY_SOURCE, COVENTRY_LIST],
    "leeds": [LEEDS_NAME, LEEDS_SOURCE, LEEDS_LIST],
}


@pytest.fixture(params=["coventry", "leeds"])
def seat(request, river, lists) -> Seat:
    """Each test using this runs for Coventry's editor and for Leeds's."""
    chapter = request.param
    user = request.getfixturevalue(f"{chapter}_editor")
    own_name, own_source, _own_list = FOREIGN[chapter]
    return Seat(
        client=logged_in(user),
        newsletter_list=lists[chapter],
        subscription=getattr(river, chapter),
        own=[RIVER, own_name],
        own_source=own_source,
        foreign=[
            secret for other, secrets in FOREIGN.items() if other != chapter for secret in secrets
        ],
    )


@pytest.fixture
def data_team(db):
    """The demo's account in the "National data team" group."""
    user = get_user_model().objects.get(username="data-team")
    assert user.groups.filter(name=DATA_TEAM).exists()
    return user


def state() -> dict:
    """Everything the newsletter holds about people, to compare before and after."""
    return {
        "subscribers": set(Subscriber.objects.values_list("pk", "email", "language")),
        "subscriptions": set(
            Subscription.objects.values_list(
                "pk", "subscriber_id", "newsletter_list_id", "name", "status", "confirmed_at"
            )
        ),
        "consent_records": set(
            ConsentRecord.objects.values_list(
                "pk", "subscription_id", "newsletter_list_id", "action", "source_url"
            )
        ),
        "suppressions": set(
            Suppression.objects.values_list("email_hash", "newsletter_list_id", "reason")
        ),
        "deliveries": set(Delivery.objects.values_list("pk", "email", "status")),
        "erasures": set(NetworkErasure.objects.values_list("pk", "email_hash")),
    }


def subscribers_url(newsletter_list) -> str:
    return reverse("newsletter_admin:subscribers", args=[newsletter_list.pk])


def export_url(newsletter_list, subscription) -> str:
    return reverse("newsletter_admin:export", args=[newsletter_list.pk, subscription.pk])


def erase_url(newsletter_list, subscription) -> str:
    return reverse("newsletter_admin:erase", args=[newsletter_list.pk, subscription.pk])


ERASURE_URL = reverse("newsletter_admin:erase_everywhere")


def assert_says_nothing_of_other_lists(response, seat: Seat, where: str) -> None:
    assert_no_leak(response, seat.foreign + OTHER_LIST_WORDS, where)


# --- a chapter's own list: search, export, erase ------------------------------------------------


def test_search_shows_this_lists_part_of_the_person_only(seat):
    response = seat.client.get(subscribers_url(seat.newsletter_list), {"q": "river.marsh"})
    assert response.status_code == 200
    shown = body(response)
    for secret in seat.own:
        assert secret in shown
    assert seat.subscription.get_status_display() in shown
    assert_says_nothing_of_other_lists(response, seat, "the subscriber search")


def test_export_holds_this_lists_subscription_only(seat):
    response = seat.client.get(export_url(seat.newsletter_list, seat.subscription))
    assert response.status_code == 200
    assert_says_nothing_of_other_lists(response, seat, "the export")
    data = json.loads(response.content)
    assert set(data) == {"email", "language", "subscription", "exported_at"}
    assert data["email"] == RIVER
    subscription = data["subscription"]
    assert subscription["name"] == seat.own[1]
    assert subscription["list"] == seat.newsletter_list.name
    assert subscription["status"] == seat.subscription.status
    expected = (
        ["subscribed", "confirmed"]
        if seat.subscription.status == Subscription.Status.CONFIRMED
        else ["subscribed"]
    )
    assert [record["action"] for record in subscription["consent_records"]] == expected


def test_the_erase_page_asks_says_nothing_of_other_lists_and_changes_nothing(seat):
    before = state()
    response = seat.client.get(erase_url(seat.newsletter_list, seat.subscription))
    assert response.status_code == 200
    shown = body(response)
    assert RIVER in shown and seat.own[1] in shown
    assert_says_nothing_of_other_lists(response, seat, "the erase page")
    assert state() == before


def test_the_erase_page_reads_the_same_for_someone_on_this_list_alone(seat):
    """Nothing on it depends on the person's other lists: for someone on no other list it says
    the same, apart from their own details."""
    alone = _subscribe(
        seat.newsletter_list, seat.own[1], "", confirm=True, email="alone@example.org"
    )
    Subscription.objects.filter(pk=alone.pk).update(
        status=seat.subscription.status,
        created_at=seat.subscription.created_at,
        confirmed_at=seat.subscription.confirmed_at,
    )
    river_page = body(seat.client.get(erase_url(seat.newsletter_list, seat.subscription)))
    alone_page = body(seat.client.get(erase_url(seat.newsletter_list, alone)))

    def without_details(page, address, subscription):
        page = page.replace(address, "ADDRESS").replace(address.replace("@", "%40"), "ADDRESS")
        page = re.sub(r"\b[A-Za-z0-9]{64}\b", "CSRF", page)  # masked afresh on every page
        return page.replace(f"/{subscription.pk}/", "/ID/")

    assert without_details(river_page, RIVER, seat.subscription) == without_details(
        alone_page, "alone@example.org", alone
    )


def test_erase_removes_the_person_from_this_list_only(seat, river, lists):
    own_list = seat.newsletter_list
    before = state()
    response = seat.client.post(erase_url(own_list, seat.subscription))
    assert response.status_code == 302
    landing = seat.client.get(response["Location"])
    assert "was removed from this list" in body(landing)
    assert_says_nothing_of_other_lists(landing, seat, "the page after erasing")
    after = state()

    # This list's subscription (and the name given here) went; every other one is as it was.
    gone = {row for row in before["subscriptions"] if row[0] == seat.subscription.pk}
    assert len(gone) == 1
    assert after["subscriptions"] == before["subscriptions"] - gone
    assert not Subscription.objects.filter(name=seat.own[1]).exists()
    # The person stays (they are on other lists), as they were.
    assert after["subscribers"] == before["subscribers"]
    # Suppressed for this list only; network-wide and other lists' suppressions as they were.
    assert after["suppressions"] == before["suppressions"] | {
        (email_hash(RIVER), own_list.pk, Suppression.Reason.ERASED)
    }
    assert not Suppression.is_suppressed(RIVER)
    for other in (item for item in lists.values() if item != own_list):
        assert not Suppression.is_suppressed(RIVER, other)
    assert Suppression.is_suppressed(RIVER, own_list)
    # Other lists' consent records untouched; this list's stay as anonymous history.
    others = {row for row in before["consent_records"] if row[2] != own_list.pk}
    assert others <= after["consent_records"]
    own_records = ConsentRecord.objects.filter(newsletter_list=own_list, source_url=seat.own_source)
    assert own_records.exists()
    assert not own_records.filter(subscription__isnull=False).exists()
    assert ConsentRecord.objects.filter(
        newsletter_list=own_list, action=ConsentRecord.Action.ERASED, subscription=None
    ).exists()
    assert after["erasures"] == before["erasures"]  # not the network's erasure

    # This list's form cannot add the address again (silently); the others still have them.
    assert service.subscribe(own_list, email=RIVER, name="Again") is None
    assert not Subscription.objects.filter(newsletter_list=own_list, subscriber__email=RIVER)
    assert Subscription.objects.filter(subscriber__email=RIVER).count() == 2


def test_removing_someone_on_this_list_alone_removes_the_person_too(seat):
    alone = _subscribe(seat.newsletter_list, "Solo Person", "", confirm=True, email="solo@ex.org")
    assert seat.client.post(erase_url(seat.newsletter_list, alone)).status_code == 302
    assert not Subscriber.objects.filter(email="solo@ex.org").exists()
    [suppression] = Suppression.objects.filter(email_hash=email_hash("solo@ex.org"))
    assert suppression.newsletter_list == seat.newsletter_list


def test_another_lists_subscription_through_ones_own_list_is_not_found(seat, river):
    """Every foreign subscription id, through the editor's own list id: 404, nothing shown,
    nothing changed. Positive control: the editor's own subscription through the same list."""
    foreign = [
        subscription
        for subscription in (river.national, river.coventry, river.leeds)
        if subscription.pk != seat.subscription.pk
    ]
    before = state()
    for subscription in foreign:
        for method, url in [
            ("get", export_url(seat.newsletter_list, subscription)),
            ("get", erase_url(seat.newsletter_list, subscription)),
            ("post", erase_url(seat.newsletter_list, subscription)),
        ]:
            response = getattr(seat.client, method)(url)
            assert response.status_code == 404, (method, url)
            assert_no_leak(response, [RIVER, *seat.foreign, *seat.own], f"{method} {url}")
    assert state() == before
    own = seat.client.get(export_url(seat.newsletter_list, seat.subscription))
    assert own.status_code == 200


def test_another_lists_admin_is_refused(seat, lists, river):
    """The other chapter's list, and the national one, by their own ids: Wagtail's refusal."""
    before = state()
    for chapter, newsletter_list in lists.items():
        if newsletter_list == seat.newsletter_list:
            continue
        subscription = getattr(river, chapter)
        secrets = [RIVER, *FOREIGN[chapter][:2]]
        for method, url in [
            ("get", subscribers_url(newsletter_list) + "?q=river"),
            ("get", export_url(newsletter_list, subscription)),
            ("get", erase_url(newsletter_list, subscription)),
            ("post", erase_url(newsletter_list, subscription)),
        ]:
            response = getattr(seat.client, method)(url)
            assert_refused(seat.client, response, secrets, f"{method} {url}")
    assert state() == before


# --- sending honours a list's own suppressions -----------------------------------------------


def _issue(newsletter_list, slug) -> NewsletterIssuePage:
    index = NewsletterIndexPage.objects.child_of(newsletter_list.site.root_page).get()
    issue = NewsletterIssuePage(
        title=f"Issue {slug}",
        slug=slug,
        subject=f"Subject {slug}",
        body=[
            {"type": "paragraph", "value": "<p>News from the list.</p>"}
        ],  # an empty one is refused
    )
    index.add_child(instance=issue)
    issue.save_revision().publish()
    return issue


def _recorded(issue) -> set[str]:
    send = queue_send(issue).send
    begin_send(send.pk)
    return set(Delivery.objects.filter(send=send).values_list("email", flat=True))


def test_the_next_send_of_the_list_skips_an_address_suppressed_for_it(river, lists):
    """A suppression for Coventry's list (River still confirmed there, as after an import):
    Coventry's send and count leave River out, the national send and count do not."""
    coventry, national = lists["coventry"], lists["national"]
    counts = {
        coventry.pk: Subscription.objects.recipient_count(coventry),
        national.pk: Subscription.objects.recipient_count(national),
    }
    Suppression.suppress(RIVER, Suppression.Reason.ERASED, coventry)
    assert Subscription.objects.recipient_count(coventry) == counts[coventry.pk] - 1
    assert Subscription.objects.recipient_count(national) == counts[national.pk]
    assert RIVER not in _recorded(_issue(coventry, "scoped-coventry"))
    assert RIVER in _recorded(_issue(national, "scoped-national"))


def test_an_address_suppressed_for_a_list_after_recording_is_skipped_there_only(river, lists):
    coventry, national = lists["coventry"], lists["national"]
    sends = {}
    for newsletter_list, slug in ((coventry, "late-coventry"), (national, "late-national")):
        sends[newsletter_list.pk] = queue_send(_issue(newsletter_list, slug)).send
        begin_send(sends[newsletter_list.pk].pk)
    Suppression.suppress(RIVER, Suppression.Reason.ERASED, coventry)
    mail.outbox.clear()
    for send in sends.values():
        tasks.send_batch(send.pk)

    def river_row(newsletter_list):
        return Delivery.objects.get(send=sends[newsletter_list.pk], email=RIVER).status

    assert river_row(coventry) == Delivery.Status.SKIPPED
    assert river_row(national) == Delivery.Status.SENT
    to_river = [message for message in mail.outbox if RIVER in message.to[0]]
    assert len(to_river) == 1
    # The name in the To header is the one given to the national site.
    assert to_river[0].to == [f"{NATIONAL_NAME} <{RIVER}>"]


# --- erasing a person from every list: the national data team ---------------------------------


def _erasure_requests():
    return [
        ("get", {}),
        ("post", {"action": "review", "email": RIVER}),
        ("post", {"action": "erase", "email": RIVER}),
    ]


@pytest.mark.parametrize("username", ["coventry-editor", "leeds-editor", "national-editor"])
def test_the_network_erasure_is_refused_without_the_permission(river, leeds_editor, username):
    user = get_user_model().objects.get(username=username)
    assert not user.has_perm("newsletter.erase_subscriber_everywhere")
    client = logged_in(user)
    before = state()
    for method, data in _erasure_requests():
        response = getattr(client, method)(ERASURE_URL, data)
        assert_refused(
            client,
            response,
            [RIVER, NATIONAL_NAME, COVENTRY_NAME, LEEDS_NAME],
            f"{username}: {method} {data}",
        )
    assert state() == before
    # Nor is it offered to them.
    overview = client.get(reverse("newsletter_admin:index"))
    assert ERASURE_URL not in body(overview)


def test_the_data_team_reaches_it_from_the_newsletters_overview(data_team):
    client = logged_in(data_team)
    home = body(client.get(reverse("wagtailadmin_home")))
    assert reverse("newsletter_admin:index") in home  # the Newsletters menu item
    overview = client.get(reverse("newsletter_admin:index"))
    assert overview.status_code == 200
    assert ERASURE_URL in body(overview)


def test_the_data_team_reviews_then_erases_from_every_list_and_it_is_logged(
    river, lists, data_team
):
    client = logged_in(data_team)
    page = client.get(ERASURE_URL)
    assert page.status_code == 200 and "Erasure log" in body(page)

    before = state()
    review = client.post(ERASURE_URL, {"action": "review", "email": " River.Marsh@Example.org "})
    assert review.status_code == 200
    shown = body(review)
    for secret in [RIVER, NATIONAL_NAME, COVENTRY_NAME, LEEDS_NAME, COVENTRY_LIST, LEEDS_LIST]:
        assert secret in shown
    assert state() == before  # the review changes nothing

    done = client.post(ERASURE_URL, {"action": "erase", "email": RIVER})
    assert done.status_code == 302 and done["Location"] == ERASURE_URL
    assert not Subscriber.objects.filter(email=RIVER).exists()
    assert not Subscription.objects.filter(name__endswith="marker").exists()
    after = state()
    assert after["suppressions"] == before["suppressions"] | {
        (email_hash(RIVER), None, Suppression.Reason.ERASED)
    }
    for newsletter_list in lists.values():
        assert Suppression.is_suppressed(RIVER, newsletter_list)
    [erasure] = NetworkErasure.objects.filter(email_hash=email_hash(RIVER))
    assert erasure.erased_by == data_team and erasure.erased_by_username == "data-team"
    assert erasure.subscriptions_removed == 3
    assert erasure.erased_at is not None
    for record in ConsentRecord.objects.filter(newsletter_list__in=lists.values()):
        assert RIVER not in record.source_url + record.wording

    told = body(client.get(ERASURE_URL))
    assert f"{RIVER} was erased from every list (3 subscriptions)" in told
    log = body(client.get(ERASURE_URL))  # the message is gone; the log stays
    assert "data-team" in log and erasure.email_hash[:12] in log
    assert RIVER not in log  # the log keeps the hash, never the address

    # A second click logs nothing more.
    again = client.post(ERASURE_URL, {"action": "erase", "email": RIVER}, follow=True)
    assert "already been erased" in body(again)
    assert NetworkErasure.objects.filter(email_hash=email_hash(RIVER)).count() == 1


def test_the_network_erasure_turns_bad_input_away(river, data_team):
    client = logged_in(data_team)
    before = state()
    for data in [
        {"action": "erase", "email": "not an address"},
        {"action": "erase", "email": ""},
        {"action": "erase", "email": "river\x00@example.org"},
        {"action": "review"},
    ]:
        response = client.post(ERASURE_URL, data)
        assert response.status_code == 400, data
        assert "Enter" in body(response)
    unknown = client.post(ERASURE_URL, {"action": "delete-everything", "email": RIVER})
    assert unknown.status_code == 400
    assert state() == before


def test_an_address_on_no_list_is_still_suppressed_and_logged(data_team):
    client = logged_in(data_team)
    review = body(client.post(ERASURE_URL, {"action": "review", "email": "never@example.org"}))
    assert "This address is on no list" in review
    client.post(ERASURE_URL, {"action": "erase", "email": "never@example.org"})
    [erasure] = NetworkErasure.objects.filter(email_hash=email_hash("never@example.org"))
    assert erasure.subscriptions_removed == 0
    assert Suppression.is_suppressed("never@example.org")


def test_an_administrator_can_make_a_group_the_data_team(superuser):
    """The permission is offered on Wagtail's group form (Settings → Groups)."""
    response = logged_in(superuser).get(reverse("wagtailusers_groups:add"))
    assert response.status_code == 200
    assert "Can erase a person from every newsletter list" in body(response)
