"""The server-side session rows behind every sign-in (LoginSession), without the web.

A session is a random token: the browser's cookie carries it (app.web.sessions puts it
there), the database only its hash. These functions run inside the caller's use case.
"""
from __future__ import annotations

from sqlalchemy import update

from app.core import tokens
from app.extensions import db
from app.models.accounts import LoginSession, User
from app.models.base import utcnow


def open_session(user: User, user_agent: str = "", replacing: str | None = None) -> str:
    """A new session row for `user`; returns its raw token (also left on `user`).

    `replacing` is the token this browser held before (another account's included): it is
    ended first, so an identifier planted before sign-in is worthless afterwards."""
    revoke(replacing)
    raw = tokens.new_token()
    db.session.add(LoginSession(session_hash=tokens.hash_token(raw), user=user,
                                user_agent=(user_agent or "")[:200]))
    user.session_token = raw
    return raw


def revoke(raw: str | None) -> None:
    """End the session whose raw token is `raw` (nothing when there is none)."""
    if raw and isinstance(raw, str):
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.session_hash == tokens.hash_token(raw),
                   LoginSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )


def revoke_all(user: User, keep: str | None = None) -> None:
    """End every session of `user` (disabling, password change); the caller's use case commits.

    `keep` is a raw session token to spare (the person changing their own password).
    """
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None)
    )
    if keep:
        query = query.where(LoginSession.session_hash != tokens.hash_token(keep))
    db.session.execute(query.values(revoked_at=utcnow()))


def touch(user: User) -> None:
    """Extend an idle staff session (the "Stay signed in" button; the caller commits)."""
    raw = getattr(user, "session_token", None)
    if raw:
        db.session.execute(
            update(LoginSession)
            .where(LoginSession.session_hash == tokens.hash_token(raw),
                   LoginSession.revoked_at.is_(None))
            .values(last_seen_at=utcnow())
        )
        row = getattr(user, "session_row", None)
        if row is not None:
            db.session.refresh(row)
