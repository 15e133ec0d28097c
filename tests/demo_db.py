"""The test databases kept between runs (pytest's --reuse-db) and the demo network in them.

The fixtures in tests/conftest.py call these functions; this module holds no fixtures.

Three kinds of database, each named after the test database pytest-django would use:

- the *template* (``<test name>_template``): `migrate` run once into it, kept until the
  migrations or the installed packages change (or --create-db asks). Migrating costs 20-40 s;
  every other database is a copy of this one (PostgreSQL: ``CREATE DATABASE ... TEMPLATE``;
  SQLite: a file copy), made in about a second.
- the *demo template* (``<test name>_demo_template``): a copy of the template with the demo
  network built into it, once for all the processes of a run (building it costs 10-20 s), and
  kept while the template and the sources it was built from are current.
- the session's own database (``<test name>``, ``<test name>_gw0`` ... per xdist worker, and
  ``..._flush`` for a session that runs tests which commit and flush): a copy of the demo
  template when a collected test asks for the demo (`demo_network`), else of the template;
  reused by the next session while it is still a copy of the current one. A flushing session
  always starts from a new copy of the template: its tests never see the demo.

What a database holds is written in the database itself, in a table no model owns
(STATE_TABLE): a copy carries its template's record along, dropping a database drops its
record, and Django's flush (which empties model tables only) leaves it alone. Its rows:

- ``schema``: the fingerprint of what `migrate` built: every migration file of the project's
  apps, and the name and version of every installed distribution (third-party migrations);
- ``template``: the id of the template build (a copy whose id differs is copied again);
- ``run``: the test run that built the template, so the xdist workers of a --create-db run
  build it once between them (they take turns under a file lock in var/);
- ``demo``: "<fingerprint> <build id>" once the demo network is committed. The fingerprint
  covers every Python source of the project's packages (cms/, sites/, chapters/, newsletter/:
  the demo builders, the provisioning they call, the models' save() and signals), this module
  and the schema. The build id names the copy of the demo's media files kept under
  var/test-media/, in the folder of the database it was built in (the demo template's, or the
  session's own when a test asked for the demo that no collected test announced): MEDIA_ROOT
  is a new temporary folder each run, and the copy is put back into it.

The demo is built in one transaction that also writes its ``demo`` row, so a database never
holds half a demo: an interrupted build leaves no row, and the session's database is copied
from the template again. Every test runs in a transaction rolled back afterwards, so a reused
database holds the migrations' data and, once a test asked for it, the demo: nothing else.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, transaction
from django.test.utils import override_settings

from cms.demo.builders import build_demo

REPO = Path(__file__).resolve().parent.parent
STATE_TABLE = "pytest_test_database_state"
DEMO_PORT, DEMO_PASSWORD = 80, "demo"


# --- fingerprints ------------------------------------------------------------------------------


def _project_packages() -> list[Path]:
    """The top-level folders of the project's own apps (cms, sites, chapters, newsletter)."""
    roots = set()
    for app in apps.get_app_configs():
        path = Path(app.path).resolve()
        if path.is_relative_to(REPO):
            roots.add(REPO / path.relative_to(REPO).parts[0])
    return sorted(roots)


