"""Seminar registration: seats, the waitlist, confirmation, cancellation and reminders.

Capacity under concurrency: every use case that gives out or frees a seat first locks the
session row (SELECT ... FOR UPDATE on PostgreSQL; on SQLite the use case already holds the
write lock through BEGIN IMMEDIATE), then counts the seats taken and takes the next
`arrival` number from the session. Concurrent registrations are therefore served one after
another: exactly `capacity` are confirmed and the rest waitlisted in commit order.

Visitors (no account) are "pending" until they follow the emailed link; a pending
registration holds no seat. The seat (or waitlist place) is given when they confirm.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core import actor as actors
from app.core import tokens
from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.seminars import (
    ACTIVE_STATUSES,
    CANCELLED,
    CONFIRMED,
    PENDING,
    SEATED_STATUSES,
    WAITLISTED,
    Registration,
    SeminarSession,
)
from app.services import audit, outbox
from app.services.mail_quota import enqueue_typed
from app.services.seminar_calendar import session_calendar

CONFIRM_PURPOSE = "seminar-confirm"


class SeminarError(Exception):
    """A registration that cannot be done; the message is shown to the person."""


class AlreadyRegistered(SeminarError):
    def __init__(self, registration: Registration) -> None:
        super().__init__(_l("You are already registered for this session: %(status)s.",
                            status=registration.status_label.lower()))
        self.registration = registration


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    position: int | None = None  # waitlist position, when waitlisted


# --- reading ---------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def seats_taken(session_id: int) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == session_id, Registration.status.in_(SEATED_STATUSES))
    ) or 0


def seats_left(session: SeminarSession) -> int:
    return max(0, session.capacity - seats_taken(session.id))


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != WAITLISTED or registration.arrival is None:
        return None
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.session_id == registration.session_id,
            Registration.status == WAITLISTED,
            Registration.arrival <= registration.arrival,
        )
    )


def waitlist(session_id: int) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration)
        .where(Registration.session_id == session_id, Registration.status == WAITLISTED)
        .order_by(Registration.arrival)
    ))


def registrations_of(user: User) -> list[Registration]:
    return list(db.session.scalars(
        select(Registration).join(Registration.session)
        .where(Registration.user_id == user.id)
        .order_by(SeminarSession.starts_at.desc())
    ))


def registration_for_token(token: str) -> Registration | None:
    """The registration a cancellation link opens, or None (forged, old or too long)."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(
        select(Registration).where(Registration.cancel_token_hash == tokens.hash_token(token)))


def registration_for_confirm_token(token: str) -> Registration | None:
    """The registration of a signed confirmation link, or None when forged or expired."""
    try:
        payload = tokens.unsign(CONFIRM_PURPOSE, token[:500],
                                current_app.config["EMAIL_TOKEN_MAX_AGE"])
    except tokens.InvalidToken:
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        return None
    return db.session.get(Registration, payload["r"])


# --- seats -----------------------------------------------------------------------------


def lock_session(session_id: int) -> SeminarSession | None:
    """The session row, locked until the end of the transaction (see the module doc)."""
    return db.session.scalar(
        select(SeminarSession).where(SeminarSession.id == session_id)
        .with_for_update(of=SeminarSession)
        .execution_options(populate_existing=True)
    )


def _check_open(session: SeminarSession | None) -> SeminarSession:
    if session is None or not session.seminar.active:
        raise SeminarError(_l("That session does not exist."))
    if session.is_cancelled:
        raise SeminarError(_l("This session has been cancelled."))
    if session.is_past:
        raise SeminarError(_l("This session has already started or taken place."))
    return session


def _seat_or_waitlist(session: SeminarSession, registration: Registration) -> Outcome:
    """Give a seat if one is free, else a waitlist place; both take the next arrival."""
    session.arrival_seq += 1
    registration.arrival = session.arrival_seq
    registration.confirmed_at = utcnow()
    registration.status = CONFIRMED if seats_taken(session.id) < session.capacity else WAITLISTED
    db.session.flush()
    _send_status_mail(registration)
    return Outcome(registration, waitlist_position(registration))


