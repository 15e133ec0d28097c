"""The project, run from outside: ``manage.py`` commands and short scripts under a given
environment (so with the server's own settings), and a PostgreSQL database made if missing."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any
from urllib.parse import unquote, urlparse

import psycopg2
from psycopg2 import sql

from bench.harness.processes import REPO_ROOT, HarnessError


def manage(env: dict[str, str], *args: str) -> str:
    """Run a manage.py command; its output. On failure, HarnessError with its output."""
    command = [sys.executable, "manage.py", *args]
    completed = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise HarnessError(
            f"{' '.join(command[1:])} failed (exit {completed.returncode}):\n"
            f"{completed.stdout}\n{completed.stderr}"
        )
    return completed.stdout


def django_script(env: dict[str, str], script: str, *args: str, what: str) -> Any:
    """Run script (``python -c``, with the environment env); its last line, read as JSON.

    On failure, HarnessError: "<what> failed", with the script's stderr.
    """
    completed = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise HarnessError(f"{what} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def ensure_postgres_database(url: str) -> str:
    """Create the PostgreSQL database named in url if it is missing. Says what it did."""
    parsed = urlparse(url)
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise HarnessError(f"DATABASE_URL {url!r} names no database.")
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            host=parsed.hostname or None,
            port=parsed.port or None,
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
        )
    except psycopg2.Error as exc:
        raise HarnessError(f"cannot reach PostgreSQL to create {name!r}: {exc}") from exc
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is not None:
                return f"using existing PostgreSQL database {name!r}"
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            return f"created PostgreSQL database {name!r}"
    finally:
        connection.close()
