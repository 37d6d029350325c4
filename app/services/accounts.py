"""Accounts: register, verify the email, sign in with throttling, passwords and profile.

Every function that writes is one `@use_case` (one transaction). Nothing here reveals
whether an email address has an account: a wrong address and a wrong password get the same
answer, a lock looks the same for both, and "forgot password" and "register" answer the
same whether or not the address is known (the owner of a known address gets an email).
"""
from __future__ import annotations

import contextlib
import unicodedata
from types import SimpleNamespace

from email_validator import EmailNotValidError, validate_email
from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import passwords, tokens
from app.core.database import use_case
from app.core.i18n import in_language, known_language
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import AFFILIATIONS, STAFF_ROLES, Role, User, role_conflict
from app.models.base import utcnow
from app.services import audit, login_sessions, outbox
from app.services import login_throttle as throttle
from app.services.mail_quota import enqueue_typed
from app.services.sign_in import MESSAGES, LoginResult, complete_sign_in, login  # noqa: F401

VERIFY_PURPOSE = "verify-email"
RESET_PURPOSE = "reset-password"
# Bidirectional overrides and invisible characters that can disguise a name.
DISGUISING = {"\u200b", "\u200e", "\u200f", "\u2060", "\ufeff"} | {
    chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}

class AccountError(Exception):
    """A request the rules refuse; the message is safe to show on the form."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class PasswordRejected(AccountError):
    def __init__(self, problems: list[str], field: str = "password") -> None:
        super().__init__(" ".join(problems), field)
        self.problems = problems


# --- small helpers -------------------------------------------------------------------------

def normalise_email(email: str | None) -> str:
    return (email or "").strip().lower()


def clean_text(value: str | None, label: str, max_length: int, required: bool = True) -> str | None:
    """Trimmed single-line text, or AccountError naming the problem in plain words."""
    value = unicodedata.normalize("NFC", (value or "").strip())
    if not value:
        if required:
            raise AccountError(f"Enter your {label}.")
        return None
    if len(value) > max_length:
        raise AccountError(f"Your {label} must be {max_length} characters or fewer.")
    if any(unicodedata.category(ch) == "Cc" or ch in DISGUISING for ch in value):
        raise AccountError(f"Your {label} contains hidden or control characters. Please retype it.")
    return value


@use_case
def choose_language(user: User, code: str) -> None:
    """The member picked a language with the language link: their account mail follows."""
    if known_language(code) and user.language != code:
        user.language = code


def find_user(email: str, lock: bool = False) -> User | None:
    email = normalise_email(email)
    if not email or len(email) > 254:
        return None
    query = select(User).where(func.lower(User.email) == email)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalar(query)


def check_password_policy(password: str, *user_inputs: str | None, field: str = "password") -> None:
    problems = passwords.problems(password, user_inputs)
    if problems:
        raise PasswordRejected(problems, field)


def ensure_roles(names) -> list[Role]:
    conflict = role_conflict(names)
    if conflict:
        raise AccountError(conflict)
    roles = []
    for name in names:
        if name not in STAFF_ROLES:
            raise AccountError(f"Unknown role {name!r}; choose from {', '.join(STAFF_ROLES)}.")
        role = db.session.scalar(select(Role).where(Role.name == name))
        if role is None:
            role = Role(name=name)
            db.session.add(role)
        roles.append(role)
    return roles


def _set_password(user: User, password: str) -> None:
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = utcnow()
    # The link proved the mailbox: the account-wide failure counter starts again.
    throttle.forget(user.email, throttle.Client(), None, scopes=("account",))


def _send_verification(user: User) -> None:
    token = tokens.sign(VERIFY_PURPOSE, {"u": user.id, "e": user.email})
    with in_language(user.mail_language):
        enqueue_typed(user.email, "verify_email", _l("Confirm your email address"), user=user,
                      link=external_url("auth.verify", token=token))


# --- registration and verification ---------------------------------------------------------

@use_case
def register(name: str, email: str, affiliation: str, password: str,
             language: str = "en") -> User | None:
    """Create an unverified account and email the confirmation link.

    A known address gets a "someone tried to register with your address" email instead,
    and the caller sees the same outcome either way (None for the known address). Both
    paths do the same work, so the answer's timing says nothing either: the password is
    hashed once before the address is looked up, and one outbox message is queued (the
    owner's is deduplicated per hour, so nobody can flood their mailbox through this form).
    """
    name = clean_text(name, "full name", 120)
    email = normalise_email(email)
    if not email or len(email) > 254:
        raise AccountError("Enter your email address.", "email")
    if affiliation not in AFFILIATIONS:
        raise AccountError("Choose how you are connected to the hospital.", "affiliation")
    check_password_policy(password, name, email)
    password_hash = passwords.hash_password(password)  # on both paths: equal work
    existing = find_user(email)
    if existing is None:
        user = _insert_user(name, email, affiliation, password_hash)
        if user is not None:
            user.language = known_language(language) or "en"
        if user is not None:
            _send_verification(user)
            audit.record("account.register", user, "user", user.id)
            return user
        existing = find_user(email)
    if existing is not None:
        with in_language(existing.mail_language):
            enqueue_typed(existing.email, "account_exists", _l("You already have an account"),
                          dedupe_key=f"account-exists:{existing.id}:{utcnow():%Y%m%d%H}",
                          user=existing, login_link=external_url("auth.login"),
                          reset_link=external_url("auth.forgot_password"))
        audit.record("account.register_existing", None, "user", existing.id)
    return None


def _insert_user(name: str, email: str, affiliation: str, password_hash: str) -> User | None:
    """Insert the new user inside a savepoint: a concurrent twin registration loses cleanly."""
    user = User(name=name, email=email, affiliation=affiliation, password_hash=password_hash)
    try:
        with db.session.begin_nested():
            db.session.add(user)
    except IntegrityError:
        return None
    return user


@use_case
def verify_email(token: str) -> User:
    """Mark the address verified; InvalidToken when forged, expired or for an old address."""
    payload = tokens.unsign(VERIFY_PURPOSE, token, current_app.config["EMAIL_TOKEN_MAX_AGE"])
    user = _user_from_payload(payload)
    if user is None or payload.get("e") != user.email:
        raise tokens.InvalidToken()
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        audit.record("account.verify", user, "user", user.id)
    return user


def _user_from_payload(payload) -> User | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        return None
    return db.session.get(User, payload["u"])


@use_case
def resend_verification(email: str) -> None:
    """Send the confirmation link again to an unverified account; silent otherwise."""
    user = find_user(email)
    if user is not None and user.email_verified_at is None and user.is_active_account:
        _send_verification(user)
        audit.record("account.verify_resent", None, "user", user.id)
        return
    token = tokens.sign(VERIFY_PURPOSE, {"u": 0, "e": normalise_email(email)})
    _compose_without_sending("verify_email", email, link=external_url("auth.verify", token=token))
    audit.record("account.verify_resent", None, "user", "none")


def _compose_without_sending(template: str, email: str, **context) -> None:
    """For an address that gets no mail: compose the mail anyway and drop it, and the caller
    writes the audit record the other path writes, so the answer takes about as long and
    its timing does not tell whether the address has an account."""
    stand_in = SimpleNamespace(id=0, name="", email=normalise_email(email)[:254])
    for suffix in (".txt", ".html"):
        with contextlib.suppress(TemplateNotFound):
            render_template(f"email/{template}{suffix}", user=stand_in, subject="", **context)


# --- signing in ----------------------------------------------------------------------------

@use_case
def logout(user: User | None) -> None:
    """End this session's row (the view then clears the cookie)."""
    if user is not None and getattr(user, "is_authenticated", False):
        audit.record("logout", user, "user", user.id)
        login_sessions.revoke(getattr(user, "session_token", None))


@use_case
def extend_session(user: User) -> None:
    """The "Stay signed in" button: count now as activity on this session."""
    login_sessions.touch(user)


# --- passwords and profile -----------------------------------------------------------------

def _reset_payload(user: User) -> dict:
    """Bound to the current password: once the password changes, the link is dead."""
    return {"u": user.id, "t": user.password_changed_at.isoformat(timespec="microseconds")}


@use_case
def request_password_reset(email: str) -> None:
    """Email a single-use reset link to a known, active account; the same silence otherwise."""
    user = find_user(email)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    if user is None or not user.is_active_account:
        token = tokens.sign(RESET_PURPOSE, {"u": 0, "t": utcnow().isoformat()})
        _compose_without_sending("password_reset", email, minutes=minutes,
                                 link=external_url("auth.reset_password", token=token))
        audit.record("password.reset_requested", None, "user", "unknown")
        return
    token = tokens.sign(RESET_PURPOSE, _reset_payload(user))
    with in_language(user.mail_language):
        enqueue_typed(user.email, "password_reset", _l("Reset your password"), user=user,
                      link=external_url("auth.reset_password", token=token), minutes=minutes)
    audit.record("password.reset_requested", None, "user", user.id)


def user_for_reset_token(token: str) -> User:
    """The account a reset link is for, or InvalidToken (forged, expired, or already used)."""
    payload = tokens.unsign(RESET_PURPOSE, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    user = _user_from_payload(payload)
    if user is None or not user.is_active_account or payload != _reset_payload(user):
        raise tokens.InvalidToken()
    return user


@use_case
def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link, end every session, and tell the owner."""
    user = user_for_reset_token(token)
    check_password_policy(new_password, user.name, user.email)
    _set_password(user, new_password)
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()  # the link proves the address works
    login_sessions.revoke_all(user)
    _notify_password_changed(user)
    audit.record("password.reset", None, "user", user.id)
    return user


def _notify_password_changed(user: User) -> None:
    with in_language(user.mail_language):
        outbox.enqueue(user.email, "password_changed", _l("Your password was changed"),
                       user=user, reset_link=external_url("auth.forgot_password"))


@use_case
def change_password(user: User, current: str, new: str) -> str | None:
    """Change the password after checking the current one; end the person's other sessions.

    Returns None when done, or the message for a wrong current password. That counts as a
    failed sign-in (and can lock the account), so a borrowed session cannot guess it.
    """
    user = db.session.get(User, user.id, with_for_update=True, populate_existing=True)
    if not passwords.verify(user.password_hash, current or ""):
        locked = throttle.count_key_failure(f"password-change|{user.id}")
        audit.record("password.change_failed", user, "user", user.id,
                     detail="locked" if locked else "invalid")
        if locked:
            login_sessions.revoke_all(user)
        return "Your current password is not right."
    check_password_policy(new, user.name, user.email, field="new_password")
    if passwords.verify(user.password_hash, new):
        raise AccountError("Choose a new password that is different from your current one.",
                           "new_password")
    _set_password(user, new)
    login_sessions.revoke_all(user, keep=getattr(user, "session_token", None))
    _notify_password_changed(user)
    audit.record("password.change", user, "user", user.id)
    return None


@use_case
def update_profile(user: User, name: str, display_name: str | None, phone: str | None,
                   affiliation: str) -> list[str]:
    """Save the person's own details; returns the names of the fields that changed."""
    values = {
        "name": clean_text(name, "full name", 120),
        "display_name": clean_text(display_name, "display name", 60, required=False),
        "phone": clean_text(phone, "phone number", 40, required=False),
        "affiliation": affiliation,
    }
    if affiliation not in AFFILIATIONS:
        raise AccountError("Choose how you are connected to the hospital.", "affiliation")
    user = db.session.get(User, user.id)
    changed = [k for k, v in values.items() if getattr(user, k) != v]
    for key in changed:
        setattr(user, key, values[key])
    if changed:
        audit.record("account.profile", user, "user", user.id, detail=", ".join(changed))
    return changed


@use_case
def create_user(email: str, name: str, password: str, roles=(), check_policy: bool = True,
                actor: User | None = None) -> User:
    """An account made by an administrator (`flask create-user`): verified, with roles."""
    email = normalise_email(email)
    name = clean_text(name, "full name", 120)
    try:
        validate_email(email, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise AccountError(f"That email address is not valid: {error}", "email") from error
    if find_user(email) is not None:
        raise AccountError(f"An account for {email} already exists.", "email")
    if check_policy:
        check_password_policy(password, name, email)
    user = User(email=email, name=name, affiliation="employee",
                password_hash=passwords.hash_password(password), email_verified_at=utcnow())
    user.roles = ensure_roles(roles)
    db.session.add(user)
    db.session.flush()
    audit.record("account.create", actor, "user", user.id,
                 detail="roles: " + (", ".join(sorted(roles)) or "none"), ip=actor is not None)
    return user