def new_cancel_link(registration: Registration) -> str:
    """A fresh cancellation link; the previous one stops working (only hashes are kept)."""
    token = tokens.new_token()
    registration.cancel_token_hash = tokens.hash_token(token)
    return external_url("seminars.cancel_link", token=token)


def mail_context(registration: Registration) -> dict:
    session = registration.session
    return {
        "registration": registration,
        "session": session,
        "seminar": session.seminar,
        "ics_url": external_url("seminars.session_ics", session_id=session.id),
        "seminar_url": external_url("seminars.detail", slug=session.seminar.slug),
    }


def _send_status_mail(registration: Registration, promoted: bool = False) -> None:
    context = mail_context(registration)
    context["cancel_url"] = new_cancel_link(registration)
    title = registration.session.seminar.title
    attachments = []
    if registration.status == CONFIRMED:
        template = "seminars/promoted" if promoted else "seminars/confirmed"
        subject = (_l("A place is free for you: %(title)s", title=title) if promoted
                   else _l("Your place is confirmed: %(title)s", title=title))
        attachments = [invitation(registration.session)]
    else:
        template = "seminars/waitlisted"
        subject = _l("You are on the waitlist: %(title)s", title=title)
        context["position"] = waitlist_position(registration)
    with in_language(registration.language):
        outbox.enqueue(registration.email, template, subject,
                       extra=outbox.Extra(attachments=attachments), **context)


def invitation(session) -> outbox.Attachment:
    """The session as an iCalendar (RFC 5545) invitation attached to a confirmation."""
    return outbox.Attachment("seminar.ics", "text/calendar; method=PUBLISH",
                             session_calendar(session).decode("utf-8"))


def fill_free_seats(session: SeminarSession) -> list[Registration]:
    """Promote waitlisted people, first come first served, while seats are free.

    The caller holds the session lock. Each promoted person is told by email.
    """
    promoted = []
    if session.is_cancelled or session.is_past:
        return promoted
    free = session.capacity - seats_taken(session.id)
    for registration in waitlist(session.id)[:max(0, free)]:
        registration.status = CONFIRMED
        registration.promoted_at = utcnow()
        registration.reminder_sent_at = None
        db.session.flush()
        _send_status_mail(registration, promoted=True)
        audit.record("seminar.promoted", None, "seminar_registration", registration.id, ip=False)
        promoted.append(registration)
    return promoted


# --- registering -----------------------------------------------------------------------


def _existing(session_id: int, person_key: str, email: str) -> Registration | None:
    return db.session.scalar(
        select(Registration).where(
            Registration.session_id == session_id,
            Registration.status.in_(ACTIVE_STATUSES),
            (Registration.person_key == person_key) | (func.lower(Registration.email) == email),
        ).order_by(Registration.id)
    )


def _refuse_duplicate(session_id: int, person_key: str, email: str) -> None:
    """Raise AlreadyRegistered, unless the earlier one is a visitor's expired request."""
    existing = _existing(session_id, person_key, email)
    if existing is None:
        return
    max_age = current_app.config["EMAIL_TOKEN_MAX_AGE"]
    if existing.status == PENDING and (utcnow() - existing.created_at).total_seconds() > max_age:
        existing.status, existing.cancelled_at = CANCELLED, utcnow()
        db.session.flush()
        return
    raise AlreadyRegistered(existing)


def _add(registration: Registration) -> None:
    """Insert; the partial unique index is the last word on "one registration per person"."""
    registration.language = actors.bound().language  # the language of the sign-up page
    db.session.add(registration)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        existing = _existing(registration.session_id, registration.person_key,
                             normalise_email(registration.email))
        if existing is None:
            raise
        raise AlreadyRegistered(existing) from error


def may_attend(session: SeminarSession, user: User | None) -> bool:
    """Employees-only seminars: employees and staff. Everyone else: anyone."""
    if not session.seminar.employees_only:
        return True
    return user is not None and (user.affiliation == "employee" or user.is_staff)


