"""Helpers shared by several test modules: reading admin responses, Wagtail's refusal, the fields
a browser would post, the hostile input the public forms must turn away, and the settings a fresh
process reads from a given environment."""

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

# --- the admin ------------------------------------------------------------------------------

DENIED = "Sorry, you do not have permission to access this area."


def admin_home() -> str:
    """Where Wagtail sends a user it refuses (and which then says DENIED)."""
    return reverse("wagtailadmin_home")


def logged_in(user) -> Client:
    """A client of its own, logged in as `user` (for tests that need two users at once)."""
    client = Client()
    client.force_login(user)
    return client


def body(response) -> str:
    """The response as a reader sees it: HTML entities decoded (so `don&#x27;t` is `don't`).
    A streamed response (an export) is read to its end."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return html.unescape(content.decode(errors="replace"))


def visible_text(markup: str) -> str:
    """The text of `markup` without its tags, scripts and styles, white space folded."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup))


def leaked(response, secrets) -> list[str]:
    """Those of `secrets` the response shows (each once)."""
    text = body(response)
    return [secret for secret in dict.fromkeys(secrets) if secret in text]


def assert_no_leak(response, secrets, where: str) -> None:
    """Fail, quoting where each one stands, if the response shows any of `secrets`."""
    found = leaked(response, secrets)
    if found:
        shown = visible_text(body(response))
        excerpts = []
        for secret in found:
            at = shown.find(secret)
            excerpts.append(shown[max(at - 100, 0) : at + len(secret) + 40] if at >= 0 else "")
        pytest.fail(f"{where} ({response.status_code}) shows {found}: {excerpts}")


def assert_refused(client, response, secrets, where: str) -> None:
    """Wagtail's refusal: 302 to the dashboard, which says DENIED; none of `secrets` in the
    response or on the dashboard. `client` follows the redirect."""
    assert_no_leak(response, secrets, where)
    assert response.status_code == 302, f"{where} was not refused ({response.status_code})"
    assert response["Location"] == admin_home(), f"{where} redirected to {response['Location']}"
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert DENIED in body(landing)
    assert_no_leak(landing, secrets, f"the page {where} redirected to")


def first_revision_pk(obj) -> int:
    """The id of the first revision of a test's subject (anything with `first_revision`)."""
    return obj.first_revision.pk


def latest_revision_pk(obj) -> int:
    """The id of the latest revision of a test's subject (anything with `latest_revision`)."""
    return obj.latest_revision.pk


class FormFields(HTMLParser):
    """The fields a browser would submit for each <form> of an admin page, and every <select>'s
    options (value, label, selected) with whether the select is disabled."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self.selects: dict[str, dict] = {}
        self._select = None
        self._option = None
        self._textarea = None
        self._text = ""

    def _add(self, name, value):
        if self.forms and name and "__prefix__" not in name and name != "csrfmiddlewaretoken":
            self.forms[-1].append((name, value))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"} or "disabled" in attrs:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self._add(attrs.get("name"), attrs.get("value") or ("on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = attrs
            self.selects[attrs.get("name")] = {
                "disabled": "disabled" in attrs,
                "multiple": "multiple" in attrs,
                "options": [],
            }
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value", ""), "", "selected" in attrs]
            self.selects[self._select.get("name")]["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = attrs.get("name")
            self._text = ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data
        elif self._option is not None:
            self._option[1] += data

    def handle_endtag(self, tag):
        if tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            select = self.selects[self._select.get("name")]
            options = select["options"]
            chosen = [value for value, _label, selected in options if selected]
            if not chosen and options and not select["multiple"]:
                chosen = [options[0][0]]
            if not select["disabled"]:
                for value in chosen:
                    self._add(self._select.get("name"), value)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea, self._text.removeprefix("\n"))
            self._textarea = None


def parse_form(response) -> FormFields:
    """The forms and selects of an admin page."""
    parser = FormFields()
    parser.feed(response.content.decode())
    return parser


def form_data(response) -> dict[str, list[str]]:
    """The biggest form on the page, as POST data (including inline formset management forms)."""
    fields = max(parse_form(response).forms, key=len)
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


# --- hostile input to the public forms ------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
INJECTION = "\r\nBcc: evil@example.com"
MEGABYTE = "x" * 1_000_000

# What a rejected form says.
GENERIC = "Sorry, we could not accept this form"
EXPIRED = "This form has expired, please submit it again"
REQUIRED = "This field is required."
NUL = "Null characters are not allowed."

STANDARD_HEADERS = {
    "Content-Type",
    "MIME-Version",
    "Content-Transfer-Encoding",
    "Subject",
    "From",
    "To",
    "Date",
    "Message-ID",
}


def with_overrides(defaults: dict, overrides: dict) -> dict:
    """The POST data of a form: `defaults` with `overrides` applied; a field overridden with
    None is left out, as if the browser had not sent it."""
    data = {**defaults, **overrides}
    return {key: value for key, value in data.items() if value is not None}


def error_summary(html_text: str) -> str:
    """The error summary of a form page that came back rejected, entities decoded."""
    match = re.search(r'<div class="error-summary".*?</div>', html_text, re.S)
    assert match, "the form comes back with its error summary"
    return html.unescape(match.group(0))


def assert_form_rejected(response, expected: str) -> None:
    """The form came back (200) with `expected` in its error summary, announced as an error,
    and without the raw SCRIPT."""
    assert response.status_code == 200
    page = response.content.decode()
    assert expected in error_summary(page)
    assert 'role="alert"' in page and "<title>Error:" in page
    assert SCRIPT not in page


def assert_no_nul(values) -> None:
    """No text among `values` holds a NUL byte (PostgreSQL refuses those in a text column)."""
    assert not any(isinstance(value, str) and "\x00" in value for value in values)


def assert_no_injected_headers(message) -> None:
    """Only the headers Django builds itself; nothing from the input."""
    assert message.bcc == [] and message.cc == [] and message.reply_to == []
    assert message.extra_headers == {}
    assert "evil@example.com" not in message.recipients()
    names = {name for name, _ in message.message().items()}
    assert names <= STANDARD_HEADERS, names - STANDARD_HEADERS
    raw_headers = message.message().as_string().split("\n\n", 1)[0]
    assert "evil@example.com" not in raw_headers and "Bcc" not in raw_headers
    assert "\n" not in message.subject and "\r" not in message.subject


def assert_plain_text(message) -> None:
    """A plain-text mail, with no HTML alternative."""
    assert message.content_subtype == "plain"
    assert getattr(message, "alternatives", []) == []


# --- settings, as a fresh process reads them from its environment ---------------------------

REPO = Path(__file__).resolve().parents[1]


def _settings_in_subprocess(env: dict, expression: str) -> str:
    """What `expression` prints in a new Python process that sets Django up with `env` (over
    this process's environment, less its CSP_* and DJANGO_SETTINGS_MODULE)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CSP_", "DJANGO_SETTINGS_MODULE"))
    }
    environment.update(env)
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()
