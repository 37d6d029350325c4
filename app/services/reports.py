"""Incident reports: submit (anonymously if wished), add photos, close with an outcome.

`create_incident` opens a report inside the caller's transaction, so another service (the
device registry's theft reports) can open one as part of its own use case. The use cases
around it (`submit_report`, `add_photos`, `close_report`) each run as one transaction;
photo files are written only after validation and removed again if the transaction fails.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from app.core import tokens, uploads
from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.core.uploads import PreparedImage, StoredImage
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location
from app.models.reports import CATEGORIES, OUTCOMES, IncidentReport, ReportPhoto, report_priority
from app.models.tickets import ACKNOWLEDGED, CANCELLED, NEW, RESOLVED, Ticket, TicketEvent
from app.services import audit, dispatch, tickets, visibility
from app.services.mail_quota import enqueue_typed

FUTURE_TOLERANCE = timedelta(minutes=5)
MAX_PHOTOS_PER_REPORT = 9
OUTCOME_STATUS = {"resolved": RESOLVED, "unfounded": RESOLVED, "referred": RESOLVED,
                  "duplicate": CANCELLED}


class ReportError(Exception):
    """A report that cannot be taken as sent; the message is shown on the form."""


@dataclass
class ReportDetails:
    """What a reporter told us, as plain values (times in naive UTC)."""

    category: str
    description: str
    location_id: int | None = None
    location_detail: str | None = None
    observed_at: datetime | None = None
    still_happening: bool = False
    anonymous: bool = False
    person_height: str | None = None
    person_clothing: str | None = None
    person_direction: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_email: str | None = None
    submission_key: str | None = None


def _clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None


def _check(details: ReportDetails) -> None:
    if details.category not in CATEGORIES:
        raise ReportError("Choose what you are reporting.")
    if not _clean(details.description):
        raise ReportError("Say what you saw.")
    if details.observed_at and details.observed_at > utcnow() + FUTURE_TOLERANCE:
        raise ReportError("The time you saw it cannot be in the future.")
    if details.location_id is not None:
        location = db.session.get(Location, details.location_id)
        if location is None or not location.active:
            raise ReportError("Choose a place from the list.")


def _summary(details: ReportDetails) -> str:
    text = " ".join(details.description.split())
    return f"{CATEGORIES[details.category]}: {text}"[:200]


def create_incident(details: ReportDetails, actor: User | None,
                    photos: Sequence[StoredImage] = ()) -> tickets.Opened:
    """Open an incident report in the current transaction (call inside a use case).

    An anonymous report keeps no name, email, phone, account link or IP address, whatever
    was sent. A repeated `submission_key` returns the first report and attaches no photos.
    """
    _check(details)
    anonymous = details.anonymous
    report = IncidentReport(
        category=details.category,
        description=details.description.strip(),
        summary=_summary(details),
        priority=report_priority(details.category, details.still_happening),
        location_id=details.location_id,
        location_detail=_clean(details.location_detail),
        observed_at=details.observed_at or utcnow(),
        still_happening=details.still_happening,
        anonymous=anonymous,
        person_height=_clean(details.person_height),
        person_clothing=_clean(details.person_clothing),
        person_direction=_clean(details.person_direction),
        contact_name=None if anonymous else _clean(details.contact_name),
        contact_phone=None if anonymous else _clean(details.contact_phone),
        contact_email=None if anonymous else _clean(details.contact_email),
    )
    opened = tickets.open_ticket(report, None if anonymous else actor, details.submission_key,
                                 audit_ip=not anonymous, created_note="Report received")
    if not opened.duplicate:
        _attach(report, photos, from_requester=True)
    return opened


def _attach(report: IncidentReport, photos: Sequence[StoredImage], from_requester: bool) -> None:
    for photo in photos:
        report.photos.append(ReportPhoto(
            stored_name=photo.stored_name, content_type=photo.content_type, width=photo.width,
            height=photo.height, byte_size=photo.byte_size, from_requester=from_requester,
        ))
    db.session.flush()


def submit_report(details: ReportDetails, actor: User | None,
                  photos: Sequence[PreparedImage] = ()) -> tickets.Opened:
    """The public form's use case: one report with its photos, or nothing at all."""
    with uploads.kept(list(photos)) as stored:
        opened = _submit(details, actor, stored)
    if opened.duplicate:
        uploads.delete([s.stored_name for s in stored])
    return opened


