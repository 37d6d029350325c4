"""Login sessions kept on the server, so that ending one really ends it.

Flask-Login's user id is replaced by a random session token (its "alternative token"): the
cookie carries the token, the database only its hash. Logging out, disabling an account,
changing a password, an idle staff session or one past its absolute limit revokes the row,
and a copied cookie, remember-me cookie included, stops working at once.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import contains_eager

from app.core import tokens
from app.core.database import use_case
from app.extensions import db, login_manager
from app.models.accounts import LoginSession, User
from app.models.base import utcnow
from app.services import login_sessions

TOUCH_EVERY = timedelta(seconds=30)


def init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row does this job
    login_manager.user_loader(load_user)

    @app.before_request
    def load_current_user() -> None:
        # Load (and touch) the session row before any use case opens its transaction.
        # Static files never touch the database: site.js (the quick exit) must load even
        # while the database is busy or down.
        if request.endpoint == "static":
            return
        current_user._get_current_object()


def begin(user: User, remember: bool = False) -> None:
    """Put the session the sign-in use case opened (`user.session_token`) in the cookie.

    Whatever this browser's session held before is cleared first (the use case has already
    ended that session's row).
    """
    session.clear()
    login_user(user, remember=remember)


def end() -> None:
    """Clear the cookie after the logout use case ended the session row."""
    logout_user()
    session.clear()


revoke_all = login_sessions.revoke_all  # for callers that reach it from here


def idle_limit(user: User) -> timedelta | None:
    if not user.is_staff:
        return None
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def _expired(row: LoginSession, now) -> bool:
    absolute = timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"])
    if not row.user.is_staff:
        absolute = max(absolute, current_app.config["REMEMBER_COOKIE_DURATION"])
    limit = idle_limit(row.user)
    return now - row.created_at > absolute or (limit is not None and now - row.last_seen_at > limit)


AUTO_REFRESH_PARAM = "auto_refresh"


# Endpoints that are never the person's activity (the live streams and their heartbeats,
# their reconnects included): app.blueprints.stream adds its routes here.
PASSIVE_ENDPOINTS: set[str] = set()


def is_auto_refresh() -> bool:
    """A page reloading itself (live board, follow-up page) is not the person's activity,
    so it does not keep an idle staff session alive."""
    return request.args.get(AUTO_REFRESH_PARAM) == "1" or request.endpoint in PASSIVE_ENDPOINTS


# The session row, its user and the user's roles in one statement: this runs on every
# request of a signed-in person, so it is one round trip instead of three.
_SESSION_WITH_USER = (
    select(LoginSession)
    .join(LoginSession.user)
    .outerjoin(User.roles)
    .where(LoginSession.session_hash == bindparam("session_hash"))
    .options(contains_eager(LoginSession.user).contains_eager(User.roles))
)


def load_user(raw: str) -> User | None:
    if not raw or not isinstance(raw, str) or len(raw) > 200:
        return None
    row = db.session.scalars(_SESSION_WITH_USER, {"session_hash": tokens.hash_token(raw)}
                             ).unique().first()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    now = utcnow()
    if _expired(row, now):
        ended = "idle" if row.user.is_staff else "expired"
        _end_row(row.id, now)
        session["_ended"] = ended
        return None
    if now - row.last_seen_at > TOUCH_EVERY and not is_auto_refresh():
        _touch_row(row, now)
    user = row.user
    user.session_token = raw
    user.session_row = row
    return user


@use_case
def _end_row(row_id: int, now) -> None:
    """An idle or too old session row is revoked for good (its own short transaction)."""
    db.session.execute(update(LoginSession).where(LoginSession.id == row_id)
                       .values(revoked_at=now))


@use_case
def _touch_row(row: LoginSession, now) -> None:
    """The person is active: move the idle clock on (at most every TOUCH_EVERY)."""
    row.last_seen_at = now


def seconds_left(user: User) -> int | None:
    """Seconds before an idle staff session ends, for the warning dialog."""
    limit = idle_limit(user)
    row = getattr(user, "session_row", None)
    if limit is None or row is None:
        return None
    return max(0, int((row.last_seen_at + limit - utcnow()).total_seconds()))


def still_valid(raw: str | None) -> User | None:
    """The user of session `raw` if it is still live (not revoked, not idle or past its
    limit, account active), without touching it: a long-lived stream asks this every few
    seconds, and asking is not activity. The user's roles are read fresh."""
    if not raw or not isinstance(raw, str):
        return None
    db.session.expire_all()
    row = db.session.scalars(_SESSION_WITH_USER, {"session_hash": tokens.hash_token(raw)}
                             ).unique().first()
    if row is None or row.revoked_at is not None or not row.user.is_active:
        return None
    return None if _expired(row, utcnow()) else row.user
