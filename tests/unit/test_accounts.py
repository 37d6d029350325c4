"""The accounts service: hashing, policy, registration, verification, sign-in, passwords."""
from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from argon2.low_level import Type
from sqlalchemy import func, select, update

from app.core import passwords, tokens
from app.models.accounts import STAFF_ROLES, LoginSession, Role, User
from app.models.audit import AuditEvent
from app.models.base import utcnow
from app.models.login_throttle import LoginCounter
from app.models.outbox import OutboxMessage
from app.services import accounts, login_throttle
from tests.fixtures.accounts import TEST_PASSWORD
from tests.fixtures.auth import STRONG_PASSWORD, emails_to, link_in


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


# --- hashing -----------------------------------------------------------------------------

def test_hashes_are_argon2id_at_or_above_owasp_parameters(app):
    with app.app_context():
        stored = passwords.hash_password(STRONG_PASSWORD)
        h = passwords.hasher()
    assert stored.startswith("$argon2id$")
    assert h.type is Type.ID
    assert h.memory_cost >= 19456 and h.time_cost >= 2 and h.parallelism >= 1
    assert STRONG_PASSWORD not in stored


def test_settings_below_owasp_are_raised_to_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "ARGON2_MEMORY_KIB", 8)
    monkeypatch.setitem(app.config, "ARGON2_TIME_COST", 1)
    with app.app_context():
        h = passwords.hasher()
    assert (h.memory_cost, h.time_cost) == (19456, 2)


def test_verify_accepts_the_same_passphrase_typed_differently(app):
    with app.app_context():
        stored = passwords.hash_password("ｃａｆｅ latte on the terrace")  # full-width letters
        assert passwords.verify(stored, "cafe latte on the terrace")
        assert not passwords.verify(stored, "cafe latte on the terrace!")
        assert not passwords.verify(None, "anything at all")
        assert not passwords.verify("not-a-hash", "anything at all")


def test_login_rehashes_when_the_parameters_change(app, db, make_user):
    user = make_user()
    old = PasswordHasher(time_cost=3, memory_cost=19456, parallelism=1).hash(TEST_PASSWORD)
    user.password_hash = old
    db.session.commit()
    with app.test_request_context():
        result = accounts.login(user.email, TEST_PASSWORD)
    assert result.ok
    db.session.refresh(user)
    assert user.password_hash != old
    with app.app_context():
        assert not passwords.needs_rehash(user.password_hash)


# --- policy ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("", "Enter a password"),
        ("short one", "at least 12 characters"),
        ("x" * 1025, "1024 characters or fewer"),
        ("tab\tinside a long passphrase", "cannot be typed"),
        ("Password1234!", "easy to guess"),
        ("aaaaaaaaaaaaaaaa", "easy to guess"),
        ("qwertyuiop123", "easy to guess"),
    ],
)
def test_policy_refuses_with_advice(app, password, expected):
    with app.app_context():
        problems = passwords.problems(password)
    assert problems and expected in " ".join(problems)


def test_policy_counts_the_persons_own_name_and_email_as_guessable(app):
    with app.app_context():
        assert passwords.problems("harriet quimby 1911") == []
        assert passwords.problems("harriet quimby 1911", ["Harriet Quimby", "hq@example.org"])


@pytest.mark.parametrize(
    "password",
    [STRONG_PASSWORD, "demo-password-2026", "üüü 🚲 lantern orchard velvet",
     "When the night shift ends, the gulls over the east car park start arguing about "
     "breakfast and nobody in radiology can hear the pager over them. " * 5],
)
def test_policy_accepts_long_passphrases_and_any_unicode(app, password):
    assert len(password) <= 1024
    with app.app_context():
        assert passwords.problems(password) == []


# --- registration and verification ---------------------------------------------------------

def register(**overrides):
    values = {"name": "Jo Smith", "email": "Jo@Example.org", "affiliation": "patient",
              "password": STRONG_PASSWORD}
    values.update(overrides)
    return accounts.register(**values)


