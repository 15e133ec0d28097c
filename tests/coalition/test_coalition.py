"""The Connection Coalition: organisations ask to join at /join/ on the national site, national
editors decide in the admin, approved members appear in the /members/ directory and the site
search. No input (spam, hostile, huge, malformed) gives a 500, stores anything or sends anything
it should not."""

import html as html_lib
import re
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Locale

from cms.coalition.forms import JoinRequestForm
from cms.coalition.models import JoinRequest, Member, OrganisationKind, Region
from cms.coalition.models.pages import JOIN_LIMIT
from cms.coalition.tasks import (
    acknowledge_join_request,
    national_editor_emails,
    notify_national_editors,
    send_join_decision,
)
from tests.coalition.support import (
    APPLICANT_EMAIL,
    COVENTRY_EDITOR_EMAIL,
    FOUNDERS,
    JOIN_URL,
    MEMBERS_URL,
    NATIONAL_EDITOR_EMAIL,
    ORGANISATION,
    PENDING_DEMO,
    THANKS_URL,
    add_members,
    client_directory,
    decide_url,
    demo_request,
    join_data,
    make_request,
    member_names,
    post_join,
    recipients,
    token,
)
from tests.conftest import COVENTRY_HOST, NATIONAL_HOST
from tests.factories import GroupFactory, UserFactory, permission
from tests.helpers import (
    ESCAPED_SCRIPT,
    EXPIRED,
    GENERIC,
    INJECTION,
    MEGABYTE,
    NUL,
    REQUIRED,
    SCRIPT,
    assert_form_rejected,
    assert_no_injected_headers,
    assert_no_nul,
    assert_plain_text,
    assert_refused,
)

# --- the join page -------------------------------------------------------------------------


