"""The second sign-in factor: a TOTP secret on the User row, and one-time recovery codes.

Recovery codes are stored as SHA-256 digests, not Argon2: each is 60 random bits made by
the server (not a person's choice), so there is no dictionary to try, and a digest can be
looked up directly. A slow hash protects guessable secrets; these are not guessable.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class RecoveryCode(db.Model):
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]