def _digest(paths, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(str(path.relative_to(REPO)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def _distributions() -> str:
    dists = importlib.metadata.distributions()
    return "\n".join(sorted({f"{dist.metadata['Name']}=={dist.version}" for dist in dists}))


def schema_fingerprint() -> str:
    migrations = [path for root in _project_packages() for path in root.rglob("migrations/*.py")]
    return _digest(migrations, _distributions())


def demo_fingerprint(schema: str) -> str:
    sources = [path for root in _project_packages() for path in root.rglob("*.py")]
    return _digest([*sources, Path(__file__).resolve()], schema)


# --- names -------------------------------------------------------------------------------------


def set_test_names(worker: str | None, flushing: bool) -> None:
    """Name each test database (pytest-django's scheme: ``_gw0`` per xdist worker) and its
    template; a session that flushes gets a database of its own."""
    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        name = test.get("NAME") or f"test_{database['NAME']}"
        test["TEMPLATE_NAME"] = f"{name}_template"
        test["DEMO_TEMPLATE_NAME"] = f"{name}_demo_template"
        test["NAME"] = name + (f"_{worker}" if worker else "") + ("_flush" if flushing else "")


# --- the record in a database ------------------------------------------------------------------


def _probe(connection, name: str):
    """A connection like `connection` to the database `name` (closed by the caller)."""
    return type(connection)({**connection.settings_dict, "NAME": name}, alias=connection.alias)


def _exists(connection, name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def read_record(connection, name: str | None = None) -> dict[str, str] | None:
    """The record of the database `name` (default: the one `connection` is on), or None when
    there is no such database or it holds no record."""
    if name is not None and not _exists(connection, name):
        return None
    probe = _probe(connection, name) if name is not None else connection
    try:
        with probe.cursor() as cursor:
            cursor.execute(f"SELECT name, value FROM {STATE_TABLE}")  # noqa: S608 - a constant
            return dict(cursor.fetchall())
    except DatabaseError:
        return None
    finally:
        if probe is not connection:
            probe.close()


def _write(connection, rows: dict[str, str | None]) -> None:
    with connection.cursor() as cursor:
        if STATE_TABLE not in connection.introspection.table_names(cursor):
            cursor.execute(
                f"CREATE TABLE {STATE_TABLE} (name varchar(20) PRIMARY KEY, value text NOT NULL)"
            )
        for name, value in rows.items():
            cursor.execute(f"DELETE FROM {STATE_TABLE} WHERE name = %s", [name])  # noqa: S608
            if value is not None:
                cursor.execute(
                    f"INSERT INTO {STATE_TABLE} (name, value) VALUES (%s, %s)",  # noqa: S608
                    [name, value],
                )


# --- the demo's media files --------------------------------------------------------------------


def _media_copy(connection, database: str, build_id: str) -> Path:
    folder = f"{connection.vendor}-{Path(database).name}"
    return Path(settings.VAR_DIR) / "test-media" / folder / build_id


def _kept_media(connection, record: dict) -> Path | None:
    """The kept copy of the media files of the demo `record` names: built in the demo template
    or in the session's own database."""
    build_id = record.get("demo", "").partition(" ")[2]
    test = connection.settings_dict["TEST"]
    for database in (test.get("DEMO_TEMPLATE_NAME"), test["NAME"]):
        if database and build_id and (kept := _media_copy(connection, database, build_id)).is_dir():
            return kept
    return None


def _demo_is_current(connection, record: dict) -> bool:
    fingerprint = record.get("demo", "").partition(" ")[0]
    return fingerprint == demo_fingerprint(record["schema"]) and (
        _kept_media(connection, record) is not None
    )


# --- before pytest-django's setup --------------------------------------------------------------


@contextmanager
def _lock(template: str):
    """One process at a time builds or copies the template (xdist workers start together)."""
    path = Path(settings.VAR_DIR) / f"{Path(template).name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def prepare(connection, *, create: bool, fresh: bool, run: str, demo: bool) -> None:
    """Make the template current (and the demo template, for a session that wants the `demo`)
    and this session's database a reusable copy of it. `create`: build the template again
    (once per run); `fresh`: copy the template again regardless, never the demo template."""
    test = connection.settings_dict["TEST"]
    template, own = test["TEMPLATE_NAME"], test["NAME"]
    schema = schema_fingerprint()
    with _lock(template):
        record = read_record(connection, template)
        if (
            record is None
            or record.get("schema") != schema
            or (create and record.get("run") != run)
        ):
            _build_template(connection, template, schema, run)
            record = read_record(connection, template)
        source = template
        if demo and not fresh:
            source = test["DEMO_TEMPLATE_NAME"]
            record = _current_demo_template(connection, source, template, record)
        mine = read_record(connection, own)
        if (
            fresh
            or mine is None
            or mine.get("template") != record["template"]
            or (demo and mine.get("demo") != record["demo"])
            or ("demo" in mine and not _demo_is_current(connection, mine))
        ):
            _copy(connection, source, own)


@contextmanager
def _on_database(connection, name: str):
    """`connection` on the database `name` (the test database Django would make, too), then
    on its own database again: how the templates are built by Django's own code."""
    settings_dict = connection.settings_dict
    real = settings_dict["NAME"], settings_dict["TEST"]["NAME"]
    connection.close()
    settings_dict["NAME"] = settings_dict["TEST"]["NAME"] = name
    try:
        yield connection
    finally:
        connection.close()
        settings_dict["NAME"], settings_dict["TEST"]["NAME"] = real


def _build_template(connection, template: str, schema: str, run: str) -> None:
    """`migrate` into a new database named `template`, the way Django makes a test database,
    with its record."""
    with _on_database(connection, template):
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        _write(connection, {"schema": schema, "template": uuid.uuid4().hex, "run": run})


def _current_demo_template(connection, name: str, template: str, record: dict) -> dict:
    """The record of the demo template `name`, built again from `template` (whose record is
    `record`) unless it is a copy of it holding a current demo."""
    mine = read_record(connection, name)
    if mine and mine.get("template") == record["template"] and _demo_is_current(connection, mine):
        return mine
    _copy(connection, template, name)
    with _on_database(connection, name):
        _build_demo(connection, record["schema"])
    return read_record(connection, name)


def _copy(connection, template: str, own: str) -> None:
    if connection.vendor == "sqlite":
        for leftover in (own, f"{own}-journal", f"{own}-wal", f"{own}-shm"):
            Path(leftover).unlink(missing_ok=True)
        shutil.copyfile(template, own)
        return
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(own)}")
        cursor.execute(f"CREATE DATABASE {quote(own)} TEMPLATE {quote(template)}")


# --- after pytest-django's setup ---------------------------------------------------------------


@dataclass
class Database:
    """The session's test database, as the fixtures see it."""

    connection: object
    built: bool = False  # the demo is in the database and its media in MEDIA_ROOT


def after_setup(connection) -> Database:
    """The session's database once set up (`connection` on it): a current demo gets its media
    files back into MEDIA_ROOT."""
    record = read_record(connection) or {}
    database = Database(connection)
    if "demo" in record and "schema" in record:
        kept = _kept_media(connection, record)
        if kept is not None:
            shutil.copytree(kept, settings.MEDIA_ROOT, dirs_exist_ok=True)
            database.built = True
    return database


def build_demo_once(database: Database) -> None:
    """Build the demo network into the session's database unless it holds it (a copy of the
    demo template does: this is for a session whose collected tests did not announce it)."""
    connection = database.connection
    if database.built:
        return
    if connection.in_atomic_block:
        raise RuntimeError(
            "the demo network was asked for inside a test's transaction: request the "
            "demo_network fixture (or one that depends on it) as an argument of the test"
        )
    record = read_record(connection) or {}
    if "demo" in record:
        raise RuntimeError(
            f"{connection.settings_dict['NAME']} holds a demo whose media files are gone: "
            "run the tests once with --create-db"
        )
    kept = _build_demo(connection, record.get("schema", schema_fingerprint()))
    shutil.copytree(kept, settings.MEDIA_ROOT, dirs_exist_ok=True)
    database.built = True


def _build_demo(connection, schema: str) -> Path:
    """Build the demo network into the database `connection` is on and commit it with its
    record; its media files go to a folder of that database's under var/test-media/ (an
    earlier build's are removed), which is returned."""
    build_id = uuid.uuid4().hex
    kept = _media_copy(connection, connection.settings_dict["NAME"], build_id)
    shutil.rmtree(kept.parent, ignore_errors=True)  # an earlier build's files
    with transaction.atomic(using=connection.alias):
        with override_settings(MEDIA_ROOT=str(kept)):
            build_demo(port=DEMO_PORT, password=DEMO_PASSWORD)
        _write(connection, {"demo": f"{demo_fingerprint(schema)} {build_id}"})
    return kept
