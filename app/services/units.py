"""Unit requests: a clinical unit's staff book a patient standby, a unit security consult,
an elopement-risk watch or a valuables pickup, and see their unit's open requests.

Only members with affiliation "employee" ask, for the unit they chose once (User.unit).
Each request becomes a ticket of its kind (app.models.units) at that kind's default
priority, with the unit, the room, the time and the unit's phone for the call-back. None
holds a patient's name or diagnosis: `identifiers_in` refuses the obvious identifiers (a
record number, a date of birth, a name after a title) in every free-text field, here as
well as on the form, whichever way a request arrives.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.core.timezones import to_local
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location
from app.models.tickets import OPEN_STATUSES
from app.models.units import UNIT_KINDS, UnitRequest
from app.services import audit, outbox
from app.services.followup import follow_up_url
from app.services.tickets import Opened, open_ticket

MAX_DAYS_AHEAD = 30
DURATIONS = (15, 720)  # minutes: a standby or watch from a quarter hour to twelve hours
LIMITS = {"room": 60, "risk": 200, "concern": 1000, "items": 300, "phone": 40}

_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
IDENTIFIERS = (
    (re.compile(r"\b(mrn|m\.r\.n|medical\s+record|record\s+(no|number|#)|chart\s+(no|number|#)"
                r"|patient\s+id|acct\s*#)", re.I), _l("a medical record number")),
    (re.compile(r"\d{6,}|\b\d{3,}[-\s]\d{3,}[-\s]?\d*\b"), _l("a record or account number")),
    (re.compile(r"\b(dob|d\.o\.b|date\s+of\s+birth|born(\s+on)?)\b", re.I), _l("a date of birth")),
    (re.compile(r"\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b(19|20)\d{2}-\d{1,2}-\d{1,2}\b"
                rf"|\b{_MONTH}\s+\d{{1,2}},?\s+(19|20)\d{{2}}\b"
                rf"|\b\d{{1,2}}\s+{_MONTH}\s+(19|20)\d{{2}}\b", re.I), _l("a date of birth")),
    (re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|MR|MRS|MS)\.?\s+[A-Z][a-z]+"), _l("a patient's name")),
    (re.compile(r"\b(patient|pt)(\s*'s)?\s+name\b|\bname\s*(is|:)", re.I), _l("a patient's name")),
    (re.compile(r"\b(diagnos[a-z]*|dx)\b", re.I), _l("a diagnosis")),
)


class UnitRequestError(ValueError):
    """A request that cannot be made; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Booking:
    """What the form says; each kind reads the fields it has."""

    room: str | None = None
    when: datetime | None = None  # naive UTC; None means now
    duration_minutes: int | None = None
    risk: str | None = None
    restraints_planned: bool = False
    concern: str | None = None
    items: str | None = None
    phone: str | None = None


def identifiers_in(value: str | None):
    """What kind of patient identifier `value` seems to hold ("a date of birth"), or None."""
    for pattern, what in IDENTIFIERS:
        if value and pattern.search(value):
            return what
    return None


def refusal_for(what) -> str:
    return str(_l("This looks like %(what)s. Leave out the patient's name, record number, "
                  "date of birth and diagnosis: say only the risk, in a few words.",
                  what=what))


def may_ask(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and user.affiliation == "employee")


def units() -> list[Location]:
    """The active clinical units, by building then name."""
    return sorted(db.session.scalars(select(Location).where(
        Location.kind == "unit", Location.active.is_(True))), key=lambda u: u.path.casefold())


def rooms_of(unit: Location) -> list[Location]:
    return [child for child in unit.children if child.active and child.kind in ("room", "spot")]


@use_case
def choose_unit(user: User, unit_id: int) -> Location:
    """Remember the unit an employee asks for (once; they may change it)."""
    if not may_ask(user):
        raise UnitRequestError(_l("Unit requests are for hospital employees."))
    unit = db.session.get(Location, unit_id)
    if unit is None or unit.kind != "unit" or not unit.active:
        raise UnitRequestError(_l("Choose your unit from the list."), "unit_id")
    if user.unit_id != unit.id:
        user.unit = unit
        audit.record("account.unit_chosen", user, "user", user.id, detail=unit.path)
    return unit


def _clean(booking: Booking) -> dict[str, str | None]:
    texts = {}
    for name, limit in LIMITS.items():
        value = (getattr(booking, name) or "").strip() or None
        if value and len(value) > limit:
            raise UnitRequestError(_l("Keep this under %(limit)d characters.", limit=limit), name)
        what = identifiers_in(value) if name != "phone" else None
        if what:
            raise UnitRequestError(refusal_for(what), name)
        texts[name] = value
    return texts


def _check_time(cls: type[UnitRequest], booking: Booking) -> None:
    if not cls.ASKS_WHEN or booking.when is None:
        return
    now = utcnow()
    if booking.when < now - timedelta(minutes=5):
        raise UnitRequestError(_l("That time has already passed. Choose a later time."), "time")
    if booking.when > now + timedelta(days=MAX_DAYS_AHEAD):
        raise UnitRequestError(_l("Book at most %(days)d days ahead.", days=MAX_DAYS_AHEAD), "date")


