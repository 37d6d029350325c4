"""Shifts (config SHIFTS) and the shift report a supervisor prints and signs off.

A shift is a local date and a name; it runs from its start (local time in TIMEZONE) to the
next shift's start. The report lists every ticket received in the shift (never a
confidential one), its times, officers and the notes a dispatcher marked for the report.
Signing off is once per shift, audited.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.database import use_case
from app.core.timezones import combine, to_local
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.shifts import ShiftSignOff
from app.models.tickets import Ticket, TicketEvent
from app.services import audit, visibility
from app.services.dispatch import clean_text

COMMENT_MAX = 1000


class ShiftError(Exception):
    """A sign-off that cannot be done; the message is shown to the supervisor."""


@dataclass(frozen=True)
class Shift:
    day: date
    name: str
    start: datetime  # naive UTC
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} shift of {self.day:%a %d %b %Y}"


def shift_names() -> list[str]:
    return [name for name, _ in current_app.config["SHIFTS"]]


def _starts() -> list[tuple[str, time]]:
    return [(name, time.fromisoformat(at)) for name, at in current_app.config["SHIFTS"]]


def shift(day: date, name: str) -> Shift | None:
    """The shift `name` of local date `day`, or None for a name that is not a shift."""
    starts = _starts()
    for n, (shift_name, at) in enumerate(starts):
        if shift_name == name:
            following_day, following = (day, starts[n + 1][1]) if n + 1 < len(starts) else (
                day + timedelta(days=1), starts[0][1])
            return Shift(day, name, combine(day, at), combine(following_day, following))
    return None


def current_shift(now: datetime | None = None) -> Shift:
    """The shift running at `now` (naive UTC; default now): today's, or yesterday's last
    one before today's first shift starts."""
    now = now or utcnow()
    today = to_local(now).date()
    for day in (today, today - timedelta(days=1)):
        for name in shift_names():
            found = shift(day, name)
            if found.start <= now < found.end:
                return found
    raise ShiftError("No shift is configured for this time.")


def last_ended(name: str, now: datetime | None = None) -> Shift | None:
    """The latest shift called `name` that is over at `now` (None: no such shift)."""
    now = now or utcnow()
    today = to_local(now).date()
    for day in (today, today - timedelta(days=1), today - timedelta(days=2)):
        found = shift(day, name)
        if found is not None and found.end <= now:
            return found
    return None


@dataclass(frozen=True)
class ReportLine:
    ticket: Ticket
    notes: list[TicketEvent]


@dataclass(frozen=True)
class ShiftReport:
    shift: Shift
    lines: list[ReportLine]
    sign_off: ShiftSignOff | None


def shift_report(found: Shift) -> ShiftReport:
    """Every non-confidential ticket received in the shift, oldest first, with its notes
    marked for the report, and the sign-off if there is one."""
    tickets = db.session.scalars(
        select(Ticket).where(Ticket.created_at >= found.start, Ticket.created_at < found.end,
                             visibility.not_confidential(), Ticket.kind != "dv")
        .options(selectinload(Ticket.events)).order_by(Ticket.created_at, Ticket.id)
    ).all()
    lines = [ReportLine(t, [e for e in t.events if e.kind == "note" and e.for_shift_report])
             for t in tickets]
    return ShiftReport(found, lines, _sign_off(found))


def _sign_off(found: Shift) -> ShiftSignOff | None:
    return db.session.scalar(select(ShiftSignOff).where(ShiftSignOff.shift_start == found.start))


@use_case
def sign_off(found: Shift, actor: User, comment: str | None) -> ShiftSignOff:
    """Sign the shift's report: once per shift, only after the shift ended, audited."""
    if found.end > utcnow():
        raise ShiftError("This shift has not ended yet: sign it off when it is over.")
    comment = clean_text(comment) or None
    if comment and len(comment) > COMMENT_MAX:
        raise ShiftError(f"Keep the comment under {COMMENT_MAX} characters.")
    if _sign_off(found) is not None:
        raise ShiftError("This shift is already signed off.")
    report = shift_report(found)
    signed = ShiftSignOff(shift_start=found.start, shift_end=found.end, shift_name=found.name,
                          signed_by=actor, comment=comment, tickets_count=len(report.lines))
    db.session.add(signed)
    try:
        db.session.flush()
    except IntegrityError as raced:  # a colleague signed the same shift at the same moment
        raise ShiftError("This shift is already signed off.") from raced
    audit.record("shift.sign_off", actor, "shift", f"{found.day}-{found.name}",
                 detail=f"tickets={len(report.lines)}")
    return signed
