"""Sessions really end: logout, copied cookies, remember-me, idle and absolute limits."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.core import tokens
from app.core.database import use_case
from app.extensions import db as _db
from app.models.accounts import LoginSession
from app.models.base import utcnow
from app.web import sessions
from tests.helpers import post_login, soup


def copy_cookie(source, target, name="session"):
    cookie = source.get_cookie(name)
    assert cookie is not None, name
    target.set_cookie(name, cookie.value)


def age_session(db, **changes):
    db.session.execute(update(LoginSession).values(**changes))
    db.session.commit()


def test_a_copied_cookie_stops_working_after_logout(app, db, make_user):
    user = make_user()
    first, second = app.test_client(), app.test_client()
    post_login(first, user.email, expected_status=302)
    copy_cookie(first, second)
    assert second.get("/account/").status_code == 200
    first.post("/logout")
    assert first.get("/account/").status_code == 302
    response = second.get("/account/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_login_gives_a_fresh_session_identifier(app, db, make_user):
    user = make_user()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "planted-by-an-attacker"
    post_login(client, user.email, expected_status=302)
    with client.session_transaction() as session:
        first = session["_user_id"]
    assert first != "planted-by-an-attacker"
    post_login(client, user.email, expected_status=302)
    with client.session_transaction() as session:
        second = session["_user_id"]
    assert second != first
    rows = {row.session_hash: row for row in db.session.scalars(select(LoginSession))}
    assert rows[tokens.hash_token(first)].revoked_at is not None  # the old one ended
    assert rows[tokens.hash_token(second)].revoked_at is None
    assert tokens.hash_token("planted-by-an-attacker") not in rows


def test_remember_me_cookie_is_httponly_secure_and_bounded(custom_app, db, make_user):
    app = custom_app(REMEMBER_COOKIE_SECURE=True, SESSION_COOKIE_SECURE=True)
    user = make_user()
    client = app.test_client()
    response = post_login(client, user.email, remember=True, expected_status=302)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    remember = cookies["remember_token"]
    assert "HttpOnly" in remember and "Secure" in remember and "SameSite=Lax" in remember
    assert "Expires=" in remember
    assert "HttpOnly" in cookies["session"] and "Secure" in cookies["session"]
    cookie = client.get_cookie("remember_token")
    assert cookie.expires is not None
    limit = app.config["REMEMBER_COOKIE_DURATION"] + timedelta(minutes=1)
    assert cookie.expires.replace(tzinfo=None) - utcnow() <= limit


def test_remember_me_cookie_signs_in_until_the_session_is_revoked(app, db, make_user):
    user = make_user()
    first, later = app.test_client(), app.test_client()
    post_login(first, user.email, remember=True, expected_status=302)
    copy_cookie(first, later, "remember_token")  # a new browser session: no session cookie
    assert later.get("/account/").status_code == 200
    first.post("/logout")
    fresh = app.test_client()
    copy_cookie(first if first.get_cookie("remember_token") else later, fresh, "remember_token")
    assert fresh.get("/account/").status_code == 302
    assert later.get("/account/").status_code == 302


def test_without_remember_me_there_is_no_remember_cookie(app, db, make_user):
    client = app.test_client()
    post_login(client, make_user().email, expected_status=302)
    assert client.get_cookie("remember_token") is None


def test_staff_sessions_end_after_the_idle_time(app, db, login_as):
    client = login_as("dispatcher")
    idle = app.config["STAFF_IDLE_MINUTES"]
    age_session(db, last_seen_at=utcnow() - timedelta(minutes=idle, seconds=5))
    response = client.get("/account/")
    assert response.status_code == 302
    notice = soup(client.get("/login")).main.get_text(" ", strip=True)
    assert "no activity" in notice
    assert db.session.scalar(select(LoginSession.revoked_at)) is not None


def test_automatic_reloads_of_a_live_page_do_not_keep_a_staff_session_alive(app, db, login_as):
    client = login_as("dispatcher")
    seen = utcnow() - timedelta(minutes=5)
    age_session(db, last_seen_at=seen)
    assert client.get("/account/?auto_refresh=1").status_code == 200
    assert db.session.scalar(select(LoginSession.last_seen_at)) == seen
    client.get("/account/")
    assert db.session.scalar(select(LoginSession.last_seen_at)) > seen


def test_member_sessions_have_no_idle_limit(app, db, login_as):
    client = login_as(None)
    age_session(db, last_seen_at=utcnow() - timedelta(hours=3))
    assert client.get("/account/").status_code == 200


def test_sessions_end_at_the_absolute_limit(app, db, login_as):
    absolute = timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"])
    staff = login_as("officer")
    age_session(db, created_at=utcnow() - absolute - timedelta(minutes=1))
    assert staff.get("/account/").status_code == 302
    member = login_as(None)
    too_old = app.config["REMEMBER_COOKIE_DURATION"] + absolute
    age_session(db, created_at=utcnow() - too_old)
    assert member.get("/account/").status_code == 302


def test_staff_pages_carry_the_idle_warning_and_members_do_not(app, login_as):
    staff = soup(login_as("trainer").get("/account/"))
    assert staff.body.has_attr("data-idle-seconds")
    dialog = staff.select_one("#idle-warning")
    assert dialog.find("button", string="Stay signed in")
    assert dialog.select_one("input[name=next]")["value"] == "/account/"
    member = soup(login_as(None).get("/account/"))
    assert not member.body.has_attr("data-idle-seconds")
    assert member.select_one("#idle-warning") is None


def test_stay_signed_in_extends_the_session_with_javascript(app, db, login_as):
    client = login_as("dispatcher")
    age_session(db, last_seen_at=utcnow() - timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] - 1))
    response = client.post("/session/extend", headers={"Accept": "application/json"})
    assert response.status_code == 200
    assert response.json["seconds_left"] >= app.config["STAFF_IDLE_MINUTES"] * 60 - 5
    seen = db.session.scalar(select(LoginSession.last_seen_at))
    assert utcnow() - seen < timedelta(seconds=10)


def test_stay_signed_in_works_without_javascript(app, db, login_as):
    client = login_as("dispatcher")
    age_session(db, last_seen_at=utcnow() - timedelta(minutes=app.config["STAFF_IDLE_MINUTES"] - 1))
    response = client.post("/session/extend", data={"next": "/account/profile"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/profile"
    assert utcnow() - db.session.scalar(select(LoginSession.last_seen_at)) < timedelta(seconds=10)
    hostile = client.post("/session/extend", data={"next": "//evil.example/"})
    assert hostile.headers["Location"] == "/dispatch/"  # their landing page, never evil.example


def test_extending_an_ended_session_signs_in_again(app, db, login_as):
    client = login_as("dispatcher")
    age_session(db, last_seen_at=utcnow() - timedelta(hours=1))
    response = client.post("/session/extend", headers={"Accept": "application/json"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_revoke_all_and_disabling_end_every_session(app, db, login_as):
    client = login_as("editor")
    user = client.user
    other = login_as(user=user)
    with app.test_request_context():
        use_case(sessions.revoke_all)(user)
    assert client.get("/account/").status_code == 302
    assert other.get("/account/").status_code == 302
    again = login_as(user=user)
    user.is_active_account = False
    _db.session.commit()
    assert again.get("/account/").status_code == 302


def test_garbage_session_identifiers_are_just_signed_out(app, db):
    client = app.test_client()
    for value in ("x" * 5000, "", "\x00", "💥"):
        with client.session_transaction() as session:
            session["_user_id"] = value
        assert client.get("/account/").status_code == 302
