"""Sign-in lockout and password-reset throttling (cms/accounts), against a real server: gunicorn
with two workers under ``cms.settings.production``, its cache in Redis (so the limits must hold
across workers), its mail to an aiosmtpd server of the test's.

The server gets a database of its own, cloned from the migrated test database (PostgreSQL: a
``CREATE DATABASE ... TEMPLATE``; SQLite: the backup API), so it starts in seconds and the
suite's database never sees its writes. It is told one proxy stands in front
(``TRUSTED_PROXY_COUNT=1``): each test sends the X-Forwarded-For such a proxy would, from
client addresses of its own (random per run, since Redis keeps counters between runs). The
case without a proxy (a forged X-Forwarded-For must not change the address) is tested with
Django's test client at the end.
"""

from __future__ import annotations

import html
import ipaddress
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
import requests
from django.db import connection, connections
from django.urls import reverse

from bench.harness.appserver import Gunicorn
from bench.harness.mail import MailServer
from bench.harness.processes import RedisServer, free_port, log_tail
from cms.accounts.lockout import client_address
from tests.helpers import body

# Every test needs the test database to exist: the server's is a copy of it.
pytestmark = pytest.mark.django_db

REPO_ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/admin/login/"
RESET = "/admin/password_reset/"
PASSWORD = "correct horse battery staple 42"
FAILURE_LIMIT = 5
RESET_PER_ADDRESS = 3
RESET_PER_CLIENT = 5
LOCKED = "Too many failed sign-in attempts for this account from your connection"
UNLOCK_HINT = "or ask an administrator to unlock your account"
WRONG_PASSWORD = "Your username and password didn't match"
THROTTLED = "Too many password reset requests for this address or from your connection"
RESET_DONE = "/admin/password_reset/done/"


def random_ip() -> str:
    """An address in 10/8 no earlier run used (Redis keeps counters for the window)."""
    return str(ipaddress.IPv4Address(0x0A000000 + secrets.randbelow(0xFFFFFF)))


# --- the server -----------------------------------------------------------------------------


def clone_test_database(tmp: Path) -> tuple[str, str | None]:
    """A copy of the (migrated, demo-loaded) test database for the server; its URL, and the
    PostgreSQL database to drop afterwards."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        target = tmp / "server.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return f"sqlite:///{target}", None
    if connection.vendor != "postgresql":
        pytest.skip(f"no way to copy a {connection.vendor} database")
    source = settings["NAME"]
    clone = f"{source}_server"
    connections.close_all()  # a template database must have no other session
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:  # Django's connection to the "postgres" database
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(clone)}")
        cursor.execute(f"CREATE DATABASE {quote(clone)} TEMPLATE {quote(source)}")
    url = urlparse(os.environ["DATABASE_URL"])
    return url._replace(path=f"/{clone}").geturl(), clone


def drop_database(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


MAKE_EDITORS = """
import sys, django
django.setup()
from django.contrib.auth.models import Group, User
editors = Group.objects.get(name="Editors")  # Wagtail's own group: admin access
password, usernames = sys.argv[1], sys.argv[2:]
for name in usernames:
    user = User.objects.create_user(name, email=f"{name}@editors.example", password=password)
    user.groups.add(editors)
