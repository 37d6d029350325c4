"""Training seminars, their dated sessions and the people registered for them.

A Seminar is what the division teaches (active-shooter response, de-escalation...); a
SeminarSession is one dated class of it with a capacity; a Registration is one person's
place (or waitlist place) in one session.

Seats: a registration holds a seat only while it is "confirmed" (or "attended"). A visitor's
registration is "pending" until they follow the emailed link and holds no seat; the seat is
given at confirmation time, in the order confirmations arrive. `arrival` is a per-session
sequence number taken under the session's lock when a registration is confirmed or
waitlisted, so the waitlist order is the order in which those transactions committed.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_, lazy_gettext
from app.extensions import db
from app.models.accounts import User
from app.models.base import TimestampMixin, utcnow

AUDIENCES = {"employees": N_("Employees only"), "public": N_("Open to the public")}
TOPICS = {
    "active-shooter": N_("Active-shooter response"),
    "workplace-violence": N_("Workplace violence prevention"),
    "de-escalation": N_("De-escalation"),
    "infant-protection": N_("Infant Protection Program"),
    "crime-prevention": N_("Crime prevention"),
    "safety-security": N_("Safety and security"),
}

PENDING, CONFIRMED, WAITLISTED, CANCELLED, ATTENDED = (
    "pending", "confirmed", "waitlisted", "cancelled", "attended",
)
REGISTRATION_STATUSES = (PENDING, CONFIRMED, WAITLISTED, CANCELLED, ATTENDED)
ACTIVE_STATUSES = (PENDING, CONFIRMED, WAITLISTED, ATTENDED)
SEATED_STATUSES = (CONFIRMED, ATTENDED)
STATUS_LABELS = {
    PENDING: N_("Waiting for email confirmation"),
    CONFIRMED: N_("Confirmed"),
    WAITLISTED: N_("On the waitlist"),
    CANCELLED: N_("Cancelled"),
    ATTENDED: N_("Attended"),
}


class Seminar(TimestampMixin, db.Model):
    __tablename__ = "seminar"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[str] = mapped_column(String(20), default="public")
    topic: Mapped[str] = mapped_column(String(40), index=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    active: Mapped[bool] = mapped_column(default=True)

    sessions: Mapped[list[SeminarSession]] = relationship(
        back_populates="seminar", order_by="SeminarSession.starts_at"
    )

    @property
    def audience_label(self) -> str:
        return lazy_gettext(AUDIENCES.get(self.audience, self.audience))

    @property
    def topic_label(self) -> str:
        return lazy_gettext(TOPICS.get(self.topic, self.topic))

    @property
    def employees_only(self) -> bool:
        return self.audience == "employees"


class SeminarSession(TimestampMixin, db.Model):
    """One dated class of a seminar. Times are naive UTC, like every stored time."""

    __tablename__ = "seminar_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    seminar_id: Mapped[int] = mapped_column(ForeignKey("seminar.id", ondelete="CASCADE"),
                                            index=True)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int] = mapped_column(default=20)
    trainer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str | None] = mapped_column(String(300))
    reminder_hours: Mapped[int | None] = mapped_column()  # None: SEMINAR_REMINDER_HOURS
    arrival_seq: Mapped[int] = mapped_column(default=0)  # last arrival number given out

    seminar: Mapped[Seminar] = relationship(back_populates="sessions", lazy="joined",
                                            innerjoin=True)
    trainer: Mapped[User | None] = relationship()
    registrations: Mapped[list[Registration]] = relationship(
        back_populates="session", order_by="Registration.id"
    )

    __table_args__ = (
        db.CheckConstraint("capacity >= 1", name="capacity"),
        db.CheckConstraint("ends_at > starts_at", name="times"),
    )

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.starts_at <= utcnow()

    @property
    def where(self) -> str:
        return self.place or ("Online" if self.online_url else "To be announced")


class Registration(db.Model):
    __tablename__ = "seminar_registration"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("seminar_session.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"),
                                                index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    # "user:<id>" for members, "email:<normalised address>" for everyone else.
    person_key: Mapped[str] = mapped_column(String(270))
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    arrival: Mapped[int | None] = mapped_column()
    cancel_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    promoted_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    # The language the person registered in: every mail about this place uses it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    session: Mapped[SeminarSession] = relationship(back_populates="registrations")
    user: Mapped[User | None] = relationship()

    __table_args__ = (
        Index(
            "uq_seminar_registration_active",
            "session_id",
            "person_key",
            unique=True,
            sqlite_where=text("status != 'cancelled'"),
            postgresql_where=text("status != 'cancelled'"),
        ),
        Index("ix_seminar_registration_queue", "session_id", "status", "arrival"),
    )

    @property
    def status_label(self):
        """The status in the page's language (English on staff pages and in exports)."""
        return lazy_gettext(STATUS_LABELS.get(self.status, self.status))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES
