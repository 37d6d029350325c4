"""Hostile input on every accounts form, CSRF, the `next` parameter and rate limits."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.blueprints.auth.safety import safe_next
from app.models.accounts import User
from app.models.audit import AuditEvent
from app.models.outbox import OutboxMessage
from tests.fixtures.accounts import TEST_PASSWORD
from tests.fixtures.auth import STRONG_PASSWORD, csrf_from, error_text
from tests.helpers import sign_in, soup

HOSTILE = {
    "empty": "",
    "spaces": "   ",
    "over-long": "a" * 5000,
    "control": "abc\x00def\x07",
    "newline": "line one\r\nline two",
    "script": "<script>alert(1)</script>",
    "sql": "'; DROP TABLE \"user\"; --",
    "rtl override": "evil\u202egnp.exe",
    "zero width": "ab\u200bcd@example.org",
}


def counts(db) -> tuple[int, int]:
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(OutboxMessage.id))))


def valid_registration() -> dict:
    return {"name": "Jo Smith", "email": "jo@example.org", "affiliation": "patient",
            "password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD}


def assert_refused(response, *fields):
    assert response.status_code in (200, 400), response.status_code
    assert error_text(response), "expected an error summary"
    doc = soup(response)
    for name in fields:
        assert doc.select_one(f"#{name}-error"), f"no error shown for {name}"


# --- registration ----------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["empty", "spaces", "over-long", "control", "newline", "sql",
                                  "script", "rtl override", "zero width"])
def test_register_email_refuses_hostile_values(client, db, kind):
    response = client.post("/register", data={**valid_registration(), "email": HOSTILE[kind]})
    assert_refused(response, "email")
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("kind", ["empty", "spaces", "over-long", "control", "newline",
                                  "rtl override"])
def test_register_name_refuses_hostile_values(client, db, kind):
    response = client.post("/register", data={**valid_registration(), "name": HOSTILE[kind]})
    assert_refused(response, "name")
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("kind", ["empty", "over-long", "control", "newline", "spaces"])
def test_register_password_refuses_hostile_values(client, db, kind):
    value = HOSTILE[kind]
    data = {**valid_registration(), "password": value, "confirm_password": value}
    assert_refused(client.post("/register", data=data), "password")
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("value", ["admin", "", "employee' OR 1=1", "🚓", "1"])
def test_register_affiliation_must_be_one_of_the_choices(client, db, value):
    response = client.post("/register", data={**valid_registration(), "affiliation": value})
    assert_refused(response, "affiliation")
    assert counts(db) == (0, 0)


def test_register_with_nothing_at_all_lists_every_problem(client, db):
    response = client.post("/register", data={})
    assert_refused(response, "name", "email", "affiliation", "password", "confirm_password")
    assert counts(db) == (0, 0)


def test_names_with_markup_or_emoji_are_kept_as_text_and_escaped(client, db):
    data = {**valid_registration(), "name": "<script>alert(1)</script> 🚑 O'Brien"}
    assert client.post("/register", data=data).status_code == 302
    user = db.session.scalar(select(User))
    assert user.name == "<script>alert(1)</script> 🚑 O'Brien"
    message = db.session.scalar(select(OutboxMessage))
    assert "<script>" not in (message.html_body or "")


# --- the other forms -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", list(HOSTILE))
def test_login_refuses_hostile_emails_and_writes_nothing(client, db, kind):
    response = client.post("/login", data={"email": HOSTILE[kind], "password": TEST_PASSWORD})
    assert_refused(response, "email")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


@pytest.mark.parametrize("kind", ["sql", "script"])
def test_markup_and_sql_are_just_characters_in_a_password(client, db, kind):
    """Strong passwords may hold any printable character; only the hash is stored."""
    value = HOSTILE[kind] + " violet kettle"
    data = {**valid_registration(), "password": value, "confirm_password": value}
    assert client.post("/register", data=data).status_code == 302
    stored = db.session.scalar(select(User.password_hash))
    assert stored.startswith("$argon2id$") and value not in stored


@pytest.mark.parametrize("kind", ["empty", "over-long", "control", "sql", "script"])
def test_login_with_hostile_passwords_just_fails(client, db, make_user, kind):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": HOSTILE[kind]})
    assert response.status_code == 200 and error_text(response)
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize("url", ["/forgot-password", "/verify/resend"])
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_email_only_forms_refuse_hostile_values(client, db, url, kind):
    assert_refused(client.post(url, data={"email": HOSTILE[kind]}), "email")
    assert counts(db) == (0, 0)


@pytest.mark.parametrize("kind", ["empty", "over-long", "control", "newline"])
def test_reset_form_refuses_hostile_passwords(client, db, make_user, kind):
    from app.services import accounts

    user = make_user()
    before = user.password_hash
    with client.application.test_request_context():
        accounts.request_password_reset(user.email)
    token = db.session.scalar(select(OutboxMessage)).text_body.split("/reset/")[1].split()[0]
    value = HOSTILE[kind]
    response = client.post(f"/reset/{token}", data={"password": value, "confirm_password": value})
    assert_refused(response, "password")
    db.session.refresh(user)
    assert user.password_hash == before


@pytest.mark.parametrize(("field", "kind"), [
    ("name", "empty"), ("name", "over-long"), ("name", "control"), ("name", "rtl override"),
    ("display_name", "over-long"), ("display_name", "zero width"), ("phone", "script"),
    ("phone", "sql"), ("phone", "over-long"), ("affiliation", "sql"),
])
def test_profile_refuses_hostile_values_and_keeps_the_details(login_as, db, field, kind):
    client = login_as(None, name="Jo Smith")
    data = {"name": "New Name", "display_name": "", "phone": "", "affiliation": "employee"}
    data[field] = HOSTILE[kind]
    assert_refused(client.post("/account/profile", data=data), field)
    db.session.refresh(client.user)
    assert client.user.name == "Jo Smith"


@pytest.mark.parametrize(("field", "kind"), [
    ("current_password", "empty"), ("current_password", "over-long"),
    ("new_password", "empty"), ("new_password", "over-long"), ("new_password", "control"),
    ("new_password", "newline"), ("confirm_password", "script"),
])
def test_change_password_refuses_hostile_values(login_as, db, field, kind):
    client = login_as(None)
    before = client.user.password_hash
    data = {"current_password": TEST_PASSWORD, "new_password": STRONG_PASSWORD,
            "confirm_password": STRONG_PASSWORD, field: HOSTILE[kind]}
    assert_refused(client.post("/account/password", data=data), field)
    db.session.refresh(client.user)
    assert client.user.password_hash == before


# --- the next parameter ----------------------------------------------------------------------

SAFE = ["/account/", "/dispatch/?q=1&x=%2F%2Fevil", "/track/ESC-ABC123/tok-en_1"]
UNSAFE = ["//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/",
          "http:/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)",
          "data:text/html,hi", "/\t/evil.example", "/\n/evil.example", " /account/",
          "/account/\x00", "evil.example", "", "/" + "a" * 3000, "/%09/evil", "///evil",
          "/\u3000/evil", "\u202e/evil", None, 42, ["/account/"]]


@pytest.mark.parametrize("target", SAFE)
def test_safe_next_keeps_paths_on_this_site(target):
    assert safe_next(target) == target


@pytest.mark.parametrize("target", UNSAFE)
def test_safe_next_refuses_everything_else(target):
    assert safe_next(target) in (None, "/%09/evil")  # an encoded tab is only a path


@pytest.mark.parametrize("target", [t for t in UNSAFE if isinstance(t, str) and t])
def test_login_never_redirects_off_site(client, db, make_user, target):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "next": target})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location.split("?")[0] or location == "/%09/evil"


# --- CSRF -----------------------------------------------------------------------------------

POSTS = ["/register", "/login", "/verify/resend", "/forgot-password", "/logout",
         "/session/extend", "/account/profile", "/account/password"]


@pytest.mark.parametrize("url", POSTS)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_every_accounts_form_needs_its_csrf_token(custom_app, db, make_user, url, token):
    app = custom_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    user = make_user(roles=("dispatcher",))
    sign_in(client, user)
    data = {**valid_registration(), "email": "new@example.org", "current_password": TEST_PASSWORD,
            "new_password": STRONG_PASSWORD}
    if token:
        data["csrf_token"] = token
    response = client.post(url, data=data)
    assert response.status_code == 400
    text = soup(response).main.get_text(" ", strip=True)
    assert "Your form has expired" in text
    assert STRONG_PASSWORD not in response.get_data(as_text=True)
    assert counts(db) == (1, 0)
    assert client.get("/account/").status_code == 200  # still signed in: logout refused too


def test_registration_with_the_right_csrf_token_works(custom_app, db):
    app = custom_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = csrf_from(client.get("/register"))
    assert token
    response = client.post("/register", data={**valid_registration(), "csrf_token": token})
    assert response.status_code == 302
    assert counts(db) == (1, 1)


# --- rate limits ----------------------------------------------------------------------------

def test_sign_in_is_rate_limited_per_client_with_a_friendly_page(custom_app, db, make_user):
    app = custom_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    user = make_user()
    client = app.test_client()
    for _ in range(3):
        response = client.post("/login", data={"email": user.email, "password": "wrong guess 123"})
        assert response.status_code == 200
    limited = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert limited.status_code == 429
    doc = soup(limited)
    assert doc.h1.get_text(strip=True) == "Too many attempts"
    assert "too many attempts from this connection" in doc.main.get_text(" ", strip=True)
    assert client.get("/login").status_code == 200  # reading the form is not limited
    other = app.test_client()
    ok = other.post("/login", data={"email": user.email, "password": TEST_PASSWORD},
                    environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert ok.status_code == 302  # another client is not affected


def test_email_sending_forms_are_rate_limited(custom_app, db):
    app = custom_app(RATELIMIT_ENABLED=True, ACCOUNT_EMAIL_RATE_LIMIT="2 per minute")
    client = app.test_client()
    codes = [client.post("/forgot-password", data={"email": "a@example.org"}).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]
