"""Urgent campus alerts (shaped like CAP 1.2 messages), their subscribers and deliveries.

An alert is active from `confirmed_at` (an "extreme" one waits there for a second
dispatcher), between `starts_at` and `expires_at`, until an update supersedes it. An update
is an alert of its own that names the one it replaces (`supersedes_id`, unique: one alert
is replaced once, so two dispatchers updating at the same moment make one update).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location
from app.models.outbox import OutboxMessage

# CAP 1.2 <severity>, most serious first (the banner's order).
SEVERITIES = ("extreme", "severe", "moderate", "minor")
SEVERITY_LABELS = {
    "extreme": "Extreme: threat to life",
    "severe": "Severe: significant threat to life or property",
    "moderate": "Moderate: possible threat",
    "minor": "Minor: little or no threat",
}
# What the public pages and the mail call each severity (translated where shown).
SEVERITY_NAMES = {"extreme": N_("Extreme"), "severe": N_("Severe"),
                  "moderate": N_("Moderate"), "minor": N_("Minor")}
CAMPUS_WIDE = N_("Campus-wide")  # `where` of an alert for the whole campus (English: CAP)
PENDING, CONFIRMED, UNSUBSCRIBED = "pending", "confirmed", "unsubscribed"

campus_alert_location = Table(
    "campus_alert_location",
    db.metadata,
    Column("alert_id", ForeignKey("campus_alert.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", ForeignKey("location.id", ondelete="CASCADE"), primary_key=True),
)


class CampusAlert(db.Model):
    __tablename__ = "campus_alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(80), unique=True)  # CAP <identifier>
    headline: Mapped[str] = mapped_column(String(160))
    instruction: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    campus_wide: Mapped[bool] = mapped_column(default=True)
    all_clear: Mapped[bool] = mapped_column(default=False)
    starts_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    issued_via: Mapped[str] = mapped_column(String(10), default="web")
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("campus_alert.id", ondelete="SET NULL"), unique=True)
    superseded_at: Mapped[datetime | None]
    # A held alert withdrawn before anyone confirmed it: it never goes out.
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    fanout_done_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    locations: Mapped[list[Location]] = relationship(
        secondary=campus_alert_location, order_by=Location.name)
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])
    supersedes: Mapped[CampusAlert | None] = relationship(remote_side=[id])

    @property
    def awaiting_confirmation(self) -> bool:
        """Held for a second dispatcher: not confirmed, not withdrawn."""
        return self.confirmed_at is None and self.withdrawn_at is None

    @property
    def went_out(self) -> bool:
        return self.confirmed_at is not None

    @property
    def where(self) -> str:
        if self.campus_wide or not self.locations:
            return CAMPUS_WIDE
        return ", ".join(place.name for place in self.locations)

    def is_active(self, now: datetime) -> bool:
        return (self.confirmed_at is not None and self.superseded_at is None
                and self.starts_at <= now < self.expires_at)


class AlertSubscriber(db.Model):
    """An address that gets every campus alert by email (not the APB's subscribers)."""

    __tablename__ = "alert_subscriber"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    status: Mapped[str] = mapped_column(String(14), default=PENDING, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    # The language they subscribed in: the fixed parts of their alert mail (the alert's
    # own words, written by dispatch, are not translated).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")


class AlertDelivery(db.Model):
    """One row per (alert, subscriber): the unique key makes each mail happen once."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("alert_id", "subscriber_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("campus_alert.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("alert_subscriber.id", ondelete="CASCADE"))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    outbox_message: Mapped[OutboxMessage | None] = relationship()
