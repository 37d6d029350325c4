"""Fixtures every test group shares: the app, a wiped database, clients and users.

Domain fixtures live in tests/fixtures/<domain>.py and are loaded automatically; the
database itself (SQLite, or PostgreSQL from TEST_DATABASE_URL) in tests/fixtures/database.py.
Tables are created once and wiped after every test. Shared helpers (reading a page, signing
in) are in tests/helpers.py; `client_request` (tests/fixtures/client_request.py) requests a
page as a role and checks its status. `make test` runs the suite on two pytest-xdist
workers: each has its own database, upload folder and browser.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db as _db
from app.services.wakeup import hub

pytest_plugins = sorted(
    f"tests.fixtures.{path.stem}"
    for path in (Path(__file__).parent / "fixtures").glob("*.py")
    if path.stem != "__init__"
)


def pytest_configure(config) -> None:
    """Compile the translation catalogues when a .po is newer than its .mo, as `make test`
    does, so that running pytest by hand shows the Spanish pages too."""
    from tests.i18n import compile_catalogues

    compile_catalogues()


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
    hub.stop()  # the live wake-up thread ends before its database goes away
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@pytest.fixture()
def client(app, db):
    return app.test_client()
