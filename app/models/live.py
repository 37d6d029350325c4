"""Officers' own status (available, on a call, on break, off duty), as an append-only log.

The newest row per officer is their current status; every row is also an event of the live
stream (app.services.events), next to the ticket events, so the board's officer panel is
told of a change the way it is told of a ticket change.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow

AVAILABLE, ON_CALL, ON_BREAK, OFF_DUTY = "available", "on_call", "on_break", "off_duty"
OFFICER_STATUSES = (AVAILABLE, ON_CALL, ON_BREAK, OFF_DUTY)
OFFICER_STATUS_LABELS = {
    AVAILABLE: "Available",
    ON_CALL: "On a call",
    ON_BREAK: "On break",
    OFF_DUTY: "Off duty",
}


class OfficerStatusEvent(db.Model):
    __tablename__ = "officer_status_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (Index("ix_officer_status_event_officer", "officer_id", "id"),)

    @property
    def label(self) -> str:
        return OFFICER_STATUS_LABELS.get(self.status, self.status)
