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
from datetime import datetime

from sqlalchemy import select

from app.core.database import use_case
from app.core.i18n import in_language
from app.core.i18n import lazy_gettext as _l
from app.core.tokens import normalise_reference
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.support import HELP_LABELS, SupportRequest
from app.models.tickets import (
    TicketEvent,
)
from app.services import audit
from app.services.mail_quota import enqueue_typed
from app.services.tickets import Opened, open_ticket, ticket_for_token

MESSAGE_MAX = 2000


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
        raise SupportError(_l("Choose at least one kind of help."))
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
        with in_language(request.language):
            queued = enqueue_typed(request.safe_email, "support_received",
                                   _l("Your request was received"),
                                   dedupe_key=f"{mail_key(request)}received",
                                   reference=request.reference, follow_up_url=link)
        if not queued:
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
        raise UnknownRequest(_l("This link does not open a request."))
    body = (body or "").strip()
    if not body:
        raise SupportError(_l("Write your message first."))
    if len(body) > MESSAGE_MAX:
        raise SupportError(_l("Keep your message under %(max)d characters.", max=MESSAGE_MAX))
    if not request.is_open:
        raise SupportError(_l("This request is closed. "
                              "Call the advocacy program if you need help."))
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


PERSON_WORDS = {"created": _l("We received your request"),
                "message_out": _l("Message from the advocate"),
                "message_in": _l("You wrote"), "outcome": _l("Closed")}


def person_line(event) -> tuple[datetime, str, str | None] | None:
    """The line the person sees for one event of their request, or None (not for them)."""
    if not event.visible_to_requester:
        return None
    if event.kind == "status":
        if event.to_status == "acknowledged":
            return event.created_at, _l("An advocate has seen your request"), None
        return None
    text = PERSON_WORDS.get(event.kind)
    if text is None:
        return None
    return event.created_at, text, event.body if event.kind.startswith("message") else None


def person_timeline(request: SupportRequest) -> list[tuple[datetime, str, str | None]]:
    """What the person sees: (when, what, message text) for visible events, oldest first.
    The live stream sends the same lines one at a time (app.services.live_requester)."""
    return [line for line in map(person_line, request.events) if line is not None]


# The advocate's side and retention live in their own modules; their public names are
# importable from here, where the views and the CLI look for them.
from app.services.support_advocacy import (  # noqa: E402
    ADVOCATE_ROLES,
    CLOSE_CHOICES,
    LinkedEscort,
    acknowledge,
    add_note,
    audit_queue_view,
    close_request,
    create_alert,
    create_escort,
    message_person,
    queue,
    recently_closed,
    record_denied,
    view_request,
)
from app.services.support_retention import (  # noqa: E402
    ENCRYPTED_FIELDS,
    counts,
    forget_mail,
    forget_sent_mail,
    mail_key,
    purge_expired,
    reencrypt_all,
)

__all__ = [
    "ADVOCATE_ROLES", "CLOSE_CHOICES", "ENCRYPTED_FIELDS", "LinkedEscort", "MESSAGE_MAX",
    "RequestData",
    "SupportError", "UnknownRequest", "acknowledge", "add_note", "audit_queue_view",
    "close_request", "counts", "create_alert", "create_escort", "forget_mail",
    "forget_sent_mail", "mail_key", "member_reply", "member_view", "message_person",
    "opted_in_ids", "person_reply", "person_timeline", "person_view", "purge_expired",
    "queue", "recently_closed", "record_denied", "reencrypt_all", "request_for_token",
    "submit_request", "view_request",
]