def test_register_creates_an_unverified_account_and_queues_the_link(app, db):
    with app.test_request_context():
        user = register()
    assert user.email == "jo@example.org" and user.email_verified_at is None
    assert user.password_hash.startswith("$argon2id$")
    [message] = emails_to(db, "jo@example.org")
    assert "/verify/" in link_in(message)
    assert "account.register" in audit_actions(db)


def test_register_with_a_known_address_writes_no_account_but_tells_the_owner(app, db, make_user):
    make_user(email="jo@example.org")
    with app.test_request_context():
        assert register() is None
    assert db.session.scalar(select(func.count(User.id))) == 1
    [message] = emails_to(db, "jo@example.org")
    assert message.subject == "You already have an account"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [({"affiliation": "hacker"}, "affiliation"), ({"password": "password"}, "password"),
     ({"name": "Jo\u202eSmith"}, None), ({"name": ""}, None), ({"email": " "}, "email")],
)
def test_register_refuses_bad_values_and_writes_nothing(app, db, overrides, field):
    with app.test_request_context(), pytest.raises(accounts.AccountError) as error:
        register(**overrides)
    assert error.value.field == field
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_verify_email_marks_the_address_and_is_idempotent(app, db):
    with app.test_request_context():
        user = register()
        token = tokens.sign(accounts.VERIFY_PURPOSE, {"u": user.id, "e": user.email})
        accounts.verify_email(token)
        accounts.verify_email(token)
    db.session.refresh(user)
    assert user.email_verified_at is not None
    assert audit_actions(db).count("account.verify") == 1


@pytest.mark.parametrize(
    "payload",
    [{"u": 987654, "e": "jo@example.org"}, {"u": "1", "e": "x"}, ["not", "a", "dict"],
     {"u": None}],
)
def test_verify_email_refuses_tokens_for_nobody(app, db, payload):
    with app.test_request_context():
        register()
        with pytest.raises(tokens.InvalidToken):
            accounts.verify_email(tokens.sign(accounts.VERIFY_PURPOSE, payload))


def test_verify_email_refuses_forged_expired_and_other_purpose_tokens(app, db, monkeypatch):
    with app.test_request_context():
        user = register()
        good = tokens.sign(accounts.VERIFY_PURPOSE, {"u": user.id, "e": user.email})
        for bad in (good[:-3] + "abc", tokens.sign(accounts.RESET_PURPOSE, {"u": user.id}), "x"):
            with pytest.raises(tokens.InvalidToken):
                accounts.verify_email(bad)
        monkeypatch.setitem(app.config, "EMAIL_TOKEN_MAX_AGE", -1)
        with pytest.raises(tokens.InvalidToken) as error:
            accounts.verify_email(good)
    assert error.value.expired


def test_resend_verification_only_for_unverified_accounts(app, db, make_user):
    make_user(email="done@example.org")
    make_user(email="todo@example.org", verified=False)
    with app.test_request_context():
        for email in ("done@example.org", "todo@example.org", "nobody@example.org"):
            accounts.resend_verification(email)
    assert [m.to_address for m in db.session.scalars(select(OutboxMessage))] == ["todo@example.org"]


# --- signing in ----------------------------------------------------------------------------

def login(app, email, password=TEST_PASSWORD):
    with app.test_request_context():
        return accounts.login(email, password)


def test_login_succeeds_and_records_a_session(app, db, make_user):
    user = make_user()
    result = login(app, user.email.upper())
    assert result.ok and result.user.id == user.id
    assert db.session.scalar(select(func.count(LoginSession.id))) == 1
    assert "login.success" in audit_actions(db)


def test_wrong_password_and_unknown_email_give_the_same_answer(app, db, make_user):
    user = make_user()
    wrong = login(app, user.email, "not the password at all")
    unknown = login(app, "nobody@example.org")
    assert wrong.outcome == unknown.outcome == "invalid"
    assert wrong.message == unknown.message == accounts.MESSAGES["invalid"]