@use_case
def _submit(details: ReportDetails, actor: User | None, stored: list[StoredImage]
            ) -> tickets.Opened:
    opened = create_incident(details, actor, stored)
    report = opened.ticket
    if opened.duplicate or not report.contact_email:
        return opened
    with in_language(report.language):
        queued = enqueue_typed(
            report.contact_email, "report_received",
            _l("We have your report %(reference)s", reference=report.reference),
            ticket=report, follow_up_url=external_url(
                "track.follow", reference=report.reference, token=opened.token))
    return opened if queued else opened.held_mail()


def report_for_token(reference: str, token: str) -> IncidentReport | None:
    ticket = tickets.ticket_for_token(reference, token)
    return ticket if isinstance(ticket, IncidentReport) else None


def add_photos(reference: str, token: str, photos: Sequence[PreparedImage]) -> IncidentReport:
    """The reporter adds photos through the private link; dispatch sees the report as unread."""
    if not photos:
        raise ReportError("Choose at least one photo.")
    with uploads.kept(list(photos)) as stored:
        return _add_photos(reference, token, stored)


@use_case
def _add_photos(reference: str, token: str, stored: list[StoredImage]) -> IncidentReport:
    report = report_for_token(reference, token)
    if report is None:
        raise ReportError("This link does not open a report.")
    if not report.is_open:
        raise ReportError("This report is closed, so photos can no longer be added.")
    if len(report.photos) + len(stored) > MAX_PHOTOS_PER_REPORT:
        raise ReportError(_l("A report can hold at most %(count)s photos.",
                             count=MAX_PHOTOS_PER_REPORT))
    _attach(report, stored, from_requester=True)
    count = len(stored)
    report.events.append(TicketEvent(
        kind="message_in", body=f"Added {count} photo{'s' if count != 1 else ''}.",
        visible_to_requester=True,
    ))
    report.unread_by_staff = True
    report.updated_at = utcnow()
    audit.record("report.photos_added", None, "ticket", report.reference,
                 detail=f"count={count}", ip=not report.anonymous)
    return report


def _duplicate_target(report: IncidentReport, reference: str | None) -> Ticket:
    normalised = tokens.normalise_reference(reference or "")
    if not normalised:
        raise dispatch.DispatchError("Give the reference of the report this one duplicates.")
    if normalised == report.reference:
        raise dispatch.DispatchError("A report cannot be a duplicate of itself.")
    other = db.session.scalar(select(Ticket).where(Ticket.reference == normalised))
    if other is None or other.confidential:
        raise dispatch.DispatchError(f"There is no ticket {normalised}.")
    return other


@dispatch.ticket_action
def close_report(ticket_id: int, actor: User, version: int | None, outcome: str,
                 agency: str | None = None, duplicate_reference: str | None = None
                 ) -> IncidentReport:
    """Close a report with its outcome; the reporter reads it in plain words.

    Uses the dispatch actions' own checks and writers, so the lifecycle table, the
    version check, the events and the audit trail are the same as for any ticket.
    """
    report = dispatch.checked_ticket(ticket_id, actor, version)
    if not isinstance(report, IncidentReport):
        raise dispatch.DispatchError("That ticket is not an incident report.")
    if outcome not in OUTCOMES:
        raise dispatch.DispatchError("Choose an outcome.")
    detail = None
    if outcome == "referred":
        detail = _clean(agency)
        if not detail:
            raise dispatch.DispatchError("Name the agency the report was referred to.")
        detail = detail[:120]
    if outcome == "duplicate":
        other = _duplicate_target(report, duplicate_reference)
        report.duplicate_of = other
        detail = other.reference
    status = OUTCOME_STATUS[outcome]
    if status == RESOLVED and report.status == NEW:
        dispatch.set_status(report, actor, ACKNOWLEDGED)
    dispatch.set_status(report, actor, status)
    report.outcome, report.outcome_detail = outcome, detail
    dispatch._event(report, actor, "outcome", str(report.outcome_in_words), visible=True)
    audit.record("report.closed", actor, "ticket", report.reference, detail=f"outcome={outcome}")
    return report


def photo_for_staff(photo_id: int, actor: User) -> ReportPhoto | None:
    """A photo that `actor` may see (its report must be loadable by them), or None."""
    photo = db.session.get(ReportPhoto, photo_id)
    ticket = db.session.get(Ticket, photo.ticket_id) if photo is not None else None
    if ticket is None or not visibility.may_see_photo(actor, ticket):
        return None
    return photo
