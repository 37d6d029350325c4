"""Signing in: the password, then (when the account has one) the second factor.

The throttle (app.services.login_throttle) decides before the password is checked whether
this client may try at all; every failure is counted for the client, for the account on
this client and for the account, and the owner is emailed once per burst. An account
with a second factor answers a right password with "second_factor": the session starts
only after a good code (`complete_sign_in`). Unknown addresses get exactly the answers a
known one with a wrong password gets.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext

from app.core import passwords, tokens
from app.core.actor import NOBODY, Actor
from app.core.database import use_case
from app.core.i18n import N_, in_language
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.services import audit, login_sessions, outbox, second_factor
from app.services import login_throttle as throttle
from app.services.login_throttle import Client

MESSAGES = {
    "invalid": N_("Email or password is not right. Check them and try again."),
    "locked": N_("Signing in from here is paused for %(minutes)s minutes after too many "
                 "unsuccessful attempts. Please wait and try again, sign in from a device you "
                 "have used before, or reset your password."),
    "unverified": N_("Please confirm your email address first: open the link we emailed you. "
                     "We can send the link again."),
    "disabled": N_("This account has been disabled. Please call dispatch if you need it "
                   "back."),
    "code": second_factor.WRONG_CODE,
    "expired": N_("Please sign in again: the sign-in took too long or is no longer valid."),
}


@dataclass
class LoginResult:
    outcome: str  # ok, second_factor, invalid, locked, unverified, disabled, code, expired
    user: User | None = None
    device: str | None = None  # on "ok": the known-device id this browser should keep

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def message(self) -> str:
        """In the page's language, as a plain str (it may be flashed into the session)."""
        text = MESSAGES.get(self.outcome)
        if text is None:
            return ""
        if not isinstance(text, str):  # already a lazy translation
            return str(text)
        return gettext(text, minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def _find_user(email: str) -> User | None:
    from app.services.accounts import find_user

    return find_user(email, lock=True)


@use_case
def login(email: str, password: str, client: Client | None = None,
          actor: Actor = NOBODY) -> LoginResult:
    """Check the password (unless this client is held back) and open a session, or ask
    for the second factor. `actor` is this browser (its user agent, the session it holds);
    the web layer puts the new session (`LoginResult.user.session_token`) in the cookie."""
    client = client or Client()
    user = _find_user(email)
    device = client.device_for(user.id) if user else None
    has_factor = bool(user and user.has_second_factor)
    if throttle.is_blocked(email, client, device, second_factor=has_factor):
        passwords.dummy_verify(password or "")  # as slow as any other answer
        return _failure(email, user, client, device, "locked")
    if user is None or not passwords.verify(user.password_hash, password):
        if user is None:
            passwords.dummy_verify(password or "")
        # Judged as if without a second factor: during a burst a wrong password gets "locked"
        # whether or not the account has a factor, so the answer reveals neither.
        return _failure(email, user, client, device, "invalid")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    if not user.is_active_account:
        return LoginResult("disabled")
    if user.email_verified_at is None:
        return LoginResult("unverified", user)
    if has_factor:
        audit.record("login.password_ok", None, "user", user.id)
        return LoginResult("second_factor", user)
    return _begin(user, client, device, actor)


@use_case
def complete_sign_in(user_id: int, code: str, client: Client | None = None,
                     actor: Actor = NOBODY) -> LoginResult:
    """The second step: a fresh TOTP code or an unused recovery code starts the session."""
    client = client or Client()
    user = db.session.get(User, user_id, with_for_update=True, populate_existing=True)
    if user is None or not user.is_active_account or not user.has_second_factor:
        return LoginResult("expired")
    device = client.device_for(user.id)
    if throttle.is_blocked(user.email, client, device, second_factor=True):
        return _failure(user.email, user, client, device, "locked", factor=True)
    if not second_factor.use_code(user, code):
        return _failure(user.email, user, client, device, "code", factor=True)
    return _begin(user, client, device, actor)


def _failure(email: str, user: User | None, client: Client, device: str | None,
             outcome: str, factor: bool = False) -> LoginResult:
    """Count the failure; the answer is "locked" when this client is now held back (judged
    with the second factor passing only at the code step)."""
    held, burst = throttle.record_failure(email, client, device, second_factor=factor)
    subject = user.id if user else "unknown"
    audit.record("login.locked" if held else "login.failure", None, "user", subject,
                 detail=outcome)
    if burst and user is not None:
        _notify_burst(user, burst)
    return LoginResult("locked" if held else outcome)


def _notify_burst(user: User, burst: throttle.Burst) -> None:
    with in_language(user.mail_language):
        outbox.enqueue(user.email, "login_burst", _l("Unsuccessful sign-ins to your account"),
                       dedupe_key=f"login-burst:{user.id}:{utcnow():%Y%m%d%H%M}",
                       user=user, failures=burst.failures, minutes=burst.minutes,
                       network=burst.network, reset_link=external_url("auth.forgot_password"),
                       account_link=external_url("account.home"))
    audit.record("login.burst_notified", None, "user", user.id, detail=burst.network)


def _begin(user: User, client: Client, device: str | None, actor: Actor) -> LoginResult:
    throttle.forget(user.email, client, device)
    user.last_login_at = utcnow()
    login_sessions.open_session(user, actor.user_agent, replacing=actor.session_token)
    audit.record("login.success", user, "user", user.id)
    return LoginResult("ok", user, device or tokens.new_token()[:22])