def test_repeated_failures_lock_known_and_unknown_addresses_alike(app, db, make_user):
    user = make_user()
    limit = app.config["LOGIN_MAX_FAILURES"]
    wrong = "wrong password here"
    known = [login(app, user.email, wrong).outcome for _ in range(limit + 1)]
    unknown = [login(app, "ghost@example.org", wrong).outcome for _ in range(limit + 1)]
    assert known == unknown == ["invalid"] * (limit - 1) + ["locked", "locked"]
    assert login(app, user.email).outcome == "locked"  # from the same client, even the right
    keys = db.session.scalars(select(LoginCounter.key)).all()  # password waits
    assert keys and all(len(key) == 64 and "@" not in key for key in keys)
    assert "login.locked" in audit_actions(db)


def test_a_lock_ends_after_its_time(app, db, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        login(app, user.email, "wrong password here")
    assert login(app, user.email).outcome == "locked"
    past = utcnow() - timedelta(seconds=1)
    db.session.execute(update(LoginCounter).values(locked_until=past,
                                                   window_started_at=past - timedelta(hours=1)))
    db.session.commit()
    assert login(app, user.email).ok


def test_unverified_and_disabled_accounts_cannot_sign_in(app, db, make_user):
    unverified = make_user(verified=False)
    disabled = make_user(is_active_account=False)
    assert login(app, unverified.email).outcome == "unverified"
    assert login(app, disabled.email).outcome == "disabled"
    assert login(app, unverified.email, "wrong password here").outcome == "invalid"
    assert db.session.scalar(select(func.count(LoginSession.id))) == 0


def test_purge_forgets_old_unknown_address_counters(app, db):
    old = utcnow() - timedelta(days=2)
    db.session.add(LoginCounter(key="a" * 64, failures=2, updated_at=old))
    db.session.add(LoginCounter(key="b" * 64, failures=2))
    db.session.commit()
    with app.app_context():
        assert login_throttle.purge_login_throttle() == 1


# --- passwords -----------------------------------------------------------------------------

def reset_token(app, db, user) -> str:
    with app.test_request_context():
        accounts.request_password_reset(user.email)
    [message] = [m for m in emails_to(db, user.email) if "Reset" in m.subject]
    return link_in(message).rsplit("/", 1)[1]


def test_password_reset_is_single_use_and_ends_every_session(app, db, make_user, login_as):
    user = make_user()
    login_as(user=user)
    token = reset_token(app, db, user)
    with app.test_request_context():
        accounts.reset_password(token, STRONG_PASSWORD)
        with pytest.raises(tokens.InvalidToken):
            accounts.reset_password(token, "another fine passphrase 77")
    assert login(app, user.email, STRONG_PASSWORD).ok
    rows = list(db.session.scalars(select(LoginSession).order_by(LoginSession.id)))
    assert rows[0].revoked_at is not None and rows[1].revoked_at is None
    assert "password.reset" in audit_actions(db)
    assert any("was changed" in m.subject for m in emails_to(db, user.email))


def test_password_reset_request_for_an_unknown_address_sends_nothing(app, db):
    with app.test_request_context():
        accounts.request_password_reset("nobody@example.org")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_password_reset_refuses_a_weak_password_and_keeps_the_link(app, db, make_user):
    user = make_user()
    token = reset_token(app, db, user)
    with app.test_request_context():
        with pytest.raises(accounts.PasswordRejected):
            accounts.reset_password(token, "password123")
        assert accounts.user_for_reset_token(token).id == user.id


def test_change_password_checks_the_current_one_and_keeps_this_session(app, db, make_user):
    user = make_user()
    with app.test_request_context():
        accounts.login(user.email, TEST_PASSWORD)  # another device
        this = accounts.login(user.email, TEST_PASSWORD).user
        assert accounts.change_password(this, "wrong one", STRONG_PASSWORD) is not None
        with pytest.raises(accounts.AccountError):
            accounts.change_password(this, TEST_PASSWORD, TEST_PASSWORD)
        assert accounts.change_password(this, TEST_PASSWORD, STRONG_PASSWORD) is None
    rows = list(db.session.scalars(select(LoginSession).order_by(LoginSession.id)))
    assert [r.revoked_at is None for r in rows] == [False, True]
    actions = audit_actions(db)
    assert "password.change_failed" in actions and "password.change" in actions


def test_wrong_current_passwords_lock_the_account_and_end_its_sessions(app, db, make_user):
    user = make_user()
    with app.test_request_context():
        me = accounts.login(user.email, TEST_PASSWORD).user
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            accounts.change_password(me, "guessing wrong", STRONG_PASSWORD)
    assert db.session.scalar(select(LoginSession.revoked_at)) is not None


def test_update_profile_saves_and_audits_field_names_only(app, db, make_user):
    user = make_user()
    with app.test_request_context():
        changed = accounts.update_profile(user, "Sam Lee", "Officer Lee", "(555) 010-1234",
                                          "employee")
        with pytest.raises(accounts.AccountError):
            accounts.update_profile(user, "Sam\x00Lee", None, None, "employee")
    assert set(changed) >= {"name", "display_name", "phone"}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "account.profile"))
    assert "Officer Lee" not in event.detail and "display_name" in event.detail


