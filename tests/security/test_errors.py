"""Friendly error pages: a heading a person understands, the emergency number, no traceback.

Covers 400, 403, 404, 405, 413, 429, 500, the expired-form (CSRF) page and the 503 page for a
database that stays busy.
"""
from __future__ import annotations

import sqlite3

import pytest
from flask import abort, request, session

from app import create_app
from app.core.database import use_case
from app.extensions import db as _db
from app.models.locations import Location
from app.web.access import public
from app.web.errors import TITLES
from tests.helpers import soup

PASSWORD = "my secret passphrase 2026"


def make_error_app(db_url: str, **overrides):
    """A testing app that reports errors as production does, with a few routes to break."""
    settings = {"TESTING": False, "PROPAGATE_EXCEPTIONS": False, **overrides}
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=db_url, **settings)

    @public
    def fail_with(code: int):
        abort(code)

    @public
    def crash():
        raise RuntimeError("a bug with a secret in its message")

    @public
    def form():
        return f"got {len(request.form)} fields"

    @use_case
    def add_location() -> None:
        _db.session.add(Location(name="Busy test place", kind="building"))

    @public
    def write():
        add_location()
        return "written"

    @public
    def remember():
        session["seen"] = True
        return "ok"

    app.add_url_rule("/_test/abort/<int:code>", "fail_with", fail_with)
    app.add_url_rule("/_test/crash", "crash", crash)
    app.add_url_rule("/_test/form", "form", form, methods=["GET", "POST"])
    app.add_url_rule("/_test/write", "write", write, methods=["POST"])
    app.add_url_rule("/_test/session", "remember", remember)
    return app


@pytest.fixture()
def error_app(app):
    made = make_error_app(app.config["SQLALCHEMY_DATABASE_URI"])
    yield made
    with made.app_context():
        _db.engine.dispose()


def assert_friendly(response, code: int, heading: str | None = None) -> None:
    assert response.status_code == code
    doc = soup(response)
    assert doc.h1.get_text(strip=True) == (heading or TITLES[code])
    text = doc.get_text(" ")
    assert "911" in text, "the emergency number is on every error page"
    assert doc.find("a", href="tel:911") is not None
    assert "Traceback" not in text and "werkzeug" not in text.lower()


@pytest.mark.parametrize("code", [400, 403, 404, 405, 413, 429, 500])
def test_each_error_page_is_friendly(error_app, code):
    assert_friendly(error_app.test_client().get(f"/_test/abort/{code}"), code)


def test_an_unknown_page_is_a_friendly_404(client):
    assert_friendly(client.get("/no/such/page"), 404)


def test_a_wrong_method_is_a_friendly_405(error_app):
    assert_friendly(error_app.test_client().post("/_test/abort/404"), 405)


def test_a_bug_is_a_friendly_500_without_details(error_app):
    response = error_app.test_client().get("/_test/crash")
    assert_friendly(response, 500)
    assert "secret" not in response.get_data(as_text=True)


def test_max_content_length_is_set(app):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 50 * 1024 * 1024


def test_a_too_large_post_gets_the_friendly_413(app):
    small = make_error_app(app.config["SQLALCHEMY_DATABASE_URI"], MAX_CONTENT_LENGTH=1024)
    response = small.test_client().post("/_test/form", data={"story": "x" * 5000})
    assert_friendly(response, 413)


def test_rate_limited_page_is_friendly_and_plain(error_app):
    response = error_app.test_client().get("/_test/abort/429")
    text = soup(response).get_text(" ")
    assert "too many attempts" in text.lower() and "wait" in text


class TestExpiredForm:
    @pytest.fixture()
    def csrf_app(self, app):
        made = make_error_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
        yield made
        with made.app_context():
            _db.engine.dispose()

    def post(self, csrf_app, token=None):
        data = {"name": "Ann <script>alert(1)</script>", "story": "Line one\nline two",
                "password": PASSWORD, "new_password": PASSWORD, "api_token": "tok-123456",
                "submission_key": "sub-abc", "rooms": ["A", "B"]}
        if token is not None:
            data["csrf_token"] = token
        return csrf_app.test_client().post("/_test/form", data=data)

    @pytest.mark.parametrize("token", [None, "", "expired.or.forged.token"])
    def test_the_page_says_so_and_keeps_what_they_wrote(self, csrf_app, token):
        response = self.post(csrf_app, token)
        assert_friendly(response, 400, heading="Your form has expired")
        body = response.get_data(as_text=True)
        doc = soup(response)
        assert "Ann <script>alert(1)</script>" in doc.get_text()
        assert "<script>alert(1)" not in body, "what they wrote is escaped"
        assert PASSWORD not in body and "tok-123456" not in body
        assert response.headers["Cache-Control"].startswith("no-store")

    def test_it_offers_to_submit_the_kept_form_again(self, csrf_app):
        doc = soup(self.post(csrf_app))
        form = doc.find("form", action="/_test/form")
        hidden = [(i["name"], i["value"]) for i in form.find_all("input", type="hidden")]
        names = [name for name, _ in hidden]
        assert "csrf_token" in names and ("submission_key", "sub-abc") in hidden
        assert ("rooms", "A") in hidden and ("rooms", "B") in hidden
        assert "password" not in names and "new_password" not in names
        shown = doc.find("dl").get_text()
        assert "Ann" in shown and "sub-abc" not in shown

    def test_the_resubmitted_form_is_accepted(self, csrf_app):
        client = csrf_app.test_client()
        doc = soup(client.post("/_test/form", data={"name": "Ann"}))
        form = doc.find("form", action="/_test/form")
        data = {i["name"]: i["value"] for i in form.find_all("input", type="hidden")}
        response = client.post("/_test/form", data=data)
        assert response.status_code == 200


def post_while_the_database_is_busy(tmp_path):
    """POST a write to an app whose SQLite file another connection holds locked.

    Returns (app, response); the caller disposes of the app's engine when done.
    """
    path = tmp_path / "busy.sqlite3"
    busy = make_error_app(f"sqlite:///{path}", SQLITE_BUSY_TIMEOUT_MS=50)
    with busy.app_context():
        _db.create_all()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        return busy, busy.test_client().post("/_test/write")
    finally:
        holder.rollback()
        holder.close()


def test_a_database_that_stays_busy_gives_the_friendly_503(tmp_path):
    busy, response = post_while_the_database_is_busy(tmp_path)
    assert_friendly(response, 503)
    assert response.headers["Retry-After"]
    with busy.app_context():
        assert _db.session.query(Location).count() == 0
        assert busy.test_client().post("/_test/write").status_code == 200
        _db.engine.dispose()
