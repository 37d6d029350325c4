"""Virtual walks (the safety timer): a walk that calls dispatch by itself if it runs out.

A `VirtualWalk` lives only while it runs. Ended safely ("I'm safe") or cancelled, its row is
deleted and only the day's count in `WalkTally` goes up: no places, no phone, no position
is kept. When the timer runs out (the `walks.fire` job) or the walker presses "Help now",
a `SafetyTimerTicket` (a Ticket kind, P1) is opened with everything the walk knows, and the
walk stays as the ticket's record, its link then opening the ticket's follow-up page too.

A member may keep `SavedWalk`s for the walks they repeat.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.escorts import PlaceLabels
from app.models.locations import Location
from app.models.tickets import Ticket

RUNNING, ALERTED = "running", "alerted"
WALK_STATUSES = (RUNNING, ALERTED)
RAN_OUT, HELP_NOW = "ran_out", "help_now"
# English for dispatch (ticket summaries); translated where the walker reads them.
REASON_LABELS = {RAN_OUT: N_("Safety timer ran out"), HELP_NOW: N_("Help now pressed")}


class PlacesColumns:
    """The from/to of a walk: a campus Location, or the walker's own words."""

    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    from_other: Mapped[str | None] = mapped_column(String(200))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    to_other: Mapped[str | None] = mapped_column(String(200))


class Position:
    """The last shared position, rounded (latitude, longitude, accuracy in metres)."""

    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    accuracy_m: Mapped[int | None]
    located_at: Mapped[datetime | None]

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class VirtualWalk(PlaceLabels, PlacesColumns, Position, db.Model):
    __tablename__ = "virtual_walk"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    submission_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=RUNNING)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline_at: Mapped[datetime]
    minutes: Mapped[int]
    extensions: Mapped[int] = mapped_column(default=0)
    phone: Mapped[str] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(120))
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    walker_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id", ondelete="SET NULL"))
    # The language the walk was started in: its pages, and the ticket it opens (dispatch
    # sees "Prefers Spanish"), whoever opens that ticket (the worker, Help now).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")

    from_location: Mapped[Location | None] = relationship(
        foreign_keys="VirtualWalk.from_location_id")
    to_location: Mapped[Location | None] = relationship(
        foreign_keys="VirtualWalk.to_location_id")
    walker: Mapped[User | None] = relationship()
    ticket: Mapped[Ticket | None] = relationship()

    # The worker's question, "which running walks are past their deadline?", reads this.
    __table_args__ = (Index("ix_virtual_walk_due", "status", "deadline_at"),)

    @property
    def is_running(self) -> bool:
        return self.status == RUNNING


class SafetyTimerTicket(PlaceLabels, PlacesColumns, Position, Ticket):
    """The P1 ticket a walk opens: the timer ran out, or the walker pressed Help now."""

    __tablename__ = "safety_timer_ticket"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    reason: Mapped[str] = mapped_column(String(12))
    walk_started_at: Mapped[datetime]
    walk_deadline_at: Mapped[datetime]
    extensions: Mapped[int] = mapped_column(default=0)
    emergency_phone: Mapped[str | None] = mapped_column(String(40))

    from_location: Mapped[Location | None] = relationship(
        foreign_keys="SafetyTimerTicket.from_location_id")
    to_location: Mapped[Location | None] = relationship(
        foreign_keys="SafetyTimerTicket.to_location_id")

    __mapper_args__ = {"polymorphic_identity": "safety_timer"}

    KIND_LABEL = N_("Safety timer")
    REFERENCE_PREFIX = "SAF"
    REQUESTER_NOUN = "safety alert"

    @property
    def reason_label(self) -> str:
        return REASON_LABELS.get(self.reason, self.reason)

    @property
    def requester_summary(self):
        """The summary in the walker's language (the stored one is dispatch's English)."""
        return _l("%(reason)s: walk from %(start)s to %(destination)s",
                  reason=_l(self.reason_label), start=self.from_label, destination=self.to_label)


class SavedWalk(PlaceLabels, PlacesColumns, db.Model):
    """A member's walk they repeat: the places, the usual time and the numbers."""

    __tablename__ = "saved_walk"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    minutes: Mapped[int]
    phone: Mapped[str] = mapped_column(String(40))
    emergency_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    from_location: Mapped[Location | None] = relationship(
        foreign_keys="SavedWalk.from_location_id")
    to_location: Mapped[Location | None] = relationship(
        foreign_keys="SavedWalk.to_location_id")


class WalkTally(db.Model):
    """What is left of walks that ended safely: how many, per day (for the dashboard)."""

    __tablename__ = "walk_tally"

    day: Mapped[date] = mapped_column(primary_key=True)
    ended_safely: Mapped[int] = mapped_column(default=0)