@use_case
def register_member(session_id: int, user: User) -> Outcome:
    """Register a signed-in member in one step: a seat if one is free, else the waitlist."""
    session = _check_open(lock_session(session_id))
    if not may_attend(session, user):
        raise SeminarError(_l("This seminar is for hospital employees only. If you work here, "
                              "set your affiliation to employee on your account page."))
    email = normalise_email(user.email)
    _refuse_duplicate(session.id, f"user:{user.id}", email)
    registration = Registration(session_id=session.id, user_id=user.id, name=user.name,
                                email=user.email, person_key=f"user:{user.id}")
    _add(registration)
    outcome = _seat_or_waitlist(session, registration)
    audit.record("seminar.registered", user, "seminar_registration", registration.id,
                 detail=f"session={session.id} status={registration.status}")
    return outcome


TOO_MANY_MAILS = _l("We have sent several emails to this address in the last hour, so we "
                    "cannot send the confirmation link now. Please try again later.")


@use_case
def register_visitor(session_id: int, name: str, email: str) -> Outcome:
    """A visitor's request for a place: pending, with a confirmation link by email."""
    session = _check_open(lock_session(session_id))
    if session.seminar.employees_only:
        raise SeminarError(_l("This seminar is for hospital employees only. "
                              "Sign in with your employee account to register."))
    address = normalise_email(email)
    _refuse_duplicate(session.id, f"email:{address}", address)
    registration = Registration(session_id=session.id, name=name.strip()[:120],
                                email=address, person_key=f"email:{address}", status=PENDING)
    _add(registration)
    confirm_url = external_url("seminars.confirm",
                               token=tokens.sign(CONFIRM_PURPOSE, {"r": registration.id}))
    with in_language(registration.language):
        queued = enqueue_typed(
            address, "seminars/confirm_email",
            _l("Please confirm your place: %(title)s", title=session.seminar.title),
            confirm_url=confirm_url, **mail_context(registration))
    if not queued:
        raise SeminarError(TOO_MANY_MAILS)  # a place that cannot be confirmed is no use
    audit.record("seminar.requested", None, "seminar_registration", registration.id,
                 detail=f"session={session.id}", ip=True)
    return Outcome(registration)


@use_case
def confirm(registration_id: int) -> Outcome:
    """A visitor followed their link: give the seat (or waitlist place) now.

    Confirming twice is harmless: the second time says what the first one did.
    """
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise SeminarError(_l("This confirmation link is not valid."))
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status != PENDING:
        if registration.status == CANCELLED:
            raise SeminarError(_l("This registration was cancelled. You can register again."))
        return Outcome(registration, waitlist_position(registration))
    _check_open(session)
    outcome = _seat_or_waitlist(session, registration)
    audit.record("seminar.confirmed", None, "seminar_registration", registration.id,
                 detail=f"session={session.id} status={registration.status}")
    return outcome


# --- cancelling ------------------------------------------------------------------------


def _cancel(registration_id: int, actor: User | None) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        raise SeminarError(_l("That registration does not exist."))
    session = lock_session(registration.session_id)
    db.session.refresh(registration)
    if registration.status not in (PENDING, CONFIRMED, WAITLISTED):
        raise SeminarError(_l("This registration is already cancelled or the session took place."))
    registration.status, registration.cancelled_at = CANCELLED, utcnow()
    registration.cancel_token_hash = None
    db.session.flush()
    fill_free_seats(session)
    audit.record("seminar.cancelled", actor, "seminar_registration", registration.id,
                 detail=f"session={session.id}")
    return registration


@use_case
def cancel_with_token(token: str) -> Registration:
    """Cancel through the link in the email. Frees the seat and promotes the next person."""
    registration = registration_for_token(token)
    if registration is None:
        raise SeminarError(_l("This cancellation link is not valid any more."))
    return _cancel(registration.id, None)


@use_case
def cancel_mine(registration_id: int, user: User) -> Registration:
    """A member cancels one of their own registrations (from "My seminars")."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.user_id != user.id:
        raise SeminarError(_l("That registration does not exist."))
    return _cancel(registration.id, user)

