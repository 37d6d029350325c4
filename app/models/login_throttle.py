"""Failed sign-ins for email addresses that have no account.

Known accounts count failures on the User row; an unknown address is counted here, under the
SHA-256 of the address, so that the sign-in form behaves the same (lock message included)
whether or not the address has an account, and the address itself is never stored.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class LoginThrottle(db.Model):
    __tablename__ = "login_throttle"

    email_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
