"""Confidential DV assistance, what is kept and for how long: counts without content, the
erasing of closed requests after DV_RETENTION_DAYS, DV mail forgotten once sent, and the
re-encryption of every DV text when FIELD_ENCRYPTION_KEY rotates.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update

from app.core.database import use_case
from app.core.search import startswith
from app.core.tokens import hash_token, new_token
from app.extensions import db
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.support import SupportRequest
from app.models.tickets import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Ticket,
)
from app.ops.jobs import periodic
from app.services import audit

ENCRYPTED_FIELDS = ("help_kinds", "details", "contact_value", "preferred_name",
                    "in_person_place", "in_person_time", "safe_times", "code_word")


# --- counts, retention, key rotation ------------------------------------------------------

def counts() -> dict[str, int]:
    """The only report of this section: numbers, never content."""
    rows = db.session.execute(
        select(SupportRequest.status, func.count()).group_by(SupportRequest.status)
    ).all()
    by_status = dict(rows)
    return {"open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
            "closed": sum(by_status.get(s, 0) for s in CLOSED_STATUSES)}


def _erase(request: SupportRequest) -> None:
    for name in ENCRYPTED_FIELDS:
        setattr(request, name, None)
    request.contact_method = None
    request.may_leave_message = request.email_is_safe = request.show_in_my_requests = False
    request.contact_name = request.contact_phone = request.contact_email = None
    request.outcome_detail = request.location_detail = request.submission_key = None
    request.requester_id = None
    request.summary = "Support request"
    request.access_token_hash = hash_token(new_token())  # the old private link opens nothing
    for link in request.links:
        _erase_linked(link.ticket)
    request.links.clear()
    request.events.clear()
    forget_mail(request.reference)


def mail_key(request: SupportRequest) -> str:
    """The dedupe-key prefix of every email about a DV request."""
    return f"dv:{request.reference}:"


def forget_mail(reference: str | None = None, sent_only: bool = False) -> int:
    """Delete DV emails from the outbox: they hold the safe address and the private link."""
    query = delete(OutboxMessage).where(
        startswith(OutboxMessage.dedupe_key, f"dv:{reference}:" if reference else "dv:")
    )
    if sent_only:
        query = query.where(OutboxMessage.status == "sent")
    return db.session.execute(query).rowcount or 0


@periodic("support.forget_sent_mail", every_seconds=600)
@use_case
def forget_sent_mail() -> int:
    """Sent DV emails are not kept: their rows would reveal the address and the link."""
    return forget_mail(sent_only=True)


def _erase_linked(ticket: Ticket) -> None:
    """What a linked escort or alert carried of the person, once the request is erased."""
    ticket.contact_name = ticket.contact_phone = ticket.contact_email = None
    ticket.location_detail = None
    for name in ("from_other", "to_other", "needs", "person_description", "instructions"):
        if hasattr(ticket, name):
            setattr(ticket, name, None)
    for event in ticket.events:
        event.body = None


@periodic("support.purge_expired", every_seconds=3600)
@use_case
def purge_expired(now: datetime | None = None) -> int:
    """Erase closed DV requests older than DV_RETENTION_DAYS, leaving tombstones.

    Idempotent and safe with several workers: each request is claimed with a conditional
    UPDATE (erased_at still empty), so only one worker erases and audits it.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["DV_RETENTION_DAYS"])
    ids = list(db.session.scalars(select(SupportRequest.id).where(
        SupportRequest.erased_at.is_(None), SupportRequest.closed_at.is_not(None),
        SupportRequest.closed_at < cutoff, SupportRequest.status.in_(CLOSED_STATUSES))))
    erased = 0
    for request_id in ids:
        claimed = db.session.execute(
            update(SupportRequest).where(SupportRequest.id == request_id,
                                         SupportRequest.erased_at.is_(None))
            .values(erased_at=now).execution_options(synchronize_session=False)).rowcount
        if claimed != 1:
            continue
        request = db.session.get(SupportRequest, request_id)
        db.session.refresh(request)
        _erase(request)
        audit.record("dv.purged", None, "ticket", request.reference, ip=False)
        erased += 1
    return erased


def reencrypt_all() -> int:
    """Kept for one round: `flask rotate-field-key` (app.services.key_rotation) re-encrypts
    every encrypted column; this returns the number of DV requests among them."""
    from app.services import key_rotation

    return key_rotation.reencrypt_all().get(SupportRequest.__tablename__, 0)
