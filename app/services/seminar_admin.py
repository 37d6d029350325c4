"""The trainers' use cases: seminars and sessions, rosters, attendance, messages, cancelling.

Every action is one transaction with an audit record. Sessions are locked (see
app.services.seminars) before anything that changes seats, so a trainer raising the
capacity and a visitor registering at the same moment cannot both take the last seat.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import Role, User, user_roles
from app.models.base import utcnow
from app.models.seminars import (
    AUDIENCES,
    CANCELLED,
    CONFIRMED,
    PENDING,
    SEATED_STATUSES,
    TOPICS,
    WAITLISTED,
    Registration,
    Seminar,
    SeminarSession,
)
from app.services import audit, outbox
from app.services.seminars import (
    SeminarError,
    fill_free_seats,
    lock_session,
    mail_context,
    seats_taken,
)

# Paths under /seminars/ that a seminar's slug must not take.
RESERVED_SLUGS = {"mine", "history", "manage", "sessions", "confirm", "registration", "cancel"}


@dataclass(frozen=True)
class SeminarData:
    title: str
    description: str
    audience: str
    topic: str
    duration_minutes: int
    active: bool = True
    slug: str = ""


@dataclass(frozen=True)
class SessionData:
    starts_at: datetime  # naive UTC
    ends_at: datetime
    capacity: int
    place: str | None = None
    online_url: str | None = None
    trainer_id: int | None = None
    reminder_hours: int | None = None


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:80] or "seminar"


def trainers() -> list[User]:
    return list(db.session.scalars(
        select(User).join(user_roles).join(Role)
        .where(Role.name == "trainer", User.is_active_account.is_(True)).order_by(User.name)
    ))


def _check_seminar(data: SeminarData) -> None:
    if data.audience not in AUDIENCES or data.topic not in TOPICS:
        raise SeminarError("Choose an audience and a topic from the lists.")
    if not 1 <= data.duration_minutes <= 24 * 60:
        raise SeminarError("The duration must be between 1 and 1440 minutes.")


@use_case
def save_seminar(actor: User, data: SeminarData, seminar_id: int | None = None) -> Seminar:
    """Create a seminar (seminar_id None) or change one; slugs are unique and readable."""
    _check_seminar(data)
    seminar = Seminar() if seminar_id is None else db.session.get(Seminar, seminar_id)
    if seminar is None:
        raise SeminarError("That seminar does not exist.")
    slug = slugify(data.slug or data.title)
    if slug in RESERVED_SLUGS:
        slug = f"{slug}-seminar"
    seminar.title, seminar.slug, seminar.description = data.title, slug, data.description
    seminar.audience, seminar.topic = data.audience, data.topic
    seminar.duration_minutes, seminar.active = data.duration_minutes, data.active
    db.session.add(seminar)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise SeminarError("Another seminar already uses that web address (slug).") from error
    audit.record("seminar.saved", actor, "seminar", seminar.id, detail=f"slug={slug}")
    return seminar


def _check_session(data: SessionData, new: bool) -> None:
    if data.capacity < 1:
        raise SeminarError("The capacity must be at least 1.")
    if data.ends_at <= data.starts_at:
        raise SeminarError("The session must end after it starts.")
    if new and data.starts_at <= utcnow():
        raise SeminarError("A new session must start in the future.")
    if data.trainer_id is not None and data.trainer_id not in {t.id for t in trainers()}:
        raise SeminarError("Choose a trainer from the list.")


def _apply(session: SeminarSession, data: SessionData) -> None:
    if session.starts_at is not None and session.starts_at != data.starts_at:
        for registration in session.registrations:
            registration.reminder_sent_at = None  # a moved session deserves a new reminder
    session.starts_at, session.ends_at, session.capacity = (
        data.starts_at, data.ends_at, data.capacity)
    session.place, session.online_url = data.place or None, data.online_url or None
    session.trainer_id, session.reminder_hours = data.trainer_id, data.reminder_hours


@use_case
def save_session(actor: User, seminar_id: int, data: SessionData,
                 session_id: int | None = None) -> SeminarSession:
    """Create or change a session. A raised capacity promotes waitlisted people at once."""
    _check_session(data, new=session_id is None)
    if session_id is None:
        if db.session.get(Seminar, seminar_id) is None:
            raise SeminarError("That seminar does not exist.")
        session = SeminarSession(seminar_id=seminar_id)
        db.session.add(session)
    else:
        session = lock_session(session_id)
        if session is None:
            raise SeminarError("That session does not exist.")
        if data.capacity < seats_taken(session.id):
            raise SeminarError("The capacity cannot be lower than the number of people "
                               "already confirmed. Cancel registrations first.")
    _apply(session, data)
    db.session.flush()
    fill_free_seats(session)
    audit.record("seminar.session_saved", actor, "seminar_session", session.id,
                 detail=f"capacity={session.capacity}")
    return session


@use_case
def mark_attendance(actor: User, session_id: int, attended_ids: set[int]) -> int:
    """Set who attended: seated people ticked become "attended", unticked "confirmed"."""
    session = lock_session(session_id)
    if session is None:
        raise SeminarError("That session does not exist.")
    now, count = utcnow(), 0
    for registration in session.registrations:
        if registration.status not in SEATED_STATUSES:
            continue
        attended = registration.id in attended_ids
        registration.status = "attended" if attended else CONFIRMED
        registration.attended_at = (registration.attended_at or now) if attended else None
        count += attended
    audit.record("seminar.attendance", actor, "seminar_session", session.id,
                 detail=f"attended={count}")
    return count


def _recipients(session: SeminarSession, statuses) -> list[Registration]:
    return [r for r in session.registrations if r.status in statuses]


@use_case
def message_registrants(actor: User, session_id: int, subject: str, body: str) -> int:
    """Email everyone confirmed, waitlisted or attended, through the outbox."""
    session = db.session.get(SeminarSession, session_id)
    if session is None:
        raise SeminarError("That session does not exist.")
    people = _recipients(session, (CONFIRMED, WAITLISTED, "attended"))
    for registration in people:
        with in_language(registration.language):
            outbox.enqueue(registration.email, "seminars/message", subject[:200], body=body,
                           **mail_context(registration))
    audit.record("seminar.message", actor, "seminar_session", session.id,
                 detail=f"recipients={len(people)}")
    return len(people)


@use_case
def cancel_session(actor: User, session_id: int, reason: str) -> int:
    """Cancel a session: every pending, confirmed or waitlisted person is told by email."""
    session = lock_session(session_id)
    if session is None:
        raise SeminarError("That session does not exist.")
    if session.is_cancelled:
        raise SeminarError("This session is already cancelled.")
    now = utcnow()
    session.cancelled_at, session.cancel_reason = now, reason[:300] or None
    people = _recipients(session, (PENDING, CONFIRMED, WAITLISTED))
    for registration in people:
        registration.status, registration.cancelled_at = CANCELLED, now
        registration.cancel_token_hash = None
        with in_language(registration.language):
            outbox.enqueue(registration.email, "seminars/session_cancelled",
                           _l("Cancelled: %(title)s", title=session.seminar.title),
                           reason=reason, **mail_context(registration))
    audit.record("seminar.session_cancelled", actor, "seminar_session", session.id,
                 detail=f"told={len(people)}")
    return len(people)


ROSTER_HEADER = ["Status", "Waitlist position", "Name", "Email", "Member", "Registered"]


def roster_rows(session: SeminarSession, localtime) -> list[tuple]:
    """The roster's CSV rows: everyone with a seat, then the waitlist in order."""
    rows = []
    position = 0
    for registration in sorted(session.registrations,
                               key=lambda r: (r.arrival is None, r.arrival or 0, r.id)):
        if registration.status == WAITLISTED:
            position += 1
        rows.append((
            str(registration.status_label),
            position if registration.status == WAITLISTED else "",
            registration.name,
            registration.email,
            "yes" if registration.user_id else "no",
            localtime(registration.confirmed_at or registration.created_at),
        ))
    return rows
