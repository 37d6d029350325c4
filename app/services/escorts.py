"""Escort use cases: request an escort, keep a recurring escort, and turn its occurrences
into tickets shortly before their time (the `escorts.materialise` job).

Times: people type local times (config TIMEZONE); everything stored is naive UTC.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.core.timezones import combine, local_today, site_zone, to_local
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.escorts import EscortRequest, RecurringEscort, RecurringEscortSkip
from app.ops.jobs import periodic
from app.services import audit, locations
from app.services.followup import follow_up_url
from app.services.mail_quota import enqueue_typed
from app.services.tickets import Opened, open_ticket


class EscortError(ValueError):
    """A request the service refuses; the message is shown to the person."""


@dataclass(frozen=True)
class Place:
    """One end of an escort: a Location id, or "other" with a description."""

    location_id: int | None = None
    other: str | None = None


@dataclass(frozen=True)
class EscortDetails:
    """What a one-off escort request says: the trip, when, and how to reach the person."""

    origin: Place
    destination: Place
    requested_for: datetime | None
    party_size: int
    needs: str | None
    phone: str
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class RecurringDetails:
    """A recurring escort: the trip, the time of day, the weekdays and the dates."""

    origin: Place
    destination: Place
    time_of_day: time
    weekdays: set[int]
    start_date: date
    end_date: date | None
    party_size: int
    needs: str | None
    phone: str


def default_priority(scheduled: bool) -> int:
    """DESIGN.md §3: an escort wanted now is P2, a scheduled one P3."""
    return 3 if scheduled else 2


# --- places -----------------------------------------------------------------------------

CHOOSE_PLACE = {"start": _l("Choose a start place from the list."),
                "destination": _l("Choose a destination place from the list.")}
DESCRIBE_PLACE = {"start": _l("Describe the start place."),
                  "destination": _l("Describe the destination place.")}


def _resolve(place: Place, which: str) -> Place:
    if place.location_id is not None:
        if locations.choosable(place.location_id) is None:
            raise EscortError(CHOOSE_PLACE[which])
        return Place(place.location_id)
    other = (place.other or "").strip()
    if not other:
        raise EscortError(DESCRIBE_PLACE[which])
    return Place(other=other[:200])


def check_places(origin: Place, destination: Place) -> tuple[Place, Place]:
    """A trip's two ends, checked (EscortError): each a place a person may choose now
    (app.services.locations.choosable) or a description, and not the same place twice.
    Escorts, recurring escorts and virtual walks share it."""
    start, end = _resolve(origin, "start"), _resolve(destination, "destination")
    same_location = start.location_id is not None and start.location_id == end.location_id
    same_text = start.other and end.other and start.other.casefold() == end.other.casefold()
    if same_location or same_text:
        raise EscortError(_l("The start and the destination are the same place."))
    return start, end


def label(place: Place) -> str:
    """How a checked end reads: the place's name, or the person's description."""
    if place.location_id is None:
        return place.other or ""
    return locations.places()[place.location_id].name


# --- one-off escorts --------------------------------------------------------------------

def check_when(requested_for: datetime | None, now: datetime) -> None:
    """Refuse a requested time in the past or beyond ESCORT_MAX_DAYS_AHEAD (EscortError)."""
    if requested_for is None:
        return
    if requested_for < now - timedelta(minutes=5):
        raise EscortError(_l("The time you chose has already passed."))
    if requested_for > now + timedelta(days=current_app.config["ESCORT_MAX_DAYS_AHEAD"]):
        raise EscortError(_l("Escorts can be booked at most %(days)s days ahead.",
                             days=current_app.config["ESCORT_MAX_DAYS_AHEAD"]))


def _check_party(party_size: int) -> None:
    if not 1 <= party_size <= 20:
        raise EscortError(_l("The number of people must be between 1 and 20."))


def build_escort(origin: Place, destination: Place, requested_for: datetime | None,
                 party_size: int, needs: str | None) -> EscortRequest:
    """A new, unsaved EscortRequest, its places checked, with summary and priority."""
    start, end = check_places(origin, destination)
    _check_party(party_size)
    scheduled = requested_for is not None
    return EscortRequest(
        from_location_id=start.location_id, from_other=start.other,
        to_location_id=end.location_id, to_other=end.other,
        requested_for=requested_for, scheduled=scheduled, party_size=party_size,
        needs=(needs or "").strip()[:500] or None, priority=default_priority(scheduled),
        location_id=start.location_id, location_detail=start.other,
        summary=f"Escort from {label(start)} to {label(end)}"[:200],
    )


@use_case
def request_escort(details: EscortDetails, actor: User | None = None,
                   submission_key: str | None = None) -> Opened:
    """Open an escort ticket; mail the reference and private link when an email was given.

    A repeated `submission_key` returns the first ticket (duplicate=True), writing nothing.
    """
    check_when(details.requested_for, utcnow())
    escort = build_escort(details.origin, details.destination, details.requested_for,
                          details.party_size, details.needs)
    escort.contact_phone = details.phone.strip()[:40]
    escort.contact_name = (details.name or "").strip()[:120] or None
    escort.contact_email = (details.email or "").strip()[:254] or None
    opened = open_ticket(escort, actor, submission_key)
    if opened.duplicate or not escort.contact_email:
        return opened
    with in_language(escort.language):
        queued = enqueue_typed(
            escort.contact_email, "escort_confirmation",
            _l("Your escort request %(reference)s", reference=escort.reference),
            dedupe_key=f"escort-confirmation:{escort.reference}",
            ticket=escort, follow_up_url=follow_up_url(escort.reference, opened.token))
    return opened if queued else opened.held_mail()


# --- recurring escorts ------------------------------------------------------------------

@use_case
def create_recurring(owner: User, details: RecurringDetails) -> RecurringEscort:
    start, end = check_places(details.origin, details.destination)
    _check_party(details.party_size)
    weekdays = set(details.weekdays)
    if not weekdays or not weekdays <= set(range(7)):
        raise EscortError(_l("Choose at least one day of the week."))
    if details.end_date is not None and details.end_date < details.start_date:
        raise EscortError(_l("The end date is before the start date."))
    recurring = RecurringEscort(
        owner=owner, from_location_id=start.location_id, from_other=start.other,
        to_location_id=end.location_id, to_other=end.other,
        time_of_day=details.time_of_day.replace(second=0, microsecond=0),
        weekdays="".join(str(d) for d in sorted(weekdays)), start_date=details.start_date,
        end_date=details.end_date, party_size=details.party_size,
        needs=(details.needs or "").strip()[:500] or None,
        contact_phone=details.phone.strip()[:40],
    )
    db.session.add(recurring)
    db.session.flush()
    audit.record("escort.recurring_created", owner, "recurring_escort", recurring.id)
    return recurring


def recurring_of(owner: User, recurring_id: int) -> RecurringEscort | None:
    """The member's own recurring escort, or None (someone else's is never found)."""
    recurring = db.session.get(RecurringEscort, recurring_id)
    if recurring is None or recurring.owner_id != owner.id:
        return None
    return recurring


def list_recurring(owner: User) -> list[RecurringEscort]:
    return list(db.session.scalars(
        select(RecurringEscort).where(RecurringEscort.owner_id == owner.id)
        .order_by(RecurringEscort.active.desc(), RecurringEscort.id.desc())
    ))


def occurs_on(recurring: RecurringEscort, day: date) -> bool:
    """Whether the recurring escort has an occurrence on local date `day` (skips aside)."""
    if day < recurring.start_date or (recurring.end_date and day > recurring.end_date):
        return False
    return day.weekday() in recurring.weekday_numbers


def upcoming(recurring: RecurringEscort, today: date, count: int = 5) -> list[date]:
    """The next `count` occurrence dates from `today`, skipped ones included."""
    found: list[date] = []
    day = max(today, recurring.start_date)
    for _ in range(366):
        if len(found) >= count or (recurring.end_date and day > recurring.end_date):
            break
        if occurs_on(recurring, day):
            found.append(day)
        day += timedelta(days=1)
    return found


@use_case
def skip_occurrence(owner: User, recurring_id: int, day: date) -> RecurringEscort:
    recurring = recurring_of(owner, recurring_id)
    if recurring is None or not recurring.active:
        raise EscortError(_l("That recurring escort does not exist or has ended."))
    today = local_today()
    if day < today or not occurs_on(recurring, day):
        raise EscortError(_l("Choose one of the upcoming dates."))
    if recurring.last_materialised_on and day <= recurring.last_materialised_on:
        raise EscortError(_l("That escort is already with dispatch; cancel it from My requests."))
    if day not in recurring.skip_dates:
        recurring.skips.append(RecurringEscortSkip(skip_date=day))
        audit.record("escort.recurring_skip", owner, "recurring_escort", recurring.id,
                     detail=f"date={day.isoformat()}")
    return recurring


@use_case
def cancel_recurring(owner: User, recurring_id: int) -> RecurringEscort:
    recurring = recurring_of(owner, recurring_id)
    if recurring is None or not recurring.active:
        raise EscortError(_l("That recurring escort does not exist or has already ended."))
    recurring.active = False
    audit.record("escort.recurring_cancelled", owner, "recurring_escort", recurring.id)
    return recurring


# --- the worker job -------------------------------------------------------------------

def due_occurrences(recurring: RecurringEscort, now: datetime, zone: ZoneInfo,
                    lead: timedelta, grace: timedelta) -> list[tuple[date, datetime]]:
    """(local date, UTC time) of occurrences whose ticket should exist by `now`.

    Due means: its time minus `lead` has come, and it is not more than `grace` in the past
    (a worker that was down for a day does not dispatch yesterday's escorts).
    """
    first = to_local(now - grace, zone).date()
    last = to_local(now + lead, zone).date()
    due = []
    day = first
    while day <= last:
        at = combine(day, recurring.time_of_day, zone)
        if (occurs_on(recurring, day) and day not in recurring.skip_dates
                and at - lead <= now and at >= now - grace
                and (recurring.last_materialised_on is None
                     or day > recurring.last_materialised_on)):
            due.append((day, at))
        day += timedelta(days=1)
    return due


@use_case
def materialise_occurrence(recurring_id: int, day: date, at: datetime) -> Opened | None:
    """Make the ticket of one occurrence, at most once (row lock + unique key)."""
    recurring = db.session.scalar(
        select(RecurringEscort).where(RecurringEscort.id == recurring_id).with_for_update()
    )
    if recurring is None or not recurring.active or day in recurring.skip_dates:
        return None
    if recurring.last_materialised_on and day <= recurring.last_materialised_on:
        return None
    owner = recurring.owner
    escort = build_escort(Place(recurring.from_location_id, recurring.from_other),
                          Place(recurring.to_location_id, recurring.to_other),
                          at, recurring.party_size, recurring.needs)
    escort.recurring_id, escort.occurrence_date = recurring.id, day
    escort.contact_phone, escort.contact_name = recurring.contact_phone, owner.name
    opened = open_ticket(escort, owner, f"recurring:{recurring.id}:{day.isoformat()}",
                         created_note="Scheduled from your recurring escort")
    if recurring.last_materialised_on is None or day > recurring.last_materialised_on:
        recurring.last_materialised_on = day
    return opened


@periodic("escorts.materialise", every_seconds=60)
def materialise_due_escorts(now: datetime | None = None) -> int:
    """Turn every due occurrence of every active recurring escort into a ticket.

    Safe to run in several workers at once: each occurrence is one transaction that locks
    its recurring escort, and its submission key and (recurring_id, occurrence_date) are
    unique, so a second worker finds the ticket already made. Returns tickets created.
    """
    now = now or utcnow()
    config = current_app.config
    lead = timedelta(minutes=config["ESCORT_LEAD_MINUTES"])
    grace = timedelta(minutes=config["ESCORT_LATE_GRACE_MINUTES"])
    zone = site_zone()
    created = 0
    ids = list(db.session.scalars(select(RecurringEscort.id).where(RecurringEscort.active)))
    for recurring_id in ids:
        recurring = db.session.get(RecurringEscort, recurring_id)
        for day, at in due_occurrences(recurring, now, zone, lead, grace):
            try:
                opened = materialise_occurrence(recurring_id, day, at)
            except EscortError as error:  # e.g. a place was retired since it was saved
                current_app.logger.warning("recurring escort %s on %s: %s",
                                           recurring_id, day, error)
                continue
            created += bool(opened and not opened.duplicate)
    return created
