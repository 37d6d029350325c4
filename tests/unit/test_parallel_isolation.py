"""Each pytest-xdist worker (`make test` runs two) owns its database and upload folder."""
from __future__ import annotations

import os

from sqlalchemy import make_url

from tests.fixtures.database import worker_database_url


def test_a_worker_database_is_named_after_the_base_and_the_worker():
    base = "postgresql+psycopg://postgres@127.0.0.1:5432/test_tests"
    assert worker_database_url(base, None) == base
    assert worker_database_url(base, "gw1") == (
        "postgresql+psycopg://postgres@127.0.0.1:5432/test_tests_gw1")


def test_this_worker_uses_its_own_database_and_upload_folder(app):
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if not worker:
        return  # a serial run: one process, nothing to share
    assert worker in app.config["UPLOAD_DIR"]
    if url.get_backend_name() == "postgresql":
        assert url.database.endswith(f"_{worker}")
        assert os.environ["TEST_DATABASE_URL"] == app.config["SQLALCHEMY_DATABASE_URI"]
    else:
        assert worker in url.database
