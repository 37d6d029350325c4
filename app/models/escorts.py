"""Escorts: a one-off escort request (a Ticket kind) and a member's recurring escort.

A recurring escort is a standing order ("every weekday at 23:15 from Garage A level 3 to
the light rail station"); the worker turns each occurrence into an EscortRequest shortly
before its time. The unique (recurring_id, occurrence_date) key on escort_request makes
sure an occurrence becomes at most one ticket, however many workers run.
"""
from __future__ import annotations

from datetime import date, datetime, time

from flask_babel import gettext
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import User
from app.models.base import TimestampMixin
from app.models.locations import Location
from app.models.tickets import Ticket

WEEKDAY_NAMES = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
                 N_("Saturday"), N_("Sunday"))


def place_label(location: Location | None, other: str | None) -> str:
    """How a from/to place reads: the location's name, or the requester's description."""
    if location is not None:
        return location.name
    return (other or "").strip() or "a place not given"


class PlaceLabels:
    """The "from" and "to" of an escort (one-off or recurring), as a person reads them."""

    @property
    def from_label(self) -> str:
        return place_label(self.from_location, self.from_other)

    @property
    def to_label(self) -> str:
        return place_label(self.to_location, self.to_other)


class EscortRequest(PlaceLabels, Ticket):
    __tablename__ = "escort_request"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    from_other: Mapped[str | None] = mapped_column(String(200))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    to_other: Mapped[str | None] = mapped_column(String(200))
    requested_for: Mapped[datetime | None]  # naive UTC; None means "as soon as possible"
    scheduled: Mapped[bool] = mapped_column(default=False)
    party_size: Mapped[int] = mapped_column(default=1)
    needs: Mapped[str | None] = mapped_column(String(500))
    recurring_id: Mapped[int | None] = mapped_column(
        ForeignKey("recurring_escort.id", ondelete="SET NULL"), index=True
    )
    occurrence_date: Mapped[date | None]

    from_location: Mapped[Location | None] = relationship(foreign_keys=[from_location_id])
    to_location: Mapped[Location | None] = relationship(foreign_keys=[to_location_id])
    recurring: Mapped[RecurringEscort | None] = relationship(back_populates="occurrences")

    __mapper_args__ = {"polymorphic_identity": "escort"}
    __table_args__ = (
        UniqueConstraint("recurring_id", "occurrence_date", name="uq_escort_occurrence"),
    )

    KIND_LABEL = N_("Escort")
    REFERENCE_PREFIX = "ESC"

    @property
    def requester_summary(self):
        """The summary in the requester's language (the stored one is dispatch's English)."""
        return _l("Escort from %(start)s to %(destination)s", start=self.from_label,
                  destination=self.to_label)


class RecurringEscort(PlaceLabels, TimestampMixin, db.Model):
    """A member's standing escort; `weekdays` holds Python weekday numbers, e.g. "01234"."""

    __tablename__ = "recurring_escort"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    from_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    from_other: Mapped[str | None] = mapped_column(String(200))
    to_location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    to_other: Mapped[str | None] = mapped_column(String(200))
    time_of_day: Mapped[time]  # local time in config TIMEZONE
    weekdays: Mapped[str] = mapped_column(String(7))
    start_date: Mapped[date]
    end_date: Mapped[date | None]
    party_size: Mapped[int] = mapped_column(default=1)
    needs: Mapped[str | None] = mapped_column(String(500))
    contact_phone: Mapped[str] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True, index=True)
    last_materialised_on: Mapped[date | None]

    owner: Mapped[User] = relationship()
    from_location: Mapped[Location | None] = relationship(foreign_keys=[from_location_id])
    to_location: Mapped[Location | None] = relationship(foreign_keys=[to_location_id])
    skips: Mapped[list[RecurringEscortSkip]] = relationship(
        back_populates="recurring", cascade="all, delete-orphan",
        order_by="RecurringEscortSkip.skip_date",
    )
    occurrences: Mapped[list[EscortRequest]] = relationship(back_populates="recurring")

    @property
    def weekday_numbers(self) -> set[int]:
        return {int(ch) for ch in self.weekdays if ch.isdigit() and int(ch) < 7}

    @property
    def weekday_label(self) -> str:
        days = sorted(self.weekday_numbers)
        if days == [0, 1, 2, 3, 4]:
            return gettext("Every weekday")
        if len(days) == 7:
            return gettext("Every day")
        return ", ".join(gettext(WEEKDAY_NAMES[d]) for d in days)

    @property
    def skip_dates(self) -> set[date]:
        return {skip.skip_date for skip in self.skips}


class RecurringEscortSkip(db.Model):
    """One occurrence the member does not need (e.g. a day off)."""

    __tablename__ = "recurring_escort_skip"

    id: Mapped[int] = mapped_column(primary_key=True)
    recurring_id: Mapped[int] = mapped_column(
        ForeignKey("recurring_escort.id", ondelete="CASCADE"), index=True
    )
    skip_date: Mapped[date]

    recurring: Mapped[RecurringEscort] = relationship(back_populates="skips")

    __table_args__ = (UniqueConstraint("recurring_id", "skip_date", name="uq_recurring_skip"),)