def test_the_join_page_shows_the_form_with_a_honeypot_that_is_not_the_website_field(
    client, network
):
    response = client.get(JOIN_URL, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    for field in [
        "organisation",
        "kind",
        "region",
        "website",
        "contact_name",
        "contact_email",
        "reason",
        "agreed_to_aims",
    ]:
        assert f'id="id_{field}"' in html and f'for="id_{field}"' in html
    hidden = re.search(r'<div class="form-extra" aria-hidden="true">(.*?)</div>', html, re.S)
    assert 'name="homepage"' in hidden.group(1)
    assert 'name="website"' not in hidden.group(1)
    assert re.search(r'<input[^>]*type="url"[^>]*name="website"', html)
    assert JoinRequestForm().honeypot_field_name == "homepage"
    assert 'class="error-summary"' not in html


@pytest.mark.parametrize("path", [JOIN_URL, THANKS_URL, MEMBERS_URL, f"{MEMBERS_URL}mind/"])
def test_the_coalition_pages_are_on_the_national_site_only(client, network, path):
    assert client.get(path, HTTP_HOST=NATIONAL_HOST).status_code == 200
    assert client.get(path, HTTP_HOST=COVENTRY_HOST).status_code == 404


# --- end to end: ask, be told, be approved, appear ------------------------------------------


def test_the_join_flow_from_the_form_to_the_directory(
    client, network, national_editor, mailoutbox, django_capture_on_commit_callbacks
):
    before = JoinRequest.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_join(client, join_data())

    assert response.status_code == 303
    location = urlsplit(response["Location"])
    assert location.path == THANKS_URL and location.hostname in (None, NATIONAL_HOST)
    assert JoinRequest.objects.count() == before + 1
    join_request = JoinRequest.objects.latest("pk")
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.organisation == ORGANISATION
    assert join_request.contact_email == APPLICANT_EMAIL
    assert join_request.agreed_to_aims is True
    assert join_request.member is None

    # The applicant is acknowledged, the national editor is told; nobody else.
    assert sorted(recipients(mailoutbox)) == sorted([APPLICANT_EMAIL, NATIONAL_EDITOR_EMAIL])
    assert COVENTRY_EDITOR_EMAIL not in recipients(mailoutbox)
    acknowledgement = next(m for m in mailoutbox if m.to == [APPLICANT_EMAIL])
    notification = next(m for m in mailoutbox if m.to == [NATIONAL_EDITOR_EMAIL])
    assert ORGANISATION in acknowledgement.body and "Sam Okafor" in acknowledgement.body
    assert ORGANISATION in notification.body and APPLICANT_EMAIL in notification.body
    assert decide_url(join_request) in notification.body
    for message in mailoutbox:
        assert message.from_email == settings.DEFAULT_FROM_EMAIL
        assert ORGANISATION not in message.subject
        assert_no_injected_headers(message)

    thanks = client.get(THANKS_URL, HTTP_HOST=NATIONAL_HOST)
    assert thanks.status_code == 200
    assert "Thank you for asking to join" in thanks.content.decode()

    # Nothing is public yet.
    directory = client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert ORGANISATION not in directory
    search = client.get("/search/", {"q": "Riverside"}, HTTP_HOST=NATIONAL_HOST)
    assert ORGANISATION not in search.content.decode()

    # A national editor approves it.
    mailoutbox.clear()
    client.force_login(national_editor)
    page = client.get(decide_url(join_request))
    assert page.status_code == 200
    assert ORGANISATION in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(decide_url(join_request), {"action": "approve"})
    assert approved.status_code == 302
    assert approved["Location"] == reverse("coalition_join_requests:index")
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == national_editor
    member = join_request.member
    assert member is not None
    assert (member.name, member.kind, member.region) == (
        ORGANISATION,
        OrganisationKind.COMMUNITY_GROUP,
        Region.WEST_MIDLANDS,
    )
    assert member.slug == "riverside-lunch-club"
    assert member.website == "https://riverside-lunch.example.org"
    assert [m.to for m in mailoutbox] == [[APPLICANT_EMAIL]]
    assert "Welcome" in mailoutbox[0].subject
    assert ORGANISATION in mailoutbox[0].body

    client.logout()
    directory = client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert ORGANISATION in member_names(directory)
    assert f'href="{MEMBERS_URL}{member.slug}/"' in directory
    detail = client.get(f"{MEMBERS_URL}{member.slug}/", HTTP_HOST=NATIONAL_HOST)
    assert detail.status_code == 200
    assert f"<h1>{ORGANISATION}</h1>" in detail.content.decode()
    search = client.get("/search/", {"q": "Riverside"}, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert f"{MEMBERS_URL}{member.slug}/" in search
    coventry = client.get("/search/", {"q": "Riverside"}, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert ORGANISATION not in coventry and f"{MEMBERS_URL}{member.slug}/" not in coventry


# --- deciding --------------------------------------------------------------------------------


def test_approving_creates_the_member_and_welcomes_the_applicant(
    client,
    network,
    national_client,
    national_editor,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    join_request = demo_request()
    members = Member.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = national_client.post(decide_url(join_request), {"action": "approve"})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.decided_by == national_editor
    assert join_request.decided_at is not None
    assert Member.objects.count() == members + 1
    member = join_request.member
    assert member.name == PENDING_DEMO
    assert member.slug == "hillfields-community-pantry"
    assert member.kind == OrganisationKind.COMMUNITY_GROUP
    assert member.region == Region.WEST_MIDLANDS
    assert member.locale == Locale.get_default()
    assert member.joined_on == timezone.localdate()
    assert member.founding_member is False
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["amira@hillfields-pantry.example.org"]
    assert PENDING_DEMO in mailoutbox[0].body
    assert_no_injected_headers(mailoutbox[0])

    national_client.logout()
    assert PENDING_DEMO in member_names(client_directory(client))
    detail = client.get(f"{MEMBERS_URL}{member.slug}/", HTTP_HOST=NATIONAL_HOST)
    assert detail.status_code == 200 and PENDING_DEMO in detail.content.decode()
    search = client.get("/search/", {"q": "Hillfields"}, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert f"{MEMBERS_URL}{member.slug}/" in search
    coventry = client.get("/search/", {"q": "Hillfields"}, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert f"{MEMBERS_URL}{member.slug}/" not in coventry
    assert "Coalition members" not in coventry


def test_a_broker_outage_does_not_fail_the_decision(
    national_client, network, django_capture_on_commit_callbacks
):
    """The decision is committed before the mail is queued; a broker that is down must not turn
    the editor's answer into a 500 (the join form and the story form already survive this)."""
    join_request = demo_request()
    with (
        mock.patch.object(send_join_decision, "delay", side_effect=OSError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = national_client.post(decide_url(join_request), {"action": "approve"})
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.APPROVED
    assert join_request.member is not None


def test_a_second_member_of_the_same_name_gets_its_own_slug(
    national_client, network, django_capture_on_commit_callbacks
):
    Member.objects.create(
        name=PENDING_DEMO, kind=OrganisationKind.CHARITY, locale=Locale.get_default()
    )
    with django_capture_on_commit_callbacks(execute=True):
        national_client.post(decide_url(demo_request()), {"action": "approve"})
    assert demo_request().member.slug == "hillfields-community-pantry-2"


@pytest.mark.parametrize(
    "second", [{"action": "approve"}, {"action": "decline", "reason": "Changed our minds"}]
)
def test_deciding_twice_changes_nothing_and_sends_nothing_more(
    national_client, network, mailoutbox, django_capture_on_commit_callbacks, second
):
    join_request = demo_request()
    with django_capture_on_commit_callbacks(execute=True):
        national_client.post(decide_url(join_request), {"action": "approve"})
    join_request.refresh_from_db()
    decided = (join_request.status, join_request.decided_at, join_request.member_id)
    members, sent = Member.objects.count(), len(mailoutbox)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = national_client.post(decide_url(join_request), second)
    assert response.status_code == 302
    assert callbacks == []
    join_request.refresh_from_db()
    assert (join_request.status, join_request.decided_at, join_request.member_id) == decided
    assert join_request.decline_reason == ""
    assert Member.objects.count() == members
    assert len(mailoutbox) == sent
    page = national_client.get(decide_url(join_request)).content.decode()
    assert 'value="approve"' not in page  # no buttons once decided
    assert "Approved" in page


@pytest.mark.parametrize(
    "reason, error",
    [
        (None, "This field is required."),
        ("", "This field is required."),
        ("   \n\t ", "This field is required."),
        ("Not\x00 now", "Null characters are not allowed."),
        ("x" * 2001, "Ensure this value has at most 2000 characters"),
    ],
    ids=["no reason", "empty", "whitespace", "NUL", "too long"],
)
def test_declining_needs_a_reason(
    national_client, network, mailoutbox, django_capture_on_commit_callbacks, reason, error
):
    join_request = demo_request()
    data = {"action": "decline"} if reason is None else {"action": "decline", "reason": reason}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = national_client.post(decide_url(join_request), data)
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert error in html
    assert PENDING_DEMO in html
    assert callbacks == [] and mailoutbox == []
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert join_request.decline_reason == "" and join_request.decided_at is None


def test_declining_with_a_reason_tells_the_applicant_why(
    national_client, national_editor, network, mailoutbox, django_capture_on_commit_callbacks
):
    join_request = demo_request()
    members = Member.objects.count()
    reason = f"We only take UK-wide organisations for now.\nTry the Coventry chapter! {SCRIPT}"
    with django_capture_on_commit_callbacks(execute=True):
        response = national_client.post(
            decide_url(join_request), {"action": "decline", "reason": reason}
        )
    assert response.status_code == 302
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert join_request.decline_reason == reason
    assert join_request.decided_by == national_editor
    assert join_request.member is None
    assert Member.objects.count() == members
    assert [m.to for m in mailoutbox] == [["amira@hillfields-pantry.example.org"]]
    message = mailoutbox[0]
    assert reason in message.body  # the literal text, in a plain-text mail
    assert_plain_text(message)
    assert_no_injected_headers(message)
    assert "Welcome" not in message.subject

    page = national_client.get(decide_url(join_request)).content.decode()
    assert ESCAPED_SCRIPT in page and SCRIPT not in page
    # A declined request cannot be approved afterwards.
    with django_capture_on_commit_callbacks(execute=True):
        national_client.post(decide_url(join_request), {"action": "approve"})
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.DECLINED
    assert Member.objects.count() == members
    assert len(mailoutbox) == 1
    assert PENDING_DEMO not in client_directory(national_client)


def test_an_unknown_action_or_request_changes_nothing(national_client, network, mailoutbox):
    join_request = demo_request()
    response = national_client.post(decide_url(join_request), {"action": "publish"})
    assert response.status_code == 200
    assert demo_request().status == JoinRequest.Status.PENDING
    missing = reverse("coalition_join_requests:decide", args=[999_999])
    assert national_client.get(missing).status_code == 404
    assert national_client.post(missing, {"action": "approve"}).status_code == 404
    assert national_client.put(decide_url(join_request)).status_code == 405
    assert mailoutbox == []


def test_the_national_editor_lists_the_requests(national_client, network):
    make_request(organisation=SCRIPT)
    response = national_client.get(reverse("coalition_join_requests:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert PENDING_DEMO in html
    assert decide_url(demo_request()) in html
    assert ESCAPED_SCRIPT in html and SCRIPT not in html
    results = national_client.get(
        reverse("coalition_join_requests:index_results"), {"q": "Hillfields"}
    )
    assert results.status_code == 200 and PENDING_DEMO in results.content.decode()


def test_the_national_editor_can_delete_a_request(national_client, network, mailoutbox):
    join_request = make_request()
    url = reverse("coalition_join_requests:delete", args=[join_request.pk])
    confirm = national_client.get(url)
    assert confirm.status_code == 200
    assert ORGANISATION in confirm.content.decode()
    response = national_client.post(url)
    assert response.status_code == 302
    assert not JoinRequest.objects.filter(pk=join_request.pk).exists()
    assert mailoutbox == []


def test_the_decide_view_escapes_what_the_applicant_typed(national_client, network):
    join_request = make_request(
        organisation=SCRIPT,
        contact_name=SCRIPT,
        reason=f"{SCRIPT}\n<img src=x onerror=alert(2)>",
        website="https://example.org/?q=<script>",
    )
    response = national_client.get(decide_url(join_request))
    assert response.status_code == 200
    html = response.content.decode()
    assert SCRIPT not in html and "<img src=x" not in html
    assert ESCAPED_SCRIPT in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


@pytest.mark.parametrize(
    "method, url_name, data",
    [
        ("get", "index", None),
        ("post", "index", {"action": "approve"}),
        ("get", "index_results", None),
        ("get", "decide", None),
        ("post", "decide", {"action": "approve"}),
        ("post", "decide", {"action": "decline", "reason": "Because"}),
        ("get", "delete", None),
        ("post", "delete", {}),
    ],
    ids=[
        "list",
        "list POST",
        "list results",
        "decide page",
        "approve",
        "decline",
        "delete page",
        "delete",
    ],
)
def test_a_chapter_editor_cannot_see_or_decide_join_requests(
    coventry_client,
    network,
    mailoutbox,
    django_capture_on_commit_callbacks,
    method,
    url_name,
    data,
):
    join_request = demo_request()
    args = [] if url_name.startswith("index") else [join_request.pk]
    url = reverse(f"coalition_join_requests:{url_name}", args=args)
    members = Member.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(coventry_client, method)(url, data or {})
    assert PENDING_DEMO not in response.content.decode()
    assert_refused(
        coventry_client, response, [PENDING_DEMO, ORGANISATION], f"{method.upper()} {url}"
    )
    join_request.refresh_from_db()
    assert join_request.status == JoinRequest.Status.PENDING
    assert Member.objects.count() == members
    assert mailoutbox == []


def test_anonymous_visitors_are_sent_to_log_in(client, network):
    response = client.get(decide_url(demo_request()))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    response = client.post(decide_url(demo_request()), {"action": "approve"})
    assert response.status_code == 302
    assert demo_request().status == JoinRequest.Status.PENDING


# --- the tasks ------------------------------------------------------------------------------


def test_the_editors_told_are_those_who_may_decide(db):
    decide = permission("decide_joinrequest", "coalition")
    deciders = GroupFactory()
    deciders.permissions.add(decide)
    member_editors = GroupFactory()
    member_editors.permissions.add(permission("change_member", "coalition"))
    through_group = UserFactory(groups=[deciders], email="decider@example.test")
    of_their_own = UserFactory(email="own-permission@example.test")
    of_their_own.user_permissions.add(decide)
    told = [through_group, of_their_own]
    not_told = [
        UserFactory(groups=[member_editors]),  # may edit members, not decide
        UserFactory(is_superuser=True),  # not every superuser
        UserFactory(groups=[deciders], email=""),  # no address
    ]
    inactive = UserFactory(groups=[deciders])
    get_user_model().objects.exclude(pk__in=[user.pk for user in told + not_told]).update(
        is_active=False
    )
    assert inactive.email not in national_editor_emails()
    assert national_editor_emails() == sorted(user.email for user in told)


def test_the_tasks_do_nothing_for_a_missing_or_undecided_request(db, mailoutbox):
    assert acknowledge_join_request(999_999) == 0
    assert notify_national_editors(999_999) == 0
    assert send_join_decision(999_999) == 0
    assert send_join_decision(make_request().pk) == 0  # still pending: nothing to say
    assert mailoutbox == []


def test_a_broker_outage_does_not_lose_the_request_or_fail_the_response(
    client, network, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(acknowledge_join_request, "delay", side_effect=OSError("down")),
        mock.patch.object(notify_national_editors, "delay", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = post_join(client, join_data())
    assert response.status_code == 303
    assert JoinRequest.objects.filter(organisation=ORGANISATION).exists()


# --- accepted, stored as typed --------------------------------------------------------------


def test_unicode_is_stored_intact(client, network, mailoutbox, django_capture_on_commit_callbacks):
    organisation = "Zoë's Café 🌻 أحمد — 家族 👨‍👩‍👧"
    contact_name = "\u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd\u200f Łukasz"
    reason = "مرحبا بالعالم 👋🏽\n\nשלום — Ça va?"
    with django_capture_on_commit_callbacks(execute=True):
        response = post_join(
            client, join_data(organisation=organisation, contact_name=contact_name, reason=reason)
        )
    assert response.status_code == 303
    join_request = JoinRequest.objects.latest("pk")
    assert join_request.organisation == organisation
    assert join_request.contact_name == contact_name
    assert join_request.reason == reason
    assert any(organisation in message.body for message in mailoutbox)


def test_markup_is_stored_as_text_and_escaped_wherever_it_is_shown(
    client, network, national_editor, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post_join(
            client,
            join_data(organisation=SCRIPT, contact_name=SCRIPT, reason=f"{SCRIPT}\n<b>hi</b>"),
        )
    assert response.status_code == 303
    join_request = JoinRequest.objects.latest("pk")
    assert join_request.organisation == SCRIPT
    assert join_request.reason == f"{SCRIPT}\n<b>hi</b>"

    thanks = client.get(THANKS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert SCRIPT not in thanks
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert SCRIPT in message.body  # plain text: the literal words, nothing interpreted
        assert ESCAPED_SCRIPT not in message.body
        assert "<script" not in message.subject
        assert_plain_text(message)

    client.force_login(national_editor)
    decide = client.get(decide_url(join_request)).content.decode()
    assert SCRIPT not in decide and ESCAPED_SCRIPT in decide
    with django_capture_on_commit_callbacks(execute=True):
        client.post(decide_url(join_request), {"action": "approve"})
    client.logout()
    member = JoinRequest.objects.get(pk=join_request.pk).member
    assert member.name == SCRIPT and member.slug == "scriptalert1script"
    for path in [MEMBERS_URL, f"{MEMBERS_URL}{member.slug}/", "/search/?q=alert"]:
        page = client.get(path, HTTP_HOST=NATIONAL_HOST)
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode()
    assert ESCAPED_SCRIPT in client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()


def test_line_breaks_never_reach_a_header_or_a_single_line_field(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    data = join_data(
        organisation=ORGANISATION + INJECTION,
        contact_name="Sam" + INJECTION,
        reason="We cook." + INJECTION,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = post_join(client, data)
    assert response.status_code == 303
    join_request = JoinRequest.objects.latest("pk")
    for value in (join_request.organisation, join_request.contact_name):
        assert "\n" not in value and "\r" not in value
        assert value.endswith("Bcc: evil@example.com")
    assert "\r" not in join_request.reason
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert_no_injected_headers(message)


# --- rejected: nothing stored, nothing sent, never a 500 -------------------------------------


REJECTED = {
    "missing organisation": (lambda: join_data(organisation=None), REQUIRED),
    "missing kind": (lambda: join_data(kind=None), REQUIRED),
    "missing region": (lambda: join_data(region=None), REQUIRED),
    "missing name": (lambda: join_data(contact_name=None), REQUIRED),
    "missing email": (lambda: join_data(contact_email=None), REQUIRED),
    "missing reason": (lambda: join_data(reason=None), REQUIRED),
    "aims not agreed": (lambda: join_data(agreed_to_aims=None), "Please confirm that you share"),
    "everything missing": (lambda: {"form_started": token()}, REQUIRED),
    "whitespace organisation": (lambda: join_data(organisation=" \t "), REQUIRED),
    "control characters only": (lambda: join_data(contact_name="\x07\x1b"), REQUIRED),
    "unknown kind": (lambda: join_data(kind="bogus"), "Select a valid choice"),
    "unknown region": (lambda: join_data(region="<script>"), "Select a valid choice"),
    "1 MB organisation": (
        lambda: join_data(organisation=MEGABYTE),
        "Ensure this value has at most 160 characters",
    ),
    "1 MB name": (
        lambda: join_data(contact_name=MEGABYTE),
        "Ensure this value has at most 120 characters",
    ),
    "1 MB reason": (
        lambda: join_data(reason=MEGABYTE),
        "Ensure this value has at most 3000 characters",
    ),
    "1 MB website": (lambda: join_data(website="https://x.org/" + MEGABYTE), "Ensure this value"),
    "1 MB email": (lambda: join_data(contact_email=MEGABYTE + "@x.org"), "Enter a valid email"),
    "NUL in email": (lambda: join_data(contact_email="sam\x00@example.org"), NUL),
    "NUL-only reason": (lambda: join_data(reason="\x00 \x00"), REQUIRED),
    "NUL-only organisation": (lambda: join_data(organisation="\x00"), REQUIRED),
    "NUL in website": (lambda: join_data(website="https://x.org/\x00"), NUL),
    "NUL in kind": (lambda: join_data(kind="charity\x00"), "Select a valid choice"),
    "bad email": (lambda: join_data(contact_email="not-an-email"), "Enter a valid email"),
    "header injection in email": (
        lambda: join_data(contact_email=APPLICANT_EMAIL + INJECTION),
        "Enter a valid email",
    ),
    "header injection in website": (
        lambda: join_data(website="https://x.org" + INJECTION),
        "Enter a valid URL",
    ),
    "script website": (lambda: join_data(website="javascript:alert(1)"), "Enter a valid URL"),
    "honeypot filled": (lambda: join_data(homepage="https://spam.example"), GENERIC),
    "timestamp missing": (lambda: join_data(form_started=None), GENERIC),
    "timestamp forged": (lambda: join_data(form_started="1700000000.000:1rX:abc"), GENERIC),
    "timestamp of another form": (
        lambda: join_data(form_started=token(salt="formpages.form")),
        GENERIC,
    ),
    "timestamp tampered": (lambda: join_data(form_started="9" + token()[1:]), GENERIC),
    "too fast": (lambda: join_data(form_started=token(age_seconds=0.5)), GENERIC),
    "expired": (lambda: join_data(form_started=token(age_seconds=3 * 3600)), EXPIRED),
}


@pytest.mark.parametrize("case", REJECTED, ids=list(REJECTED))
def test_bad_input_is_answered_with_the_form_and_nothing_is_kept(
    case, client, network, mailoutbox, django_capture_on_commit_callbacks
):
    build, expected = REJECTED[case]
    before = JoinRequest.objects.count()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = post_join(client, build())
    assert_form_rejected(response, expected)
    assert JoinRequest.objects.count() == before
    assert callbacks == []
    assert mailoutbox == [] and mail.outbox == []


def test_nul_and_control_characters_in_text_are_stripped(client, network):
    """Plain-text fields drop NUL and control characters (as the story form does); nothing with
    a NUL reaches the database (PostgreSQL would refuse it)."""
    response = post_join(
        client,
        join_data(
            organisation="River\x00side\x07 Lunch Club",
            contact_name="S\x00am\x1b",
            reason="We\x00 cook.\tTogether.\r\nEvery week.",
        ),
    )
    assert response.status_code == 303
    join_request = JoinRequest.objects.latest("pk")
    assert join_request.organisation == "Riverside Lunch Club"
    assert join_request.contact_name == "Sam"
    assert join_request.reason == "We cook.\tTogether.\nEvery week."


def test_nul_bytes_never_reach_the_database(client, network):
    for number, field in enumerate(["organisation", "contact_name", "reason", "website"]):
        post_join(client, join_data(**{field: "a\x00b"}), REMOTE_ADDR=f"192.0.2.{number}")
    post_join(client, join_data(contact_email="a\x00b@example.org"), REMOTE_ADDR="192.0.2.9")
    for row in JoinRequest.objects.values():
        assert_no_nul(row.values())
    # The three plain-text fields were cleaned and accepted; website and email were refused.
    assert JoinRequest.objects.count() == 1 + 3


def test_a_burst_over_the_rate_limit_gets_429_and_nothing_is_stored(
    client, network, mailoutbox, django_capture_on_commit_callbacks
):
    limit, window = JOIN_LIMIT
    for _ in range(limit):
        assert post_join(client, join_data(agreed_to_aims=None)).status_code == 200
    before = JoinRequest.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = post_join(client, join_data())
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= window
    assert "Please wait a moment" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert JoinRequest.objects.count() == before
    assert mailoutbox == []
    # Reading the page is not limited, and another client is not held up.
    assert client.get(JOIN_URL, HTTP_HOST=NATIONAL_HOST).status_code == 200
    other = post_join(client, join_data(agreed_to_aims=None), REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_other_methods_are_answered_without_a_500(client, network):
    assert client.put(JOIN_URL, HTTP_HOST=NATIONAL_HOST).status_code < 500
    assert client.post(THANKS_URL, {}, HTTP_HOST=NATIONAL_HOST).status_code < 500


# --- the member directory -------------------------------------------------------------------


def test_the_directory_lists_the_founders_with_their_logos(client, network):
    response = client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    names = member_names(html)
    assert len(names) == FOUNDERS
    assert "The Jo Cox Foundation" in names and "Mind" in names
    assert html.count('class="member-card__logo"') == FOUNDERS
    assert f"{FOUNDERS} members" in html
    assert 'class="pagination"' not in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "company"}, {"Facebook", "NationBuilder"}),
        ({"kind": "charity", "q": "red"}, {"The British Red Cross"}),
        ({"q": "mental health"}, {"Mind"}),
        ({"q": "  NESTA  "}, {"Nesta"}),
        ({"region": "national", "kind": "company"}, {"Facebook", "NationBuilder"}),
        ({"region": "london"}, set()),
        ({"kind": "public_body"}, set()),
        ({"q": "no such organisation"}, set()),
    ],
    ids=lambda value: str(sorted(value) if isinstance(value, set) else value),
)
def test_the_directory_filters(client, network, query, expected):
    response = client.get(MEMBERS_URL, query, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert set(member_names(html)) == expected
    if not expected:
        assert "No members match" in html


@pytest.mark.parametrize(
    "query",
    [
        {"kind": "bogus"},
        {"region": "atlantis"},
        {"kind": "<script>", "region": "\x00"},
        {"kind": ["charity", "company"]},
        {"q": ""},
        {"q": "x" * 5000},
        {"q": "\x00"},
        {"q": "%"},
        {"q": "_"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "0"},
        {"page": "99999"},
        {"page": "1e9"},
    ],
    ids=lambda value: repr(value)[:40],
)
def test_unknown_filters_show_a_page_not_an_error(client, network, query):
    response = client.get(MEMBERS_URL, query, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html
    if set(query) <= {"kind", "region", "page"} and query.get("kind") != ["charity", "company"]:
        assert len(member_names(html)) == FOUNDERS  # unknown values filter nothing


def test_the_search_box_keeps_the_query_escaped(client, network):
    html = client.get(MEMBERS_URL, {"q": '"><script>x</script>'}, HTTP_HOST=NATIONAL_HOST)
    html = html.content.decode()
    assert "<script>x</script>" not in html
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html


def test_the_directory_is_paginated_and_pages_keep_the_filters(client, network):
    add_members(30, prefix="Tea & Cake club", kind=OrganisationKind.COMMUNITY_GROUP)
    add_members(30, prefix="Tea rooms", kind=OrganisationKind.COMMUNITY_GROUP)
    first = client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert len(member_names(first)) == 24
    english = Member.objects.filter(locale=Locale.get_default())  # the demo has Welsh ones too
    assert member_names(first)[:FOUNDERS] == list(
        english.filter(founding_member=True).order_by("name").values_list("name", flat=True)
    )
    assert "Page 1 of 3" in first

    query = {"kind": "community_group", "q": "Tea & Cake"}
    page_one = client.get(MEMBERS_URL, query, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert "30 members" in page_one and "Page 1 of 2" in page_one
    assert all(name.startswith("Tea & Cake club") for name in member_names(page_one))
    next_href = html_lib.unescape(re.search(r'<a href="([^"]+)" rel="next"', page_one).group(1))
    params = parse_qs(urlsplit(next_href).query)
    assert params == {"kind": ["community_group"], "q": ["Tea & Cake"], "page": ["2"]}
    page_two = client.get(MEMBERS_URL + next_href, HTTP_HOST=NATIONAL_HOST).content.decode()
    names = member_names(page_two)
    assert len(names) == 6 and all(name.startswith("Tea & Cake club") for name in names)
    assert "Page 2 of 2" in page_two


def test_a_member_has_its_own_page(client, network):
    response = client.get(f"{MEMBERS_URL}mind/", HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Mind</h1>" in html
    assert "The mental health charity" in html
    assert 'href="https://www.mind.org.uk"' in html
    assert "Founding member of the Connection Coalition" in html
    assert 'class="member-header__logo"' in html


@pytest.mark.parametrize(
    "path", ["no-such-member/", "MIND/", "mind/extra/", "%C3%A9t%C3%A9/", "mind%00/", "-/"]
)
def test_an_unknown_member_is_a_404(client, network, path):
    assert client.get(MEMBERS_URL + path, HTTP_HOST=NATIONAL_HOST).status_code == 404


def test_a_member_in_another_locale_is_not_listed(client, network):
    welsh, _ = Locale.objects.get_or_create(language_code="cy")
    Member.objects.create(name="Cymdeithas", slug="cymdeithas", kind="charity", locale=welsh)
    assert "Cymdeithas" not in member_names(client_directory(client))
    assert client.get(f"{MEMBERS_URL}cymdeithas/", HTTP_HOST=NATIONAL_HOST).status_code == 404


def test_member_names_and_descriptions_are_escaped(client, network):
    member = Member.objects.create(
        name=SCRIPT,
        slug="markup",
        kind=OrganisationKind.CHARITY,
        description=f"{SCRIPT} <img src=x onerror=alert(2)>",
        website="https://example.org/?a=1&b=<2>",
        locale=Locale.get_default(),
    )
    for path in [MEMBERS_URL, f"{MEMBERS_URL}{member.slug}/", "/search/?q=alert"]:
        response = client.get(path, HTTP_HOST=NATIONAL_HOST)
        assert response.status_code == 200
        html = response.content.decode()
        assert SCRIPT not in html and "<img src=x" not in html
        assert ESCAPED_SCRIPT in html
    assert SCRIPT in member_names(client_directory(client))


def test_the_site_search_finds_members_on_the_national_site_only(client, network):
    national = client.get("/search/", {"q": "Nesta"}, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert f'href="{MEMBERS_URL}nesta/"' in national
    assert "Coalition members" in national
    coventry = client.get("/search/", {"q": "Nesta"}, HTTP_HOST=COVENTRY_HOST).content.decode()
    assert "Coalition members" not in coventry and f"{MEMBERS_URL}nesta/" not in coventry


# --- query budget ---------------------------------------------------------------------------

# Measured on a warm request (the site-root-path cache and the logos' renditions are cached by
# the request before, as in production). Of these, the site, locale, settings, page, navigation
# and footer cost the same on any page; the directory's own are the count and the page of members
# with their logos joined (the member page: the member with its logo). Changing these numbers is
# a decision: say why in the commit. The logos and their renditions come by prefetch (two
# queries) so that a cold rendition cache costs nothing more (see the cold-cache test below).
BUDGET = {"directory": 18, "kind filter": 18, "search": 18, "member page": 17}
PATHS = {
    "directory": MEMBERS_URL,
    "kind filter": f"{MEMBERS_URL}?kind=charity",
    "search": f"{MEMBERS_URL}?q=member",
    "member page": f"{MEMBERS_URL}budget-member-0000/",
}
SMALL, LARGE = 10, 1_000


def _queries(client, path: str) -> int:
    assert client.get(path, HTTP_HOST=NATIONAL_HOST).status_code == 200  # warm the caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_directory_renders_in_a_fixed_number_of_queries(client, network):
    english = Member.objects.filter(locale=Locale.get_default())  # the demo has Welsh ones too
    add_members(SMALL - english.count())
    assert english.count() == SMALL
    small = {name: _queries(client, path) for name, path in PATHS.items()}
    page = client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert len(member_names(page)) == SMALL
    assert page.count('class="member-card__logo"') == FOUNDERS + 1  # budget-member-0000

    add_members(LARGE - english.count())
    assert english.count() == LARGE
    large = {name: _queries(client, path) for name, path in PATHS.items()}
    page = client.get(MEMBERS_URL, HTTP_HOST=NATIONAL_HOST).content.decode()
    assert len(member_names(page)) == 24
    assert f"{LARGE} members" in page.replace(",", "")

    assert small == large, f"queries grow with members: {small} -> {large}"
    assert small == BUDGET


def _cold_queries(client, path: str) -> int:
    """As a visitor meets the page when the cache has been emptied (a deploy, an eviction)."""
    assert client.get(path, HTTP_HOST=NATIONAL_HOST).status_code == 200
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=NATIONAL_HOST)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_logos_renditions_are_fetched_together_not_one_by_one(client, network):
    """member_queryset() asks for prefetch_renditions; with a cold cache the page must not cost
    a query per logo (10 distinct logos on a 10-member page, 24 on a full page of 1,000)."""
    Image = get_image_model()
    logos = [
        Image.objects.create(title=f"Logo {index}", file=get_test_image_file(f"logo-{index}.png"))
        for index in range(24)
    ]
    logo_ids = [logo.pk for logo in logos]
    add_members(SMALL - Member.objects.count(), logo_ids=logo_ids, logo_every=1)
    small = _cold_queries(client, MEMBERS_URL)
    add_members(LARGE - Member.objects.count(), logo_ids=logo_ids, logo_every=1)
    large = _cold_queries(client, MEMBERS_URL)
    assert small == large, f"one query per logo: {small} -> {large}"
