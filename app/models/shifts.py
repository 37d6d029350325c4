"""A shift's sign-off: the supervisor's word that a shift report was read and is complete."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow


class ShiftSignOff(db.Model):
    """One per shift (its start, naive UTC, is unique): signed once, never edited."""

    __tablename__ = "shift_sign_off"

    id: Mapped[int] = mapped_column(primary_key=True)
    shift_start: Mapped[datetime] = mapped_column(unique=True)
    shift_end: Mapped[datetime]
    shift_name: Mapped[str] = mapped_column(String(20))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(String(1000))
    tickets_count: Mapped[int] = mapped_column(default=0)  # what the signed report listed

    signed_by: Mapped[User | None] = relationship()