def _check_kind(slug: str, booking: Booking, texts: dict) -> None:
    needs = {"standby": ("risk",), "elopement-watch": ("risk",), "consult": ("concern",),
             "valuables": ("items",)}[slug]
    for name in needs:
        if not texts[name]:
            raise UnitRequestError(_l("Say this in a few words."), name)
    if slug in ("standby", "elopement-watch"):
        low, high = DURATIONS
        if booking.duration_minutes is None or not low <= booking.duration_minutes <= high:
            raise UnitRequestError(_l("Give the expected duration: %(low)d to %(high)d minutes.",
                                      low=low, high=high), "duration_minutes")


def _room(unit: Location, typed: str | None) -> Location | None:
    if not typed:
        return None
    return next((r for r in rooms_of(unit) if r.name.casefold() == typed.casefold()), None)


def _summary(ticket: UnitRequest, where: str) -> str:
    when = "now" if ticket.requested_for is None else (
        to_local(ticket.requested_for).strftime("%a %d %b %H:%M"))
    extra = {
        "standby": lambda t: f", {t.duration_minutes} min"
                             f"{', restraints planned' if t.restraints_planned else ''}",
        "elopement_watch": lambda t: f", {t.duration_minutes} min",
    }.get(ticket.kind, lambda t: "")(ticket)
    return f"{ticket.KIND_LABEL} ({when}{extra}): {where}"[:200]


def build_request(slug: str, booking: Booking, user: User) -> UnitRequest:
    """The ticket for `booking` from `user`'s unit; UnitRequestError says what is wrong."""
    cls = UNIT_KINDS.get(slug)
    if cls is None:
        raise UnitRequestError(_l("Choose one of the unit requests."))
    if not may_ask(user):
        raise UnitRequestError(_l("Unit requests are for hospital employees."))
    unit = user.unit
    if unit is None or unit.kind != "unit" or not unit.active:
        raise UnitRequestError(_l("Choose your unit first."), "unit_id")
    texts = _clean(booking)
    _check_kind(slug, booking, texts)
    _check_time(cls, booking)
    phone = texts["phone"] or unit.phone
    if not phone:
        raise UnitRequestError(_l("Give the unit's phone number for the call-back."), "phone")
    room = _room(unit, texts["room"])
    ticket = cls(unit=unit, location=room or unit, room=None if room else texts["room"],
                 location_detail=None if room else texts["room"] or None,
                 requested_for=booking.when if cls.ASKS_WHEN else None, unit_phone=phone,
                 priority=cls.DEFAULT_PRIORITY, contact_name=user.name, contact_phone=phone,
                 contact_email=user.email)
    for name in ("risk", "concern", "items"):
        if hasattr(cls, name):
            setattr(ticket, name, texts[name])
    if hasattr(cls, "duration_minutes"):
        ticket.duration_minutes = booking.duration_minutes
    if hasattr(cls, "restraints_planned"):
        ticket.restraints_planned = bool(booking.restraints_planned)
    where = (room or unit).board_label + (f", room {texts['room']}" if texts["room"] and not room
                                           else "")
    ticket.summary = _summary(ticket, where)
    return ticket


@use_case
def request_for_unit(slug: str, booking: Booking, user: User,
                     submission_key: str | None = None) -> Opened:
    """Open the unit request of kind `slug` for `user`'s unit (one ticket and one mail per
    submission) and mail `user` its confirmation."""
    opened = open_ticket(build_request(slug, booking, user), user, submission_key)
    if not opened.duplicate and user.email:
        _confirm(opened)
    return opened


def _confirm(opened: Opened) -> None:
    """Queue the confirmation to the account's own (verified) address, so no typed-address
    quota applies. It says what was booked, never the free text (the risk, the concern,
    the items), which may be clinical."""
    ticket = opened.ticket
    with in_language(ticket.language):
        outbox.enqueue(ticket.contact_email, "unit_request",
                       _l("Your unit request %(reference)s", reference=ticket.reference),
                       dedupe_key=f"unit-request:{ticket.reference}", ticket=ticket,
                       follow_up_url=follow_up_url(ticket.reference, opened.token))


def open_for_unit(user: User) -> list[UnitRequest]:
    """The open requests of `user`'s unit, whoever made them: booked ones by their time,
    then the rest by age. Only unit request kinds (never a DV ticket) have a unit."""
    if not may_ask(user) or user.unit_id is None:
        return []
    query = (select(UnitRequest)
             .where(UnitRequest.unit_id == user.unit_id, UnitRequest.status.in_(OPEN_STATUSES))
             .order_by(func.coalesce(UnitRequest.requested_for, UnitRequest.created_at),
                       UnitRequest.id)
             .limit(200))
    return list(db.session.scalars(query))
