"""Settings come from the environment with typed defaults; production refuses to start half-set."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cms.settings.env import email_settings_from_url, env_bool, env_list

REPO = Path(__file__).resolve().parents[2]


def _run(code_or_args, **env):
    """Run manage.py (args list) or a Python snippet (str) with only the given environment."""
    base = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    base.update(env)
    command = (
        [sys.executable, "manage.py", *code_or_args]
        if isinstance(code_or_args, list)
        else [sys.executable, "-c", code_or_args]
    )
    return subprocess.run(command, cwd=REPO, env=base, capture_output=True, text=True)


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "connection.example.org,.connection.example.org",
    "DATABASE_URL": "postgres://cms:cms@db.internal:5432/cms",
}


def test_production_settings_pass_check_deploy():
    result = _run(["check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _run(["check"], **env)
    assert result.returncode != 0
    assert f"The environment variable {missing} must be set" in result.stderr


def test_load_demo_is_refused_under_production_settings():
    result = _run(["load_demo"], **PRODUCTION)
    assert result.returncode != 0
    assert "Refusing to load demo content" in result.stderr


SHOW = (
    "import django, os; django.setup(); from django.conf import settings as s; "
    "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, "
    "s.EMAIL_BACKEND, s.CACHES['default']['BACKEND'])"
)


def test_embedded_default_needs_no_services(tmp_path):
    var = tmp_path / "var"  # not there yet: the settings make the SQLite file's folder
    result = _run(SHOW, DJANGO_SETTINGS_MODULE="cms.settings.dev", VAR_DIR=str(var))
    assert result.returncode == 0, result.stderr
    engine, eager, broker, email, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert eager == "True" and broker == "memory://"
    assert email == "django.core.mail.backends.filebased.EmailBackend"
    assert cache.endswith("LocMemCache")
    assert var.is_dir()


def test_services_are_used_when_their_urls_are_set(tmp_path):
    result = _run(
        SHOW,
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://u:p@db:5432/cms",
        REDIS_URL="redis://cache:6379/0",
        EMAIL_URL="smtp://mail:1025",
    )
    assert result.returncode == 0, result.stderr
    engine, eager, broker, email, cache = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert eager == "False" and broker == "redis://cache:6379/0"
    assert email == "django.core.mail.backends.smtp.EmailBackend"
    assert cache.endswith("RedisCache")


def test_email_url_is_parsed_into_smtp_settings():
    parsed = email_settings_from_url("smtp://user%40example.org:p%3Ass@mail.example.org:587?tls=1")
    assert parsed["EMAIL_HOST"] == "mail.example.org"
    assert parsed["EMAIL_PORT"] == 587
    assert parsed["EMAIL_HOST_USER"] == "user@example.org"
    assert parsed["EMAIL_HOST_PASSWORD"] == "p:ss"
    assert parsed["EMAIL_USE_TLS"] is True and parsed["EMAIL_USE_SSL"] is False
    implicit = email_settings_from_url("smtps://mail.example.org")
    assert implicit["EMAIL_PORT"] == 465 and implicit["EMAIL_USE_SSL"] is True


@pytest.mark.parametrize("url", ["http://mail.example.org", "mail.example.org:25"])
def test_email_url_with_another_scheme_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL must start with smtp"):
        email_settings_from_url(url)


def test_typed_readers(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("FLAG")
    monkeypatch.setenv("HOSTS", " a.example , b.example ,")
    assert env_list("HOSTS") == ["a.example", "b.example"]
