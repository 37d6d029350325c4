"""The second sign-in factor: enrolment, sign-in, replay, recovery codes, roles, admin reset."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pyotp
from sqlalchemy import select, text

from app.models.accounts import User
from app.models.audit import AuditEvent
from app.models.second_factor import RecoveryCode
from app.services import second_factor
from tests.fixtures.accounts import TEST_PASSWORD, TEST_TOTP_SECRET, totp_code
from tests.fixtures.auth import emails_to, error_text
from tests.helpers import soup


def path_of(response) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def enrol(client) -> tuple[str, list[str]]:
    """Set up the factor through the pages; returns the secret shown and the recovery codes."""
    shown = soup(client.get("/account/two-step"))
    secret = shown.select_one("#totp-secret").get_text(strip=True)
    done = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, error_text(done)
    codes = [c.get_text(strip=True) for c in soup(done).select(".recovery-codes code")]
    return secret, codes


def password_step(client, user):
    return client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})


def test_an_admin_without_a_second_factor_can_do_nothing_but_set_it_up(login_as, db):
    admin = login_as("admin", second_factor=False)
    for url in ("/admin/", "/admin/audit", "/account/", "/account/profile"):
        response = admin.get(url)
        assert path_of(response) == "/account/two-step", url
    shown = soup(admin.get("/account/two-step"))
    assert "needs two-step sign-in" in shown.get_text()
    assert shown.select_one("svg.qr-code") is not None and shown.select_one("img") is None
    qr = str(shown.select_one(".qr"))
    assert "style=" not in qr and "data:" not in qr and "<script" not in qr
    wrong = admin.post("/account/two-step", data={"code": "000000"})
    assert "That code is not right" in error_text(wrong)
    assert path_of(admin.get("/admin/")) == "/account/two-step"
    secret, codes = enrol(admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert admin.get("/admin/").status_code == 200
    assert [m.subject for m in emails_to(db, admin.user.email)] == ["Two-step sign-in is on"]


def test_the_secret_is_stored_encrypted_and_recovery_codes_only_as_digests(login_as, db):
    dispatcher = login_as("dispatcher")
    secret, codes = enrol(dispatcher)
    raw = db.session.execute(text('SELECT totp_secret FROM "user" WHERE id = :id'),
                             {"id": dispatcher.user.id}).scalar()
    assert secret not in raw
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in digest for code in codes for digest in stored)


def test_signing_in_needs_the_code_and_the_same_code_is_refused_a_second_time(app, db,
                                                                             make_user):
    advocate = make_user(roles=("advocate",))
    client = app.test_client()
    assert path_of(password_step(client, advocate)) == "/login/code"
    assert client.get("/support/advocate/").status_code in (302, 401), "not signed in yet"
    code = totp_code(advocate)
    assert path_of(client.post("/login/code", data={"code": code})) == "/support/advocate/"

    replay = app.test_client()
    assert path_of(password_step(replay, advocate)) == "/login/code"
    refused = replay.post("/login/code", data={"code": code})
    assert "That code is not right" in error_text(refused)
    assert "login.failure" in [e.action for e in db.session.scalars(select(AuditEvent))]


def test_a_recovery_code_signs_in_once(app, login_as, db):
    officer = login_as("officer")
    _secret, codes = enrol(officer)
    user = db.session.get(User, officer.user.id)
    first = app.test_client()
    password_step(first, user)
    assert path_of(first.post("/login/code", data={"code": codes[3].upper()})) == \
        "/dispatch/mine"
    again = app.test_client()
    password_step(again, user)
    assert "That code is not right" in error_text(again.post("/login/code",
                                                             data={"code": codes[3]}))
    assert len(db.session.scalars(select(RecoveryCode).where(
        RecoveryCode.used_at.is_not(None))).all()) == 1


def test_the_code_step_without_a_password_step_signs_nobody_in(client, db, make_user):
    make_user(roles=("admin",))
    response = client.post("/login/code", data={"code": "123456"})
    assert response.status_code == 200 and "Sign in again" in soup(response).h1.get_text()
    assert client.get("/admin/").status_code in (302, 401)


def test_changing_roles_needs_a_fresh_code_of_the_admins_own_factor(login_as, make_user, db):
    admin = login_as("admin")
    target = make_user(name="Tess Target")
    url = f"/admin/users/{target.id}/roles"
    for code in ("", "000000", "not a code"):
        refused = admin.post(url, data={"roles": ["dispatcher"], "code": code})
        assert refused.status_code == 400, code
    good = totp_code(admin.user)
    assert admin.post(url, data={"roles": ["dispatcher"], "code": good}).status_code == 302
    replayed = admin.post(url, data={"roles": ["dispatcher", "officer"], "code": good})
    assert replayed.status_code == 400 and "That code is not right" in error_text(replayed)
    db.session.expire_all()
    assert db.session.get(User, target.id).role_names == {"dispatcher"}


def test_an_admin_resets_another_persons_factor_with_audit_and_email(login_as, make_user,
                                                                     db):
    admin = login_as("admin", name="Ada Admin")
    advocate = login_as("advocate")
    response = admin.post(f"/admin/users/{advocate.user.id}/second-factor/reset",
                          follow_redirects=True)
    assert "two-step sign-in was reset" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, advocate.user.id).has_second_factor
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "second_factor.reset"))
    assert event.actor_id == admin.user.id and event.object_id == str(advocate.user.id)
    [mail] = emails_to(db, advocate.user.email)
    assert "Ada Admin" in mail.text_body
    assert path_of(advocate.get("/support/advocate/")) == "/login", "their sessions ended"


def test_an_admin_cannot_reset_their_own_factor(login_as, db):
    admin = login_as("admin")
    response = admin.post(f"/admin/users/{admin.user.id}/second-factor/reset",
                          follow_redirects=True)
    assert "cannot reset your own" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).has_second_factor
    assert db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "second_factor.reset")) is None


def test_every_staff_role_is_offered_the_factor_on_the_account_page(login_as):
    home = soup(login_as("editor").get("/account/"))
    assert home.find("a", string=re.compile("Set up two-step sign-in")) is not None
    assert soup(login_as(None).get("/account/")).find(
        "a", string=re.compile("two-step")) is None


def test_a_code_is_accepted_one_step_either_side_but_not_further(app, db, make_user):
    user = make_user(roles=("admin",))
    now = second_factor.current_step()
    with app.app_context():
        user = db.session.get(User, user.id)
        assert not second_factor.use_code(user, second_factor.code_at(TEST_TOTP_SECRET, now - 2))
        assert second_factor.use_code(user, second_factor.code_at(TEST_TOTP_SECRET, now - 1))
        assert second_factor.use_code(user, second_factor.code_at(TEST_TOTP_SECRET, now + 1))
        assert not second_factor.use_code(user, second_factor.code_at(TEST_TOTP_SECRET, now))
        db.session.rollback()


# --- demo accounts -------------------------------------------------------------------------

def test_in_development_the_demo_admin_signs_in_with_the_code_flask_demo_totp_prints(
        app, db, monkeypatch):
    from app.demo import accounts as demo

    monkeypatch.setitem(app.config, "DEMO_TOTP_ALLOWED", True)
    with app.app_context():
        demo.seed()
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["demo-totp", "admin@demo.example"])
    assert result.exit_code == 0 and re.fullmatch(r"\d{6}\n", result.output), result.output
    client = app.test_client()
    client.post("/login", data={"email": "admin@demo.example", "password": demo.DEMO_PASSWORD})
    response = client.post("/login/code", data={"code": result.output.strip()})
    assert path_of(response) == "/admin/"
    refused = app.test_cli_runner().invoke(args=["demo-totp", "officer@demo.example"])
    assert refused.exit_code != 0 and "not a demo account" in refused.output


def test_outside_development_demo_accounts_get_no_published_factor_and_no_codes(app, db):
    from app.demo import accounts as demo

    assert not app.config["DEMO_TOTP_ALLOWED"]
    with app.app_context():
        demo.seed()
        db.session.commit()
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.example"))
    assert not admin.has_second_factor
    result = app.test_cli_runner().invoke(args=["demo-totp", "admin@demo.example"])
    assert result.exit_code != 0 and "only in development" in result.output


def test_replacing_a_factor_needs_a_code_of_the_current_one(login_as, db):
    admin = login_as("admin")
    shown = soup(admin.get("/account/two-step?again=1"))
    secret = shown.select_one("#totp-secret").get_text(strip=True)
    assert secret != TEST_TOTP_SECRET
    new_code = pyotp.TOTP(secret).now()
    refused = admin.post("/account/two-step?again=1",
                         data={"code": new_code, "current_code": "000000"})
    assert "That code is not right" in error_text(refused)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).totp_secret == TEST_TOTP_SECRET
    done = admin.post("/account/two-step?again=1",
                      data={"code": new_code, "current_code": totp_code(admin.user)})
    assert len(soup(done).select(".recovery-codes code")) == 10, error_text(done)
    db.session.expire_all()
    assert db.session.get(User, admin.user.id).totp_secret == secret
