"""Fixtures every test group shares: the app, a wiped database, clients and users.

Domain fixtures live in tests/fixtures/<domain>.py and are loaded automatically.
The database is SQLite in a temporary file, or PostgreSQL when TEST_DATABASE_URL is set
(.ci/run does both); tables are created once and wiped after every test.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text

from app import create_app
from app.extensions import db as _db

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


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
def app(tmp_path_factory):
    upload_dir = tmp_path_factory.mktemp("uploads")
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url(tmp_path_factory),
        UPLOAD_DIR=str(upload_dir),
    )
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
