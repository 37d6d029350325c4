"""What every ticket kind shares: opening a ticket and finding it again.

Kind-specific services (escorts, reports, lockdowns, DV assistance, service requests) build
their Ticket subclass and hand it to `open_ticket`, which gives it a reference and a private
follow-up token, writes its first event and audit record, and makes a repeated submission
of the same form return the first ticket instead of a second one.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.core import actor as actors
from app.core import tokens
from app.core.database import RunAgain, in_use_case, running_again
from app.core.inserts import insert_new
from app.extensions import db
from app.models.accounts import User
from app.models.tickets import Ticket, TicketEvent
from app.services import audit

REFERENCE_ATTEMPTS = 10


@dataclass(frozen=True)
class Opened:
    """A ticket just opened, with the raw follow-up token (shown once, never stored).

    `reference` is read while the ticket is loaded, so a view can redirect after the
    commit without a query to reload the expired ticket.
    """

    ticket: Ticket
    token: str | None
    duplicate: bool = False
    # True when the confirmation mail was skipped: the address had its share (mail_quota).
    mail_held: bool = False
    reference: str = field(init=False)

    def held_mail(self) -> Opened:
        return replace(self, mail_held=True)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reference", self.ticket.reference)


def find_by_submission(submission_key: str | None) -> Ticket | None:
    if not submission_key:
        return None
    return db.session.scalar(select(Ticket).where(Ticket.submission_key == submission_key))


def open_ticket(
    ticket: Ticket,
    actor: User | None,
    submission_key: str | None = None,
    audit_ip: bool = True,
    created_note: str = "Request received",
) -> Opened:
    """Add `ticket` to the current transaction with reference, token and first event.

    Call it inside a `use_case`. When the same `submission_key` was already used, nothing is
    added and the earlier ticket is returned with `duplicate=True` (its token is not known
    any more, so the caller shows the confirmation without a new link).

    The unique constraints on submission_key and reference do the checking, with no
    SELECT before the insert: the ticket is inserted as it is, by plain INSERTs
    (app.core.inserts: the flush cost a third of an escort submit's CPU), and a refused
    insert (a double submit, a random reference already taken) makes the use case run
    again (RunAgain), where the ticket is flushed inside a savepoint and a refusal costs a
    look-up or a fresh reference. The savepoint's two round trips are paid only then.
    """
    token = tokens.new_token()
    ticket.access_token_hash = tokens.hash_token(token)
    ticket.submission_key = submission_key
    ticket.language = actors.bound().language  # the language the request was made in
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and ticket.requester_id is None:
        ticket.requester = actor
    ticket.events.append(TicketEvent(kind="created", to_status=ticket.status, body=created_note,
                                     visible_to_requester=True))
    if in_use_case() and not running_again():
        ticket.reference = tokens.new_reference(type(ticket).REFERENCE_PREFIX)
        try:
            insert_new(ticket)
        except IntegrityError as refused:
            if not _unique_key_taken(refused):
                raise  # a real constraint bug: say so, do not run again
            raise RunAgain from refused
    else:
        existing = _add_carefully(ticket, submission_key)
        if existing is not None:
            return Opened(existing, None, duplicate=True)
    audit.record("ticket.created", actor, "ticket", ticket.reference,
                 detail=f"kind={ticket.kind} priority=P{ticket.priority}", ip=audit_ip)
    return Opened(ticket, token)


def _unique_key_taken(error: IntegrityError) -> bool:
    """A unique constraint refused the insert (PostgreSQL's 23505, SQLite's message): the
    only refusal that a second run can handle."""
    orig = error.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def _add_carefully(ticket: Ticket, submission_key: str | None) -> Ticket | None:
    """Flush `ticket` inside a savepoint, drawing references until one is free; the earlier
    ticket of the same `submission_key` when there is one (then nothing is added)."""
    for _ in range(REFERENCE_ATTEMPTS):
        ticket.reference = tokens.new_reference(type(ticket).REFERENCE_PREFIX)
        try:
            # Added inside the savepoint: begin_nested() flushes whatever is pending
            # before its SAVEPOINT, where a refused insert could not be rolled back alone.
            with db.session.begin_nested():
                db.session.add(ticket)
                db.session.flush()
        except IntegrityError:
            existing = find_by_submission(submission_key)
            if existing is not None:
                return existing
            continue
        return None
    raise RuntimeError("could not find a free reference")


def ticket_for_token(reference: str, token: str) -> Ticket | None:
    """The ticket that this private link opens, or None. A reference alone opens nothing."""
    if not token or len(token) > 200:
        return None
    ticket = db.session.scalar(
        select(Ticket).where(Ticket.access_token_hash == tokens.hash_token(token))
    )
    if ticket is None or ticket.reference != tokens.normalise_reference(reference):
        return None
    return ticket