def test_no_password_or_token_ends_up_in_the_audit_trail(app, db, make_user):
    user = make_user()
    token = reset_token(app, db, user)
    with app.test_request_context():
        accounts.reset_password(token, STRONG_PASSWORD)
        accounts.login(user.email, "a wrong password guess")
        register(email="new@example.org")
    text = " ".join(f"{e.detail} {e.object_id}" for e in db.session.scalars(select(AuditEvent)))
    for secret in (STRONG_PASSWORD, token, TEST_PASSWORD, "a wrong password guess"):
        assert secret not in text


# --- create-user ---------------------------------------------------------------------------

def test_create_user_command_prompts_and_grants_roles(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "Boss@Example.org", "--name", "Bo Boss",
                                 "--role", "admin", "--role", "dispatcher"],
                           input=f"{STRONG_PASSWORD}\n{STRONG_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert STRONG_PASSWORD not in result.output
    user = db.session.scalar(select(User).where(User.email == "boss@example.org"))
    assert user.role_names == {"admin", "dispatcher"} and user.email_verified_at is not None
    assert "account.create" in audit_actions(db)
    with app.test_request_context():
        assert accounts.login("boss@example.org", STRONG_PASSWORD).ok


def test_create_user_command_reads_the_environment_and_applies_the_policy(app, db, monkeypatch):
    runner = app.test_cli_runner()
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", "password1234")
    result = runner.invoke(args=["create-user", "a@example.org", "--name", "A"])
    assert result.exit_code != 0 and "easy to guess" in result.output
    monkeypatch.setenv("PORTAL_NEW_PASSWORD", STRONG_PASSWORD)
    assert runner.invoke(args=["create-user", "a@example.org", "--name", "A"]).exit_code == 0
    again = runner.invoke(args=["create-user", "a@example.org", "--name", "A"])
    assert again.exit_code != 0 and "already exists" in again.output
    bad_role = runner.invoke(args=["create-user", "b@example.org", "--name", "B", "--role", "root"])
    assert bad_role.exit_code != 0
    bad_email = runner.invoke(args=["create-user", "not-an-email", "--name", "B"])
    assert bad_email.exit_code != 0 and "not valid" in bad_email.output
    assert db.session.scalar(select(func.count(User.id))) == 1


# --- demo data -----------------------------------------------------------------------------

def test_demo_seeder_makes_every_role_and_the_listed_accounts(app, db):
    from app.demo import accounts as demo

    with app.test_request_context():
        demo.seed()
        db.session.commit()
        demo.seed()  # running twice adds nothing
        db.session.commit()
        assert accounts.login("officer@demo.example", demo.DEMO_PASSWORD).ok
    assert set(db.session.scalars(select(Role.name))) == set(STAFF_ROLES)
    officer = db.session.scalar(select(User).where(User.email == "officer2@demo.example"))
    assert officer.public_name == "Officer Diaz"
    assert db.session.scalar(select(func.count(User.id))) == len(demo.DEMO_ACCOUNTS)
    member = db.session.scalar(select(User).where(User.email == "member@demo.example"))
    assert not member.is_staff
