"""Alembic owns the schema: the migrations build exactly the tables the models describe.

Each database starts empty, `flask db upgrade` runs in a subprocess exactly as `make run`
and production run it (so Alembic's logging set-up cannot disturb this test process), then
alembic's autogenerate comparison between the migrated database and the models must find
nothing. On PostgreSQL (when TEST_DATABASE_URL points at one) a throwaway database
`test_migr_<random>` is created beside it and dropped afterwards.
"""
from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

import app.models  # noqa: F401  (every table registered on the metadata)
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "migrations" / "versions"


def flask_db(url: str, *args: str) -> None:
    """Run `flask db <args>` against `url` the way an operator would."""
    env = {**os.environ, "FLASK_APP": "wsgi:app", "PORTAL_ENV": "development",
           "DATABASE_URL": url}
    env.pop("TEST_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "flask", "db", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, f"flask db {' '.join(args)} failed:\n{result.stderr[-3000:]}"


def schema_differences(url: str) -> list:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture()
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"


@pytest.fixture()
def postgres_url():
    """A fresh, empty PostgreSQL database on TEST_DATABASE_URL's server, dropped afterwards."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        pytest.skip("PostgreSQL migration check skipped: TEST_DATABASE_URL is not a "
                    "PostgreSQL URL (.ci/run sets it)")
    name = f"test_migr_{secrets.token_hex(4)}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request):
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return request.getfixturevalue(fixture)


def test_there_is_a_migration():
    assert list(VERSIONS.glob("*.py")), (
        "migrations/versions holds no migration: run `make migration MESSAGE=...`"
    )


def test_upgrade_builds_exactly_the_models_schema(empty_database):
    flask_db(empty_database, "upgrade")
    differences = schema_differences(empty_database)
    assert differences == [], (
        "The migrated schema differs from the models; write a migration "
        "(`make migration MESSAGE=...`):\n" + "\n".join(map(repr, differences))
    )


def test_downgrade_to_base_removes_every_table(empty_database):
    flask_db(empty_database, "upgrade")
    flask_db(empty_database, "downgrade", "base")
    assert table_names(empty_database) <= {"alembic_version"}


def test_existing_places_survive_as_buildings_and_landmarks_under_a_campus(empty_database):
    """Places made before the location tree keep their ids and names, under one campus."""
    flask_db(empty_database, "upgrade", "l1live0001ev")
    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO location (id, name, kind, active) VALUES "
                "(7, 'Research Tower', 'building', true), (8, 'Fountain', 'landmark', true)"))
        flask_db(empty_database, "upgrade")
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT l.id, l.name, l.kind, p.name, p.kind FROM location l "
                "LEFT JOIN location p ON p.id = l.parent_id ORDER BY l.name")).all()
    finally:
        engine.dispose()
    assert [tuple(r)[1:] for r in rows] == [
        ("Fountain", "landmark", "Main campus", "campus"),
        ("Main campus", "campus", None, None),
        ("Research Tower", "building", "Main campus", "campus"),
    ]
    assert {r[0] for r in rows} >= {7, 8}


def test_the_migrated_database_moves_the_audit_heads_and_notifies(empty_database):
    """Triggers are not part of autogenerate's comparison: the migrations' own are checked
    here (app.models.audit.head_follows, and app.models.notify on PostgreSQL)."""
    flask_db(empty_database, "upgrade")
    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:
            for events, head in (("audit_event", "audit_chain_head"),
                                 ("advocate_audit_event", "advocate_audit_head")):
                connection.execute(text(f"DELETE FROM {head}"))  # genesis may be there
                connection.execute(text(
                    f"INSERT INTO {head} (id, last_seq, last_hash) VALUES (1, 0, :h)"),
                    {"h": "0" * 64})
                connection.execute(text(
                    f"INSERT INTO {events} (seq, occurred_at, actor_label, action, "
                    "object_type, object_id, detail, prev_hash, hash, key_id) VALUES "
                    "(1, CURRENT_TIMESTAMP, '', 'a', '', '', '', :p, :h, '1')"),
                    {"p": "0" * 64, "h": "a" * 64})
                assert connection.execute(text(
                    f"SELECT last_seq, last_hash FROM {head}")).one() == (1, "a" * 64)
            if engine.dialect.name == "postgresql":
                triggers = set(connection.scalars(text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")))
                assert {"ticket_event_notify", "officer_status_event_notify"} <= triggers
    finally:
        engine.dispose()
