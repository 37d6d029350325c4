"""Sign-in failure counting: the lock after repeated failures, for any email address.

A known account counts on its User row (failed_logins, locked_until); an address without an
account counts in LoginThrottle under the address's SHA-256, so that the sign-in form answers
the same, lock message included, whether or not the address has an account.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.database import use_case
from app.extensions import db
from app.jobs import periodic
from app.models.base import utcnow
from app.models.login_throttle import LoginThrottle
from app.services import audit


def email_hash(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode("utf-8", "replace")).hexdigest()


def count_failure(counter, attr: str, now: datetime) -> str:
    """Add a failure to `counter`; at the limit, lock it and say so."""
    count = (getattr(counter, attr) or 0) + 1
    if count >= current_app.config["LOGIN_MAX_FAILURES"]:
        setattr(counter, attr, 0)
        counter.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        return "locked"
    setattr(counter, attr, count)
    return "invalid"


def audit_failure(outcome: str, user_id) -> None:
    audit.record("login.locked" if outcome == "locked" else "login.failure", None, "user", user_id)


def unknown_email_failure(email: str) -> str:
    """Count a failure for an address without an account, exactly as for a known one.

    Returns "invalid" or "locked", the outcomes a known account with a wrong password gets.
    """
    row = _throttle_row(email_hash(email))
    now = utcnow()
    if row.locked_until and row.locked_until > now:
        audit.record("login.failure", None, "user", "unknown", detail="locked")
        return "locked"
    outcome = count_failure(row, "failures", now)
    audit_failure(outcome, "unknown")
    return outcome


def _throttle_row(key: str) -> LoginThrottle:
    query = select(LoginThrottle).where(LoginThrottle.email_hash == key).with_for_update()
    row = db.session.scalars(query.execution_options(populate_existing=True)).first()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LoginThrottle(email_hash=key, failures=0)
            db.session.add(row)
    except IntegrityError:  # another request inserted it first
        row = db.session.scalars(query.execution_options(populate_existing=True)).one()
    return row


@periodic("accounts.purge_login_throttle", every_seconds=3600)
@use_case
def purge_login_throttle() -> int:
    """Forget failure counts for unknown addresses once they no longer matter (a day)."""
    cutoff = utcnow() - timedelta(days=1)
    result = db.session.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < cutoff))
    return result.rowcount or 0
