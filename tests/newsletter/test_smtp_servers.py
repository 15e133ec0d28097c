"""Per-list SMTP servers: the password encrypted at rest and never shown back; the national
team's admin (Settings → SMTP servers: add, edit with a write-only password, test the
connection, delete only when unused), refused on every URL to chapter editors (Coventry's and
Leeds's, made by create_chapter); the list's server chosen on its settings by the national
team only (a chapter editor's forged field is ignored); and a list's mail going out through its
own server with its credentials while other lists keep the project's server (two aiosmtpd
servers; on the national site and on Leeds)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from django.urls import reverse

from bench.harness.processes import free_port
from newsletter import conf as newsletter_conf
from newsletter import tasks
from newsletter.models import Delivery, NewsletterList, SmtpServer, Subscription
from newsletter.pipeline.queueing import queue_send
from newsletter.pipeline.servers import connection_settings
from tests.factories import SmtpServerFactory
from tests.helpers import assert_no_leak, assert_refused, body, logged_in
from tests.newsletter.admin_support import _edit_url, _settings_of, add_issue_under
from tests.newsletter.servers_support import RecordingMailServer, project_mail_to
from tests.newsletter.support import add_subscribers, address, build_newsletter
from tests.shared_chapter import leeds_param

PASSWORD = "Zq-smtp-secret-4417"  # noqa: S105 - a test token that must never be shown
NEW_PASSWORD = "Zq-smtp-rotated-9902"  # noqa: S105


def url(name: str, *args) -> str:
    return reverse(f"newsletter_smtp_servers:{name}", args=args)


def server_post(**changes) -> dict:
    data = {
        "name": "Coventry's provider",
        "host": "smtp.provider.example",
        "port": "587",
        "security": "starttls",
        "username": "coventry",
        "new_password": "",
        "rate_per_second": "",
        "rate_per_minute": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def server(db) -> SmtpServer:
    return SmtpServerFactory(password=PASSWORD)


# --- the password at rest -----------------------------------------------------------------


def test_the_password_is_stored_encrypted_and_read_back(server):
    stored = SmtpServer.objects.values_list("password_encrypted", flat=True).get(pk=server.pk)
    assert PASSWORD not in stored and stored.startswith("gAAAA")  # a Fernet token
    assert SmtpServer.objects.get(pk=server.pk).password == PASSWORD


def test_a_rotated_secret_key_still_reads_it_from_the_fallbacks(server, settings):
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a new key " * 5, [old]
    assert SmtpServer.objects.get(pk=server.pk).password == PASSWORD


def test_an_unknown_secret_key_reads_no_password_and_says_so(server, settings, caplog):
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another key " * 5, []
    with caplog.at_level(logging.ERROR, logger="newsletter.models.servers"):
        assert SmtpServer.objects.get(pk=server.pk).password == ""
    assert "enter it again" in caplog.text


def test_connection_settings_are_the_lists_server_else_the_projects(server, network, settings):
    newsletter_list = NewsletterList.for_site(network.national_site)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "mail.project.example", 2500
    assert connection_settings(newsletter_list)["host"] == "mail.project.example"
    newsletter_list.smtp_server = server
    assert connection_settings(newsletter_list) == {
        "host": "127.0.0.1",
        "port": 2525,
        "username": server.username,
        "password": PASSWORD,
        "use_tls": False,
        "use_ssl": False,
        "timeout": settings.EMAIL_TIMEOUT or 30,
    }


# --- the national team's admin --------------------------------------------------------------


def test_the_national_team_finds_smtp_servers_in_settings(national_editor, coventry_editor):
    item = '"name": "smtp_servers"'  # the Settings menu's item, in the sidebar's JSON
    assert item in body(logged_in(national_editor).get(reverse("wagtailadmin_home")))
    assert item not in body(logged_in(coventry_editor).get(reverse("wagtailadmin_home")))


def test_adding_a_server_keeps_the_password_encrypted_and_never_shows_it(national_client):
    response = national_client.post(url("add"), server_post(new_password=PASSWORD))
    assert response.status_code == 302, body(response)[:2000]
    server = SmtpServer.objects.get(name="Coventry's provider")
    assert server.password == PASSWORD and PASSWORD not in server.password_encrypted
    for page in (url("index"), url("edit", server.pk), url("test", server.pk)):
        response = national_client.get(page)
        assert response.status_code == 200
        assert_no_leak(response, [PASSWORD, server.password_encrypted], page)
    edit = body(national_client.get(url("edit", server.pk)))
    assert 'name="new_password"' in edit and "Leave blank to keep the current password" in edit
    assert 'name="clear_password"' in edit


def test_a_blank_password_keeps_it_a_new_one_replaces_it_and_remove_clears_it(
    national_client, server
):
    edit = url("edit", server.pk)
    assert national_client.post(edit, server_post(name=server.name)).status_code == 302
    assert SmtpServer.objects.get(pk=server.pk).password == PASSWORD
    response = national_client.post(edit, server_post(new_password=NEW_PASSWORD))
    assert response.status_code == 302
    assert SmtpServer.objects.get(pk=server.pk).password == NEW_PASSWORD
    assert national_client.post(edit, server_post(clear_password="on")).status_code == 302
    assert not SmtpServer.objects.get(pk=server.pk).has_password


def test_a_new_password_and_remove_together_are_refused(national_client, server):
    response = national_client.post(
        url("edit", server.pk), server_post(new_password=NEW_PASSWORD, clear_password="on")
    )
    assert response.status_code in (200, 400)
    assert "not both" in body(response)
    assert_no_leak(response, [PASSWORD, NEW_PASSWORD], "the refused edit")
    assert SmtpServer.objects.get(pk=server.pk).password == PASSWORD


@pytest.mark.parametrize(
    "changes, error",
    [
        ({"port": "0"}, "greater than or equal to 1"),
        ({"port": "65536"}, "less than or equal to 65535"),
        ({"port": "twenty-five"}, "Enter a whole number"),
        ({"host": "smtp://smtp.provider.example"}, "without smtp://"),
        ({"host": "smtp.provider.example:587"}, "without smtp://"),
        ({"host": ""}, "This field is required"),
        ({"security": "carrier-pigeon"}, "Select a valid choice"),
        ({"rate_per_second": "0"}, "greater than or equal to 1"),
        ({"rate_per_minute": "-5"}, "greater than or equal to"),
        ({"name": "Two\r\nlines"}, "single line"),
        ({"new_password": "one\nline"}, "single line"),
    ],
)
def test_bad_input_is_a_form_error_never_a_500(national_client, changes, error):
    response = national_client.post(url("add"), server_post(**changes))
    assert response.status_code in (200, 400)
    assert error in body(response)
    assert not SmtpServer.objects.exists()


def test_testing_the_connection_logs_in_and_shows_the_answer(national_client, mail_servers):
    own, _default = mail_servers
    server = SmtpServerFactory(port=own.port, username="coventry-login", password=PASSWORD)
    page = url("test", server.pk)
    response = national_client.post(page)
    assert response.status_code == 200
    assert "Connected and logged in; the server answered: 250" in body(response)
    assert own.credentials == [("coventry-login", PASSWORD)]
    assert_no_leak(response, [PASSWORD], "the test's answer")

    own.fail_auth = True
    response = national_client.post(page)
    assert response.status_code == 200
    assert "The server refused the login: 535" in body(response)


def test_testing_an_unreachable_server_says_so_without_a_500(national_client):
    server = SmtpServerFactory(port=free_port(), password=PASSWORD)  # nothing listens there
    response = national_client.post(url("test", server.pk))
    assert response.status_code == 200
    assert "Could not talk to the server" in body(response)
    server = SmtpServerFactory(host="no-such-host.invalid", password=PASSWORD)
    response = national_client.post(url("test", server.pk))
    assert response.status_code == 200
    assert "Could not talk to the server" in body(response)


def test_a_server_a_list_sends_through_is_not_deleted(national_client, server, network):
    NewsletterList.objects.filter(site=network.coventry.site).update(smtp_server=server)
    response = national_client.post(url("delete", server.pk), follow=True)
    assert response.status_code == 200
    assert "still sends the mail of" in body(response)
    assert SmtpServer.objects.filter(pk=server.pk).exists()
    NewsletterList.objects.update(smtp_server=None)
    assert national_client.post(url("delete", server.pk)).status_code == 302
    assert not SmtpServer.objects.filter(pk=server.pk).exists()


# --- chapter editors: refused everywhere ------------------------------------------------------


@pytest.fixture(params=["coventry", leeds_param()])
def chapter_client(request):
    if request.param == "coventry":
        return request.getfixturevalue("coventry_client")
    return request.getfixturevalue("leeds_client")


def test_a_chapter_editor_is_refused_on_every_smtp_server_url(chapter_client, server):
    secrets = [server.name, server.username, PASSWORD]
    pages = [url("index"), url("add"), url("edit", server.pk), url("delete", server.pk)]
    pages += [url("test", server.pk)]
    for page in pages:
        assert_refused(chapter_client, chapter_client.get(page), secrets, f"GET {page}")
    for page in pages:
        response = chapter_client.post(page, server_post(new_password="Zq-forged"))
        assert_refused(chapter_client, response, secrets, f"POST {page}")
    server.refresh_from_db()
    assert server.password == PASSWORD and SmtpServer.objects.count() == 1


def _chapter_list_and_client(request, chapter: str):
    if chapter == "coventry":
        newsletter_list = NewsletterList.for_site(request.getfixturevalue("network").coventry.site)
        return newsletter_list, request.getfixturevalue("coventry_client")
    leeds = request.getfixturevalue("leeds")
    return NewsletterList.for_site(leeds.site), request.getfixturevalue("leeds_client")


@pytest.mark.parametrize("chapter", ["coventry", leeds_param()])
def test_a_chapter_editor_neither_sees_nor_sets_the_lists_server(request, chapter, server):
    newsletter_list, client = _chapter_list_and_client(request, chapter)
    edit = body(client.get(_edit_url(newsletter_list)))
    assert 'name="smtp_server"' not in edit and server.name not in edit
    forged = _settings_of(newsletter_list, name="Renamed", smtp_server=str(server.pk))
    assert client.post(_edit_url(newsletter_list), forged).status_code == 302
    newsletter_list.refresh_from_db()
    assert newsletter_list.name == "Renamed"  # the form was saved...
    assert newsletter_list.smtp_server_id is None  # ...without the forged field


@pytest.mark.parametrize("chapter", ["coventry", leeds_param()])
def test_a_chapter_editor_cannot_reach_the_server_choice(request, chapter, server):
    newsletter_list, client = _chapter_list_and_client(request, chapter)
    page = reverse("newsletter_admin:list_server", args=[newsletter_list.pk])
    assert_refused(client, client.get(page), [server.name], f"GET {page}")
    response = client.post(page, {"smtp_server": str(server.pk)})
    assert_refused(client, response, [server.name], f"POST {page}")
    newsletter_list.refresh_from_db()
    assert newsletter_list.smtp_server_id is None


@pytest.mark.parametrize("chapter", ["coventry", leeds_param()])
def test_the_national_team_chooses_a_chapter_lists_server(request, chapter, server):
    """Only the server: the chapter's own settings stay the chapter's (the national team
    still cannot open them)."""
    newsletter_list, _client = _chapter_list_and_client(request, chapter)
    client = logged_in(request.getfixturevalue("national_editor"))
    page = reverse("newsletter_admin:list_server", args=[newsletter_list.pk])
    overview = body(client.get(reverse("newsletter_admin:index")))
    assert page in overview and _edit_url(newsletter_list) not in overview
    response = client.get(page)
    assert response.status_code == 200
    assert 'name="smtp_server"' in body(response) and server.name in body(response)
    assert 'name="consent_wording"' not in body(response)
    assert_no_leak(response, [PASSWORD], "the server choice")

    response = client.post(page, {"smtp_server": str(server.pk), "name": "Zq-renamed"})
    assert response.status_code == 302
    newsletter_list.refresh_from_db()
    assert newsletter_list.smtp_server_id == server.pk and newsletter_list.name != "Zq-renamed"
    assert f"SMTP server: {server.name}" in body(client.get(reverse("newsletter_admin:index")))

    response = client.post(page, {"smtp_server": "999999"})
    assert response.status_code == 400 and "Select a valid choice" in body(response)
    response = client.post(page, {"smtp_server": "not-a-number"})
    assert response.status_code == 400
    assert client.post(page, {"smtp_server": ""}).status_code == 302
    newsletter_list.refresh_from_db()
    assert newsletter_list.smtp_server_id is None


def test_the_national_lists_settings_form_has_the_server_for_the_national_team(
    national_editor, network, server
):
    newsletter_list = NewsletterList.for_site(network.national_site)
    client = logged_in(national_editor)
    edit = body(client.get(_edit_url(newsletter_list)))
    assert 'name="smtp_server"' in edit and 'name="consent_wording"' in edit
    data = _settings_of(newsletter_list, smtp_server=str(server.pk))
    assert client.post(_edit_url(newsletter_list), data).status_code == 302
    newsletter_list.refresh_from_db()
    assert newsletter_list.smtp_server_id == server.pk
    version = newsletter_list.consent_version
    data = _settings_of(newsletter_list, smtp_server="")
    assert client.post(_edit_url(newsletter_list), data).status_code == 302
    newsletter_list.refresh_from_db()
    assert newsletter_list.smtp_server_id is None
    assert newsletter_list.consent_version == version  # the same wording: no new version


# --- a list's mail goes through its own server ------------------------------------------------


@pytest.fixture(scope="module")
def _two_servers() -> Iterator[tuple[RecordingMailServer, RecordingMailServer]]:
    own, default = RecordingMailServer(), RecordingMailServer()
    own.start()
    default.start()
    try:
        yield own, default
    finally:
        own.stop()
        default.stop()


@pytest.fixture
def mail_servers(_two_servers, settings) -> tuple[RecordingMailServer, RecordingMailServer]:
    """(the list's own server, the project's server), reset; the project's mail goes to the
    second."""
    own, default = _two_servers
    own.reset()
    default.reset()
    project_mail_to(settings, default)
    return own, default


@pytest.fixture(params=["national", leeds_param()])
def site(request, network):
    if request.param == "national":
        return network.national_site
    return request.getfixturevalue("leeds").site


def _send(newsletter_list, prefix: str) -> list[str]:
    """A new issue of the list sent (tasks in-process) to three new readers: the addresses of
    everyone it was sent to."""
    add_subscribers(newsletter_list, 3, prefix=prefix)
    issue = add_issue_under(
        newsletter_list.site.root_page, f"{prefix} news", f"{prefix}: walks", "Tea.", live=True
    )
    send = queue_send(issue).send
    tasks.start_send(send.pk)
    sent = Delivery.objects.filter(send=send, status=Delivery.Status.SENT)
    assert not Delivery.objects.filter(send=send).exclude(status=Delivery.Status.SENT).exists()
    return list(sent.values_list("email", flat=True))


def test_a_lists_mail_goes_through_its_own_server_with_its_login(site, mail_servers):
    own, default = mail_servers
    server = SmtpServerFactory(port=own.port, username="chapter-login", password=PASSWORD)
    newsletter_list = NewsletterList.for_site(site)
    newsletter_list.smtp_server = server
    newsletter_list.save()
    other = build_newsletter("other.example.test").newsletter_list

    own_recipients = _send(newsletter_list, "own")
    other_recipients = _send(other, "other")

    assert address("own", 0) in own_recipients and address("other", 0) in other_recipients
    assert sorted(own.received) == sorted(own_recipients)
    assert sorted(default.received) == sorted(other_recipients)
    # one batch: one login per connection it opened (NEWSLETTER_SMTP_CONNECTIONS lanes at most)
    assert set(own.credentials) == {("chapter-login", PASSWORD)}
    assert 1 <= len(own.credentials) <= newsletter_conf.smtp_connections()
    assert default.credentials == []  # the project's server here takes no login


def test_a_refused_login_on_the_lists_own_server_pauses_the_send_naming_that_server(
    site, mail_servers
):
    own, _default = mail_servers
    own.fail_auth = True
    newsletter_list = NewsletterList.for_site(site)
    newsletter_list.smtp_server = SmtpServerFactory(
        name="Chapter provider", port=own.port, username="chapter-login", password=PASSWORD
    )
    newsletter_list.save()
    add_subscribers(newsletter_list, 3, prefix="paused")
    issue = add_issue_under(site.root_page, "Paused news", "Paused: walks", "Tea.", live=True)
    send = queue_send(issue).send

    tasks.start_send(send.pk)

    send.refresh_from_db()
    assert send.status == send.Status.PAUSED
    assert "refused our login (535" in send.paused_reason
    assert "the SMTP server “Chapter provider” (Settings → SMTP servers)" in send.paused_reason
    assert "EMAIL_URL" not in send.paused_reason and PASSWORD not in send.paused_reason
    assert not own.received


def test_the_confirmation_and_test_copies_go_through_the_lists_server_too(site, mail_servers):
    own, default = mail_servers
    newsletter_list = NewsletterList.for_site(site)
    newsletter_list.smtp_server = SmtpServerFactory(port=own.port, password=PASSWORD)
    newsletter_list.save()
    (pending,) = add_subscribers(
        newsletter_list, 1, prefix="pending", status=Subscription.Status.PENDING
    )
    Subscription.objects.filter(pk=pending.pk).update(confirmation_sent_at=None)
    issue = add_issue_under(site.root_page, "Proof", "Proof: walks", "Tea.", live=True)

    assert tasks.send_confirmation(pending.pk)
    assert tasks.send_test(issue.pk, "editor@proof.example.test")

    assert own.count(address("pending", 0)) == 1
    assert own.count("editor@proof.example.test") == 1
    assert default.total() == 0
