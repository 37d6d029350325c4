"""Confidential DV assistance: the person's request, the advocate's work, retention.

Privacy rules these use cases keep:
- A request is linked to an account only when the person opted in while signed in; the
  audit record of its creation carries no IP address and no content.
- Nothing is mailed unless the person gave an address they said is safe, and the mail
  says only that there is news.
- Every view and change by an advocate is audited (object id = reference, no content).
- Staff actions reuse app.services.dispatch (which lets advocates only act on
  confidential tickets); several of them compose into one transaction, since a use case
  called from another joins its transaction.
- The linked escort or alert carries only what dispatch needs; the link lives here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm.attributes import flag_modified

from app.core import crypto
from app.core.database import use_case
from app.core.search import startswith
from app.core.tokens import hash_token, new_token, normalise_reference
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.outbox import OutboxMessage
from app.models.support import HELP_LABELS, SupportLink, SupportRequest, WorkplaceAlert
from app.models.tickets import (
    CLOSED_STATUSES,
    NEW,
    OPEN_STATUSES,
    RESOLVED,
    Ticket,
    TicketEvent,
)
from app.ops.jobs import periodic
from app.services import audit, dispatch, outbox
from app.services.mail_quota import enqueue_typed
from app.services.tickets import Opened, open_ticket, ticket_for_token

ADVOCATE_ROLES = frozenset({"advocate"})
MESSAGE_MAX = 2000
ENCRYPTED_FIELDS = ("help_kinds", "details", "contact_value", "preferred_name",
                    "in_person_place", "in_person_time", "safe_times", "code_word")
# DV closing outcomes: a subset of the dispatch outcome codes, as "status:outcome".
CLOSE_CHOICES = (
    ("resolved:assisted", dispatch.OUTCOMES["resolved"]["assisted"]),
    ("resolved:referred", dispatch.OUTCOMES["resolved"]["referred"]),
    ("resolved:no_contact", "We could not reach the person safely"),
    ("cancelled:requester_cancelled", dispatch.OUTCOMES["cancelled"]["requester_cancelled"]),
    ("cancelled:no_longer_needed", dispatch.OUTCOMES["cancelled"]["no_longer_needed"]),
)


class SupportError(ValueError):
    """A request the service refuses; the message is shown as it is."""


class UnknownRequest(SupportError):
    """The link or reference opens no request (the page answers "not found")."""


@dataclass(frozen=True)
class RequestData:
    """What the person typed, already validated by the form."""

    help_kinds: list[str]
    details: str | None
    contact_method: str
    contact_value: str | None
    preferred_name: str | None
    in_person_place: str | None
    in_person_time: str | None
    safe_times: str | None
    may_leave_message: bool
    email_is_safe: bool
    code_word: str | None
    show_in_my_requests: bool


def _signed_in(actor: User | None) -> User | None:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- the person ---------------------------------------------------------------------------

def _build(data: RequestData, linked: bool) -> SupportRequest:
    kinds = [k for k in data.help_kinds if k in HELP_LABELS]
    if not kinds:
        raise SupportError("Choose at least one kind of help.")
    return SupportRequest(
        help_kinds=",".join(kinds), details=data.details, contact_method=data.contact_method,
        contact_value=data.contact_value, preferred_name=data.preferred_name,
        in_person_place=data.in_person_place, in_person_time=data.in_person_time,
        safe_times=data.safe_times, may_leave_message=data.may_leave_message,
        email_is_safe=data.email_is_safe and data.contact_method == "email",
        code_word=data.code_word, show_in_my_requests=linked,
    )


@use_case
def submit_request(data: RequestData, actor: User | None, submission_key: str | None
                   ) -> Opened:
    """Open a DV request. Linked to `actor` only with the opt-in; mail only to a safe address."""
    linked = bool(data.show_in_my_requests and _signed_in(actor))
    request = _build(data, linked)
    opened = open_ticket(request, actor if linked else None, submission_key, audit_ip=False,
                         created_note="Request received")
    if opened.duplicate or not isinstance(opened.ticket, SupportRequest):
        return opened
    if request.safe_email:
        link = external_url("support.follow", reference=request.reference, token=opened.token)
        if not enqueue_typed(request.safe_email, "support_received",
                             "Your request was received", dedupe_key=f"{mail_key(request)}received",
                             reference=request.reference, follow_up_url=link):
            return opened.held_mail()
    return opened


def request_for_token(reference: str, token: str) -> SupportRequest | None:
    ticket = ticket_for_token(reference or "", token or "")
    return ticket if isinstance(ticket, SupportRequest) else None


@use_case
def person_view(reference: str, token: str) -> SupportRequest | None:
    """The request this private link opens (audited without an address), or None."""
    request = request_for_token(reference, token)
    if request is not None:
        audit.record("dv.follow", None, "ticket", request.reference, ip=False)
    return request


def _add_reply(request: SupportRequest | None, body: str) -> SupportRequest:
    if request is None:
        raise UnknownRequest("This link does not open a request.")
    body = (body or "").strip()
    if not body:
        raise SupportError("Write your message first.")
    if len(body) > MESSAGE_MAX:
        raise SupportError(f"Keep your message under {MESSAGE_MAX} characters.")
    if not request.is_open:
        raise SupportError("This request is closed. Call the advocacy program if you need help.")
    request.events.append(TicketEvent(kind="message_in", body=body, visible_to_requester=True))
    request.unread_by_staff = True
    request.updated_at = utcnow()
    request.touch()
    return request


@use_case
def person_reply(reference: str, token: str, body: str) -> SupportRequest:
    """A message from the person to the advocate, through the private link."""
    request = _add_reply(request_for_token(reference, token), body)
    audit.record("dv.reply", None, "ticket", request.reference, ip=False)
    return request


def opted_in_ids():
    """A subquery of DV request ids whose person asked to see them in "My requests"."""
    return select(SupportRequest.id).where(SupportRequest.show_in_my_requests.is_(True))


def _owned(reference: str, user: User) -> SupportRequest | None:
    """A request the signed-in person chose to see under "My requests"."""
    return db.session.scalar(select(SupportRequest).where(
        SupportRequest.reference == normalise_reference(reference or ""),
        SupportRequest.requester_id == user.id,
        SupportRequest.show_in_my_requests.is_(True)))


@use_case
def member_view(reference: str, user: User) -> SupportRequest | None:
    request = _owned(reference, user)
    if request is not None:
        audit.record("dv.follow", user, "ticket", request.reference, ip=False)
    return request


@use_case
def member_reply(reference: str, user: User, body: str) -> SupportRequest:
    request = _add_reply(_owned(reference, user), body)
    audit.record("dv.reply", user, "ticket", request.reference, ip=False)
    return request


def person_timeline(request: SupportRequest) -> list[tuple[datetime, str, str | None]]:
    """What the person sees: (when, what, message text) for visible events, oldest first."""
    words = {"created": "We received your request", "message_out": "Message from the advocate",
             "message_in": "You wrote", "outcome": "Closed"}
    lines = []
    for event in request.events:
        if not event.visible_to_requester:
            continue
        if event.kind == "status":
            if event.to_status == "acknowledged":
                lines.append((event.created_at, "An advocate has seen your request", None))
            continue
        text = words.get(event.kind)
        if text:
            body = crypto.unseal(event.body) if event.kind.startswith("message") else None
            lines.append((event.created_at, text, body))
    return lines


# --- the advocate -------------------------------------------------------------------------

def queue() -> list[SupportRequest]:
    """Open requests, oldest first (read-only; the queue page audits the listing)."""
    return list(db.session.scalars(
        select(SupportRequest).where(SupportRequest.status.in_(OPEN_STATUSES))
        .order_by(SupportRequest.created_at, SupportRequest.id)
    ))


def recently_closed(limit: int = 50) -> list[SupportRequest]:
    return list(db.session.scalars(
        select(SupportRequest).where(SupportRequest.status.in_(CLOSED_STATUSES))
        .order_by(SupportRequest.closed_at.desc()).limit(limit)
    ))


@use_case
def audit_queue_view(actor: User) -> None:
    audit.record("dv.queue", actor, "support", "queue")


@dispatch.ticket_action
def view_request(ticket_id: int, actor: User) -> SupportRequest | None:
    """The request for an advocate (audited "dv.view"), or None if it is not one."""
    ticket = dispatch.load_ticket(ticket_id, actor)
    if not isinstance(ticket, SupportRequest):
        return None
    dispatch.clear_unread(ticket)
    audit.record("dv.view", actor, "ticket", ticket.reference)
    return ticket


def record_denied(actor: User, endpoint: str) -> None:
    """A signed-in account without the advocate role tried an advocate page."""
    audit.record_refusal("dv.denied", actor, "route", endpoint)


def _support(ticket_id: int, actor: User) -> SupportRequest:
    ticket = dispatch.load_ticket(ticket_id, actor, fresh=True)
    if not isinstance(ticket, SupportRequest) or not actor.has_any_role(ADVOCATE_ROLES):
        raise dispatch.DispatchError("That request does not exist.")
    return ticket


@dispatch.ticket_action
def acknowledge(ticket_id: int, actor: User, version: int | None) -> SupportRequest:
    _support(ticket_id, actor)
    return dispatch.acknowledge(ticket_id, actor, version)


@dispatch.ticket_action
def add_note(ticket_id: int, actor: User, body: str) -> SupportRequest:
    _support(ticket_id, actor)
    return dispatch.add_note(ticket_id, actor, body)


@dispatch.ticket_action
def message_person(ticket_id: int, actor: User, body: str) -> SupportRequest:
    """A message on the private follow-up page; a bare notice to a safe address only."""
    request = _support(ticket_id, actor)
    dispatch.message_requester(ticket_id, actor, body)
    if request.safe_email:
        outbox.enqueue(request.safe_email, "ticket_message",
                       f"New message about your request {request.reference}",
                       dedupe_key=f"{mail_key(request)}message:{request.version}",
                       ticket=request, body=None, follow_up_url=None)
    return request


@dispatch.ticket_action
def close_request(ticket_id: int, actor: User, version: int | None, choice: str,
                  note: str | None = None) -> SupportRequest:
    """Close with an outcome from CLOSE_CHOICES; an optional closing note stays internal.

    A request resolved straight from "new" is acknowledged on the way (the lifecycle has no
    new -> resolved step)."""
    _support(ticket_id, actor)
    request = dispatch.checked_ticket(ticket_id, actor, version)
    if choice not in dict(CLOSE_CHOICES):
        raise dispatch.DispatchError("Choose how the request ended.")
    status, outcome = choice.split(":", 1)
    if note and note.strip():
        dispatch.add_note(ticket_id, actor, note)
    if request.status == NEW and status == RESOLVED:
        dispatch.acknowledge(ticket_id, actor, None)
    dispatch.close(ticket_id, actor, None, status, outcome, None)
    return request


# --- escorts and workplace alerts raised from a request ----------------------------------

def _link(request: SupportRequest, actor: User, opened: Opened, what: str) -> None:
    """Record the link on the DV side only; the new ticket shows no requester."""
    opened.ticket.requester = None
    request.links.append(SupportLink(ticket=opened.ticket))
    request.events.append(TicketEvent(kind="link", actor=actor,
                                      body=f"{what} {opened.ticket.reference} created"))
    request.touch()
    audit.record(f"dv.{what.lower().replace(' ', '_')}", actor, "ticket", request.reference,
                 detail=f"linked={opened.ticket.reference}")  # the advocates' store only


@dispatch.ticket_action
def create_escort(ticket_id: int, actor: User, *, meet: str, meet_at: str, going_to: str,
                  requested_for: datetime | None, phone: str | None) -> Opened:
    """A linked escort ticket for dispatch: who to meet, where, when, a phone if any."""
    from app.services.escorts import EscortError, Place, build_escort, check_when

    request = _support(ticket_id, actor)
    if not request.is_open:
        raise dispatch.DispatchError("The request is closed.")
    try:
        check_when(requested_for, utcnow())
        escort = build_escort(Place(other=meet_at), Place(other=going_to), requested_for, 1,
                              f"Meet: {meet}".strip()[:500])
    except EscortError as exc:
        raise dispatch.DispatchError(str(exc)) from exc
    escort.contact_name = (meet or "").strip()[:120] or None
    escort.contact_phone = (phone or "").strip()[:40] or None
    opened = open_ticket(escort, None, None, audit_ip=False)  # no advocate's name on it
    _link(request, actor, opened, "Escort")
    return opened


@dispatch.ticket_action
def create_alert(ticket_id: int, actor: User, *, person_description: str, keep_out_of: str,
                 valid_until: date | None, instructions: str | None) -> Opened:
    """A linked workplace alert for dispatch: who to keep out, where, until when."""
    request = _support(ticket_id, actor)
    if not request.is_open:
        raise dispatch.DispatchError("The request is closed.")
    if valid_until is not None and valid_until < utcnow().date():
        raise dispatch.DispatchError("The end date has already passed.")
    alert = WorkplaceAlert(person_description=person_description.strip()[:1000],
                           keep_out_of=keep_out_of.strip()[:300], valid_until=valid_until,
                           instructions=(instructions or "").strip()[:1000] or None, priority=2)
    alert.summary = alert.build_summary()
    opened = open_ticket(alert, None, None, audit_ip=False)  # no advocate's name on it
    _link(request, actor, opened, "Workplace alert")
    return opened


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


@use_case
def reencrypt_all() -> int:
    """Re-encrypt every DV text under the first key of FIELD_ENCRYPTION_KEY (rotation)."""
    count = 0
    for request in db.session.scalars(select(SupportRequest)):
        for name in ENCRYPTED_FIELDS:
            flag_modified(request, name)
        for event in request.events:
            if event.body and event.body.startswith(crypto.PREFIX):
                event.body = crypto.PREFIX + crypto.rotate(event.body[len(crypto.PREFIX):])
        count += 1
    return count

