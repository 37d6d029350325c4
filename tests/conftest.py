"""Fixtures every test group shares: the app, a wiped database, clients and users.

Domain fixtures live in tests/fixtures/<domain>.py and are loaded automatically.
The database is SQLite in a temporary file, or PostgreSQL when TEST_DATABASE_URL is set
(.ci/run does both); tables are created once and wiped after every test. `make test` runs
the suite on two pytest-xdist workers: each has its own database, upload folder and browser.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from app import create_app
from app.extensions import db as _db

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)


def worker_database_url(base: str, worker: str | None) -> str:
    """The database one pytest-xdist worker owns: `<name>_<worker>` on base's server."""
    if not worker:
        return base
    url = make_url(base)
    return url.set(database=f"{url.database}_{worker}").render_as_string(hide_password=False)


def _recreate_database(base: str, url: str, drop_only: bool = False) -> None:
    """(Re)create the database of `url` on the server of `base` (through its `postgres`)."""
    name = make_url(url).database
    maintenance = make_url(base).set(database="postgres")
    server = create_engine(maintenance, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            if not drop_only:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        pytest.fail(f"TEST_DATABASE_URL is set but PostgreSQL is unreachable: {error}",
                    pytrace=False)
    finally:
        server.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """SQLite in this worker's temporary folder, or PostgreSQL from TEST_DATABASE_URL.

    Under pytest-xdist each worker gets its own PostgreSQL database (created here, dropped at
    the end), and TEST_DATABASE_URL is pointed at it for tests that read it themselves.
    """
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not worker or not base.startswith("postgresql"):
        yield base
        return
    url = worker_database_url(base, worker)
    _recreate_database(base, url)
    os.environ["TEST_DATABASE_URL"] = url
    try:
        yield url
    finally:
        os.environ["TEST_DATABASE_URL"] = base
        _recreate_database(base, url, drop_only=True)


class PortalClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    Without this, requests would share the test's app context: its `g` (Flask-Login caches the
    user there) and its database session. The test's own session is committed before the
    request, so the request sees what the test set up, and after it, so the test then reads
    what the request wrote.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        if has_app_context():
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            _db.session.commit()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_url):
    upload_dir = tmp_path_factory.mktemp("uploads")  # per xdist worker, like the database
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_DIR=str(upload_dir))
    app.test_client_class = PortalClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


def wipe(db) -> None:
    """Empty every table, children first, so each test starts from nothing."""
    db.session.rollback()
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())


@pytest.fixture()
def db(app):
    with app.app_context():
        yield _db
        _db.session.remove()
        wipe(_db)


@pytest.fixture()
def client(app, db):
    return app.test_client()