"""


@dataclass
class Server:
    port: int
    env: dict[str, str]
    mail: MailServer
    log: Path

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return run_manage(self.env, *args)


@pytest.fixture(scope="module")
def server(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("login-protection")
    with django_db_blocker.unblock():
        database_url, clone = clone_test_database(tmp)
    redis = None
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        redis = RedisServer(tmp)
        redis.start()
        redis_url = redis.url
    mail = MailServer()
    mail.start()
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost,127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": mail.url,
            "VAR_DIR": str(tmp / "var"),
            "STATIC_ROOT": str(tmp / "static"),
            "MEDIA_ROOT": str(tmp / "media"),
            # The test speaks plain HTTP and says, as the TLS proxy would, that it was HTTPS.
            "SECURE_SSL_REDIRECT": "0",
            "TRUSTED_PROXY_COUNT": "1",
            "LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
            "PASSWORD_RESET_LIMIT_PER_ADDRESS": str(RESET_PER_ADDRESS),
            "PASSWORD_RESET_LIMIT_PER_IP": str(RESET_PER_CLIENT),
            "WAGTAILADMIN_BASE_URL": f"https://localhost:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    log = tmp / "gunicorn.log"
    gunicorn = Gunicorn(env, port, log, workers=2, worker_class="sync")
    try:
        for args in (["collectstatic", "--noinput", "-v0"],):
            done = run_manage(env, *args)
            assert done.returncode == 0, done.stderr
        made = subprocess.run(
            [sys.executable, "-c", MAKE_EDITORS, PASSWORD, "ana", "ben", "cat", "dev", "eve"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert made.returncode == 0, made.stderr
        gunicorn.start()
        yield Server(port=port, env=env, mail=mail, log=log)
    finally:
        gunicorn.stop()
        mail.stop()
        if redis is not None:
            redis.stop()
        if clone:
            with django_db_blocker.unblock():
                drop_database(clone)


class Browser:
    """A browser behind the site's TLS proxy: its own cookies (the site's are Secure, which an
    HTTP client would otherwise keep to itself), the proxy's X-Forwarded-* headers."""

    def __init__(self, server: Server, ip: str):
        self.server = server
        self.ip = ip
        self.cookies: dict[str, str] = {}
        self.forwarded_for = ip

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.server.port}"

    def request(self, method: str, path: str, data: dict | None = None) -> requests.Response:
        headers = {
            "Host": f"localhost:{self.server.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.forwarded_for,
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            headers["Origin"] = self.origin
        response = requests.request(
            method,
            f"http://127.0.0.1:{self.server.port}{path}",
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        assert response.status_code < 500, (
            f"{method} {path}: {response.status_code}\n{log_tail(self.server.log)}"
        )
        return response

    def get(self, path: str) -> requests.Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict) -> requests.Response:
        """GET the form (for its CSRF token), then POST it, as a person would."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **data})

    def sign_in(self, username: str, password: str) -> requests.Response:
        return self.post_form(LOGIN, {"username": username, "password": password, "next": ""})

    def in_admin(self) -> bool:
        """Does the dashboard open for this browser?"""
        response = self.get("/admin/")
        return response.status_code == 200 and "Dashboard" in response.text


def text(response: requests.Response) -> str:
    return html.unescape(response.text)


def signed_in(response: requests.Response) -> bool:
    return response.status_code == 302 and response.headers["Location"] == "/admin/"


# --- sign-in lockout ------------------------------------------------------------------------


def test_wrong_passwords_lock_the_account_from_that_address_even_for_the_right_one(server):
    attacker = Browser(server, random_ip())
    answers = [attacker.sign_in("ana", f"guess-{n}") for n in range(25)]
    for n, answer in enumerate(answers[: FAILURE_LIMIT - 1], 1):
        assert answer.status_code == 200 and WRONG_PASSWORD in text(answer), n
    for n, answer in enumerate(answers[FAILURE_LIMIT - 1 :], FAILURE_LIMIT):
        assert answer.status_code == 429, n
        assert LOCKED in text(answer) and "Try again in 15 minutes" in text(answer), n
    right = attacker.sign_in("ana", PASSWORD)
    assert right.status_code == 429
    page = text(right)
    assert LOCKED in page and UNLOCK_HINT in page
    assert 'role="alert"' in right.text and "Sign in to Wagtail" in page  # the admin's own look
    assert right.headers["Retry-After"] == str(15 * 60)
    assert not attacker.in_admin()

    # A forged X-Forwarded-For: the proxy appends the real address, which is what counts.
    forger = Browser(server, attacker.ip)
    forger.forwarded_for = f"{random_ip()}, {attacker.ip}"
    assert forger.sign_in("ana", PASSWORD).status_code == 429
    assert not forger.in_admin()

    # Ana at her own address, and another editor at the attacker's, are not locked out.
    ana = Browser(server, random_ip())
    assert signed_in(ana.sign_in("ana", PASSWORD)) and ana.in_admin()
    ben = Browser(server, attacker.ip)
    assert signed_in(ben.sign_in("ben", PASSWORD)) and ben.in_admin()


def test_an_administrator_unlocks_with_axes_reset_username(server):
    locked = Browser(server, random_ip())
    for n in range(FAILURE_LIMIT):
        locked.sign_in("cat", f"guess-{n}")
    assert locked.sign_in("cat", PASSWORD).status_code == 429

    other = server.manage("axes_reset_username", "nobody-here")
    assert other.returncode == 0, other.stderr
    assert locked.sign_in("cat", PASSWORD).status_code == 429  # another name unlocks nothing

    reset = server.manage("axes_reset_username", "cat")
    assert reset.returncode == 0, reset.stderr
    answer = locked.sign_in("cat", PASSWORD)
    assert signed_in(answer) and locked.in_admin()


def test_a_successful_sign_in_clears_earlier_failures(server):
    browser = Browser(server, random_ip())
    for n in range(FAILURE_LIMIT - 1):
        assert WRONG_PASSWORD in text(browser.sign_in("dev", f"guess-{n}"))
    assert signed_in(browser.sign_in("dev", PASSWORD))
    again = Browser(server, browser.ip)
    for n in range(FAILURE_LIMIT - 1):
        assert WRONG_PASSWORD in text(again.sign_in("dev", f"guess-{n}"))
    assert signed_in(again.sign_in("dev", PASSWORD))


# --- password reset -------------------------------------------------------------------------


def reset_error(response: requests.Response) -> str:
    found = re.search(r'<li class="error">(.*?)</li>', text(response), re.S)
    return found.group(1).strip() if found else ""


def test_password_resets_are_throttled_per_address_and_say_nothing_about_accounts(server):
    known = "eve@editors.example"
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@editors.example"
    before = server.mail.count(known)
    browser = Browser(server, random_ip())
    for n in range(RESET_PER_ADDRESS):
        answer = browser.post_form(RESET, {"email": known})
        assert answer.status_code == 302 and answer.headers["Location"] == RESET_DONE, n
    assert server.mail.count(known) == before + RESET_PER_ADDRESS  # sent within the request
    assert "password_reset/confirm/" in server.mail.messages_to(known)[-1].get_body().get_content()

    throttled = [browser.post_form(RESET, {"email": known.upper()}) for _ in range(2)]
    for answer in throttled:
        assert answer.status_code == 429 and THROTTLED in text(answer)
        assert int(answer.headers["Retry-After"]) > 0
    assert server.mail.count(known) == before + RESET_PER_ADDRESS

    # From another address, the address's own limit still holds.
    elsewhere = Browser(server, random_ip())
    assert elsewhere.post_form(RESET, {"email": known}).status_code == 429
    assert server.mail.count(known) == before + RESET_PER_ADDRESS

    # An address with no account gets exactly the same answers.
    stranger = Browser(server, random_ip())
    answers = [stranger.post_form(RESET, {"email": unknown}) for _ in range(RESET_PER_ADDRESS + 1)]
    assert [a.status_code for a in answers] == [302] * RESET_PER_ADDRESS + [429]
    assert all(a.headers["Location"] == RESET_DONE for a in answers[:-1])
    assert reset_error(answers[-1]) == reset_error(throttled[0]) != ""
    assert server.mail.count(unknown) == 0


def test_password_resets_are_throttled_per_client(server):
    browser = Browser(server, random_ip())
    run = uuid.uuid4().hex[:8]
    for n in range(RESET_PER_CLIENT):
        answer = browser.post_form(RESET, {"email": f"someone-{run}-{n}@example.org"})
        assert answer.status_code == 302, n
    mails = server.mail.total()
    refused = browser.post_form(RESET, {"email": "ben@editors.example"})
    assert refused.status_code == 429 and THROTTLED in text(refused)
    assert server.mail.total() == mails and server.mail.count("ben@editors.example") == 0
    # Positive control: the same editor's reset from another client goes out.
    other = Browser(server, random_ip())
    assert other.post_form(RESET, {"email": "ben@editors.example"}).status_code == 302
    assert server.mail.count("ben@editors.example") == 1


# --- without a proxy (Django's test client) ---------------------------------------------------


def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_lock(
    client, coventry_editor, settings
):
    settings.TRUSTED_PROXY_COUNT = 0
    coventry_editor.set_password(PASSWORD)
    coventry_editor.save()
    login = reverse("wagtailadmin_login")
    for n in range(FAILURE_LIMIT):
        client.post(
            login,
            {"username": "coventry-editor", "password": f"guess-{n}"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        )
    refused = client.post(
        login,
        {"username": "coventry-editor", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert refused.status_code == 429 and LOCKED in body(refused)
    assert "_auth_user_id" not in client.session
    # Positive control: from another REMOTE_ADDR the right password works.
    answer = client.post(
        login, {"username": "coventry-editor", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert answer.status_code == 302 and client.session["_auth_user_id"] == str(coventry_editor.pk)


def test_the_address_axes_stores_is_always_an_ip_address_or_none(settings, rf):
    """axes keeps it in an IP address column: junk must not reach PostgreSQL as a 500."""
    settings.TRUSTED_PROXY_COUNT = 1
    forwarded = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(forwarded) == "203.0.113.5"
    junk = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="<script>, also-not-an-ip")
    assert client_address(junk) == "10.0.0.1"
    nothing = rf.get("/")
    nothing.META.pop("REMOTE_ADDR")
    assert client_address(nothing) is None
