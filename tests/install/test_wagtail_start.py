"""The apps inside someone else's Wagtail project, as the README's "Add to an existing Wagtail
project" says: our wheel built from the sources, a project made by `wagtail start`, the
README's own code blocks applied to it (so the README cannot drift from what works), `check`,
`makemigrations --check`, `migrate`, then host_script.py in the host's Python: a list and a
story made, the story page served, a resident subscribed and confirmed, an issue sent to them
(by Django's task framework: the host has no Celery), bad input and the rate limit answered.

The host's venv is a fresh one with our wheel installed into it; for speed (and to run with
only PyPI's wheels already installed here) it sees the dependencies of this checkout's
environment through a .pth file, never this checkout itself (asserted: `cms` is imported from
the wheel's copy)."""

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_COPIED = (".*", ".venv", "var", "build", "*.egg-info", "node_modules", "__pycache__")
NOT_COPIED += ("tests", "bench")
TIMEOUT = 300
HOST_CONTENT = """
from django.contrib.auth.models import User
from home.models import HomePage
User.objects.create_user("their-editor", "editor@example.org", "x")
HomePage.objects.get().add_child(instance=HomePage(title="About the charity", slug="about"))
"""


def readme_block(name: str) -> str:
    """The fenced code block after `<!-- install: NAME -->` in the README."""
    readme = (ROOT / "README.md").read_text()
    found = re.search(rf"<!-- install: {name} -->\n```\w*\n(.*?)```", readme, re.DOTALL)
    assert found, f"README has no code block marked <!-- install: {name} -->"
    return found[1]


def run(*command, cwd: Path, env: dict) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    return done.stdout


@pytest.fixture
def host_env() -> dict:
    """The environment of the host's commands: none of our settings or paths (pip's own
    configuration kept: where this machine finds packages)."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "EMAIL_", "PYTHON"))
    }


def build_wheel(tmp_path: Path, env: dict) -> Path:
    """The wheel built from a clean copy of the sources (setuptools' build/ keeps deleted
    files around, which would hide a file the wheel lacks)."""
    sources = tmp_path / "sources"
    shutil.copytree(ROOT, sources, ignore=shutil.ignore_patterns(*NOT_COPIED))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", sources,
        cwd=tmp_path, env=env)  # fmt: skip
    (wheel,) = (tmp_path / "dist").glob("*.whl")
    return wheel


def host_python(tmp_path: Path, wheel: Path, env: dict) -> Path:
    run(sys.executable, "-m", "venv", tmp_path / "venv", cwd=tmp_path, env=env)
    python = tmp_path / "venv" / "bin" / "python"
    purelib = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                  cwd=tmp_path, env=env).strip()  # fmt: skip
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(python, "-m", "pip", "install", "-q", "--no-deps", "--no-index", "--ignore-installed",
        wheel, cwd=tmp_path, env=env)  # fmt: skip
    where = run(python, "-c", "import cms, newsletter; print(cms.__file__, newsletter.__file__)",
                cwd=tmp_path, env=env)  # fmt: skip
    assert where.count(purelib) == 2, f"not the wheel's copy: {where}"
    return python


def apply_readme(project: Path) -> None:
    settings = project / "hostsite" / "settings" / "base.py"
    settings.write_text(settings.read_text() + "\n" + readme_block("settings"))
    urls = project / "hostsite" / "urls.py"
    urls.write_text(urls.read_text() + "\n" + readme_block("urls"))


def test_the_apps_install_into_a_wagtail_start_project(tmp_path, host_env):
    python = host_python(tmp_path, build_wheel(tmp_path, host_env), host_env)
    run(python, "-c", "from wagtail.bin.wagtail import main; main()", "start", "hostsite",
        cwd=tmp_path, env=host_env)  # fmt: skip
    project = tmp_path / "hostsite"
    manage = (python, "manage.py")
    # The charity's site before ours: its database, a user and a page of its own.
    run(*manage, "migrate", "--noinput", "-v", "0", cwd=project, env=host_env)
    run(*manage, "shell", "-c", HOST_CONTENT, cwd=project, env=host_env)

    apply_readme(project)

    run(*manage, "check", "--fail-level", "WARNING", cwd=project, env=host_env)
    # Our migrations are complete for the host's settings (its DEFAULT_AUTO_FIELD is AutoField).
    run(*manage, "makemigrations", "--check", "--dry-run", cwd=project, env=host_env)
    run(*manage, "migrate", "--noinput", "-v", "0", cwd=project, env=host_env)
    shutil.copy(Path(__file__).with_name("host_script.py"), project)
    output = run(python, "host_script.py", "hostsite", cwd=project, env=host_env)

    assert "ok /stories/adas-allotment/ 200" in output
    assert "ok confirmed resident@example.org" in output
    assert "ok issue sent to resident@example.org" in output
    assert "ok /subscriptions/subscribe/ 429" in output
