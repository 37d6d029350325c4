"""The second sign-in factor: TOTP (RFC 6238, 30-second steps, 6 digits) and recovery codes.

- Enrolment: the person's authenticator app reads a QR code (drawn here as inline SVG by
  segno: no outside service sees the secret) or the secret typed in; the factor is active
  only once a code from the app is confirmed. Ten recovery codes are shown once.
- A code is accepted one step either side of now (clock drift), and each step only once:
  the last step used is stored, so a code seen over a shoulder cannot be replayed.
- A recovery code works once; they are stored as SHA-256 digests (see models/second_factor).
- An admin may reset another person's lost factor (audited, the owner is emailed), never
  their own.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup, escape
from sqlalchemy import delete, select

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.second_factor import RecoveryCode
from app.services import audit, login_sessions, outbox
from app.services import login_throttle as throttle

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i


class SecondFactorError(Exception):
    """A refusal whose message is safe to show on the form."""

    def __init__(self, message: str) -> None:
        message = str(message)  # a lazy text rendered now: it may be flashed into the session
        super().__init__(message)
        self.message = message


WRONG_CODE = _l("That code is not right. Enter the 6-digit code your authenticator app shows "
                "now (each code works once), or one of your recovery codes.")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["ORG_SHORT_NAME"])


def qr_svg(uri: str) -> Markup:
    """The QR code as inline SVG markup: no script, no style attribute, no data: URI."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, dark="#000", light="#fff", svgclass="qr-code",
        title=str(_l("QR code for your authenticator app")))
    # segno draws the modules itself; the only text in the markup is our own title.
    label = escape(_l("QR code"))
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1))  # noqa: S704


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP_SECONDS)


def _digits(code: str | None) -> str:
    return "".join((code or "").split()).replace("-", "")


def _totp_step(secret: str, code: str) -> int | None:
    if len(code) != 6 or not code.isdigit():
        return None
    now = current_step()
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), code):
            return step
    return None


def _use_totp(user: User, secret: str, code: str) -> bool:
    step = _totp_step(secret, code)
    if step is None or step <= (user.totp_last_step or -1):
        return False
    user.totp_last_step = step
    return True


def _recovery_hash(code: str) -> str:
    return hashlib.sha256(code.lower().encode("ascii", "replace")).hexdigest()


def _use_recovery_code(user: User, code: str) -> bool:
    row = db.session.scalar(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == _recovery_hash(code),
                                   RecoveryCode.used_at.is_(None)).with_for_update())
    if row is None:
        return False
    row.used_at = utcnow()
    audit.record("second_factor.recovery_code_used", user, "user", user.id)
    return True


def use_code(user: User, code: str | None) -> bool:
    """Whether `code` (a fresh TOTP code or an unused recovery code) proves the factor; a
    good code is spent. Call inside a use case, with the user row locked."""
    if not user.has_second_factor:
        return False
    code = _digits(code)
    if _use_totp(user, user.totp_secret, code):
        return True
    return len(code) == 12 and _use_recovery_code(user, code)


def _locked_user(user_id: int) -> User | None:
    return db.session.get(User, user_id, with_for_update=True, populate_existing=True)


@use_case
def confirm_enrolment(user: User, secret: str, code: str | None) -> list[str]:
    """Make `secret` the person's factor once a code from it checks out; the new recovery
    codes come back, to be shown once. Replaces any factor the person had."""
    user = _locked_user(user.id)
    step = _totp_step(secret, _digits(code))
    if step is None:
        raise SecondFactorError(WRONG_CODE)
    user.totp_secret, user.totp_confirmed_at, user.totp_last_step = secret, utcnow(), step
    codes = _new_recovery_codes(user)
    audit.record("second_factor.enrolled", user, "user", user.id)
    with in_language(user.mail_language):
        outbox.enqueue(user.email, "second_factor_on", _l("Two-step sign-in is on"), user=user,
                       account_link=external_url("account.home"))
    return codes


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(12))
             for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    return [f"{c[:4]}-{c[4:8]}-{c[8:]}" for c in codes]


def unused_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


@use_case
def check_fresh_code(user: User, code: str | None) -> str | None:
    """None when `code` is a fresh code of the person's own factor (asked before a sensitive
    change such as granting roles), else the message to show. Wrong codes are counted (and
    committed: this returns rather than raises); too many end the person's sessions, so a
    borrowed session cannot guess."""
    user = _locked_user(user.id)
    if not user.has_second_factor:
        return "Set up two-step sign-in on your account page first."
    if use_code(user, code):
        return None
    audit.record("second_factor.fresh_code_failed", user, "user", user.id)
    if throttle.count_key_failure(f"fresh-code|{user.id}"):
        login_sessions.revoke_all(user)
    return str(WRONG_CODE)  # a plain str: it may be flashed into the session


@use_case
def reset_for(admin: User, user_id: int) -> User:
    """Remove another person's lost factor: audited, the owner emailed, their sessions ended
    (they set it up again at their next sign-in when their role needs it)."""
    if admin.id == user_id:
        raise SecondFactorError("You cannot reset your own second factor: ask another admin.")
    user = _locked_user(user_id)
    if user is None or not user.has_second_factor:
        raise SecondFactorError("This account has no second factor to reset.")
    user.totp_secret = user.totp_confirmed_at = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    login_sessions.revoke_all(user)
    audit.record("second_factor.reset", admin, "user", user.id, detail=f"by admin {admin.id}")
    with in_language(user.mail_language):
        outbox.enqueue(user.email, "second_factor_reset", _l("Your two-step sign-in was reset"),
                       user=user, admin_name=admin.name, login_link=external_url("auth.login"))
    return user
