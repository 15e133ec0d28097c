"""The docker-compose stack: valid against the compose spec, and wired the way the design says.

No Docker engine is needed: the file is validated with check-jsonschema's vendored compose-spec
schema and its structure is read with ruamel.yaml (a dependency of check-jsonschema).
"""

import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
APP_SERVICES_AFTER_MIGRATE = ("web", "worker", "beat")


def validate(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.compose-spec", str(path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def output_of(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"


@pytest.fixture(scope="module")
def compose() -> dict:
    return YAML(typ="safe").load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def test_compose_file_is_valid_against_the_compose_spec():
    result = validate(COMPOSE_FILE)
    assert result.returncode == 0, output_of(result)


def test_validator_rejects_an_invalid_compose_file(tmp_path):
    """Proves the check above can fail: the same file plus an unknown top-level key."""
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(COMPOSE_FILE.read_text() + "\nservicez:\n  web:\n    image: busybox\n")
    result = validate(broken)
    assert result.returncode != 0, output_of(result)
    assert "servicez" in output_of(result)


def test_validator_rejects_ports_that_are_not_a_list(tmp_path, compose):
    broken_compose = dict(compose)
    broken_compose["services"] = dict(compose["services"])
    broken_compose["services"]["mailpit"] = {"image": "axllent/mailpit", "ports": "not-a-list"}
    broken = tmp_path / "docker-compose.yml"
    with broken.open("w") as stream:
        YAML(typ="safe").dump(broken_compose, stream)
    result = validate(broken)
    assert result.returncode != 0, output_of(result)
    assert "services.mailpit.ports" in output_of(result)


def test_compose_has_no_obsolete_version_key(compose):
    assert "version" not in compose


def test_service_set_is_exactly_the_designed_stack(services):
    expected = {"postgres", "redis", "migrate", "web", "varnish", "worker", "beat", "mailpit"}
    assert set(services) == expected


def test_postgres_and_redis_have_healthchecks(services):
    assert services["postgres"]["healthcheck"]["test"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]


def test_migrate_is_a_one_off_after_postgres_is_healthy(services):
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert migrate["restart"] == "no"


@pytest.mark.parametrize("name", APP_SERVICES_AFTER_MIGRATE)
def test_app_services_wait_for_migrate_and_redis(services, name):
    depends_on = services[name]["depends_on"]
    assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert depends_on["redis"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", ("migrate", *APP_SERVICES_AFTER_MIGRATE))
def test_app_services_share_image_and_environment(services, name):
    service = services[name]
    assert service["build"] == "."
    environment = service["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "cms.settings.production"
    assert environment["DATABASE_URL"] == "postgres://cms:cms@postgres:5432/cms"
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["EMAIL_URL"] == "smtp://mailpit:1025"
    assert environment["MEDIA_ROOT"] == "/app/var/media"
    assert "media:/app/var/media" in service["volumes"]


def test_worker_listens_on_the_default_queue(services):
    """Wagtail 8's own background tasks use the queue "default": the worker must consume it."""
    command = services["worker"]["command"]
    assert command[:4] == ["celery", "-A", "cms", "worker"]
    queue_flag = command.index("-Q")
    assert "default" in command[queue_flag + 1].split(",")


def test_beat_runs_the_scheduler(services):
    assert services["beat"]["command"][:4] == ["celery", "-A", "cms", "beat"]


def test_web_is_health_checked_without_curl_and_reached_through_varnish(services):
    web = services["web"]
    assert "ports" not in web and "8000" in web["expose"]
    check = " ".join(web["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in check
    assert "urllib" in check
    assert "curl" not in check


def test_varnish_runs_the_repositorys_vcl_in_front_of_web_and_is_purged_by_the_app(services):
    varnish = services["varnish"]
    assert "8000:80" in varnish["ports"]
    assert "./deploy/varnish/default.vcl:/etc/varnish/default.vcl:ro" in varnish["volumes"]
    assert varnish["depends_on"]["web"]["condition"] == "service_healthy"
    vcl = (REPO_ROOT / "deploy" / "varnish" / "default.vcl").read_text()
    assert '.host = "web";' in vcl and '.port = "8000";' in vcl
    environment = services["web"]["environment"]
    assert environment["FRONTEND_CACHE"] == "varnish"
    assert environment["FRONTEND_CACHE_URL"] == "http://varnish:80"
    assert environment["TRUSTED_PROXY_COUNT"] == "1"  # the client is the address Varnish saw


def test_mailpit_exposes_ui_and_smtp(services):
    assert set(services["mailpit"]["ports"]) == {"8025:8025", "1025:1025"}
