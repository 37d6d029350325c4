"""Open311 GeoReport v2, reading: the requests anyone may list, with nothing personal.

What a request shows is decided here, once, for the list and the single request alike:
its reference, service, status (open|closed, or FixMyStreet's extended statuses), the
notes staff wrote for the requester about its status and outcome, times, and the building
(`open311_address`, never the room or the typed location detail). Never a name, phone,
email, account, the free text of the request or a direct message. Only incident reports
and outreach requests of a published service are found at all: a DV request, an escort or
a lockdown is exactly as absent as a reference that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models.locations import Location
from app.models.outreach import ServiceRequest
from app.models.reports import IncidentReport
from app.models.tickets import (
    ACKNOWLEDGED,
    ASSIGNED,
    CANCELLED,
    CLOSED_STATUSES,
    EN_ROUTE,
    NEW,
    ON_SCENE,
    OPEN_STATUSES,
    RESOLVED,
    Ticket,
)
from app.services import followup
from app.services.open311 import OUTREACH, REPORT, SERVICES, Service, published_codes

MAX_RESULTS = 1000
MAX_RANGE = timedelta(days=90)
NOTE_KINDS = ("status", "outcome")

# FixMyStreet's extended statuses (asked for with extensions=true), from the lifecycle
# and, once closed, from the outcome dispatch chose.
EXTENDED_OPEN = {NEW: "OPEN", ACKNOWLEDGED: "INVESTIGATING", ASSIGNED: "ACTION_SCHEDULED",
                 EN_ROUTE: "IN_PROGRESS", ON_SCENE: "IN_PROGRESS"}
EXTENDED_OUTCOME = {
    "duplicate": "DUPLICATE",
    "referred": "NOT_COUNCILS_RESPONSIBILITY",
    "outside_service": "NOT_COUNCILS_RESPONSIBILITY",
    "unfounded": "NO_FURTHER_ACTION",
    "nothing_found": "NO_FURTHER_ACTION",
    "no_contact": "NO_FURTHER_ACTION",
    "resolved": "FIXED",
    "completed": "FIXED",
    "assisted": "FIXED",
}


def open311_address(location: Location | None) -> tuple[str, int | None]:
    """(address, address_id) published for a ticket's place: the site under the campus (a
    building, garage, transit stop or landmark), never its floor, unit or room."""
    if location is None:
        return "", None
    site = next((p for p in location.lineage() if p.kind != "campus"), location)
    return site.name, site.id


def campus_places() -> list[tuple[int, str, str]]:
    """(address_id, address, kind) of every active place a client may name."""
    rows = db.session.execute(select(Location.id, Location.name, Location.kind)
                              .where(Location.active).order_by(Location.name))
    return [(place_id, name, kind) for place_id, name, kind in rows]


def place_name(address_id: str | None) -> str | None:
    """The name of the active place `address_id` names, or None."""
    text = (address_id or "").strip()
    if not (text.isascii() and text.isdigit() and len(text) < 10):
        return None
    place = db.session.get(Location, int(text))
    return place.path if place is not None and place.active else None


@dataclass(frozen=True)
class Query:
    """A list request's filters, already checked by the caller (naive UTC times)."""

    start: datetime
    end: datetime
    references: tuple[str, ...] = ()
    codes: frozenset[str] = field(default_factory=frozenset)
    statuses: frozenset[str] = field(default_factory=frozenset)  # "open", "closed"


def service_of(ticket: Ticket) -> Service | None:
    if isinstance(ticket, IncidentReport):
        return SERVICES.get(f"report-{ticket.category}")
    if isinstance(ticket, ServiceRequest):
        return SERVICES.get(f"outreach-{ticket.service_type}")
    return None


def _public(ticket: Ticket | None, published: set[str]) -> bool:
    service = service_of(ticket) if ticket is not None else None
    return service is not None and not ticket.confidential and service.code in published


def find_request(reference: str) -> Ticket | None:
    """The request with this reference, when the API may show it at all; else None."""
    if not reference or len(reference) > 16:
        return None
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference.upper()))
    return ticket if _public(ticket, published_codes()) else None


def _statuses(query: Query) -> tuple[str, ...]:
    wanted = ()
    if not query.statuses or "open" in query.statuses:
        wanted += OPEN_STATUSES
    if not query.statuses or "closed" in query.statuses:
        wanted += CLOSED_STATUSES
    return wanted


def _kind_query(model, column, subtypes: list[str], query: Query):
    statement = select(model).where(column.in_(subtypes), model.confidential.is_(False))
    if query.references:
        return statement.where(model.reference.in_(query.references))
    return statement.where(model.status.in_(_statuses(query)), model.created_at >= query.start,
                           model.created_at <= query.end
                           ).order_by(model.created_at.desc()).limit(MAX_RESULTS)


def find_requests(query: Query) -> list[Ticket]:
    """Published requests matching `query`, newest first, at most MAX_RESULTS. A list of
    references (service_request_id) overrides the other filters, as the spec says."""
    codes = published_codes() & set(query.codes if query.codes and not query.references
                                    else SERVICES)
    found: list[Ticket] = []
    for kind, model, column in ((REPORT, IncidentReport, IncidentReport.category),
                                (OUTREACH, ServiceRequest, ServiceRequest.service_type)):
        subtypes = [SERVICES[c].subtype for c in codes if SERVICES[c].kind == kind]
        if subtypes:
            found.extend(db.session.scalars(_kind_query(model, column, subtypes, query)))
    found.sort(key=lambda ticket: ticket.created_at, reverse=True)
    return found[:MAX_RESULTS]


def status_of(ticket: Ticket, extended: bool = False) -> str:
    if not extended:
        return "open" if ticket.is_open else "closed"
    if ticket.is_open:
        return EXTENDED_OPEN.get(ticket.status, "OPEN")
    if ticket.status in (RESOLVED, CANCELLED):
        return EXTENDED_OUTCOME.get(ticket.outcome or "", "CLOSED")
    return "CLOSED"


def status_notes(ticket: Ticket) -> str:
    """What staff wrote for the requester about the status: the latest status change's note
    and, once closed, the outcome in the requester's words. Never a message or a staff-only
    note, never the requester's own words."""
    notes: list[str] = []
    for event in ticket.events:
        if (event.visible_to_requester and event.kind in NOTE_KINDS and event.body
                and event.actor_id is not None and event.actor_id != ticket.requester_id):
            notes = notes[-1:] if event.kind == "outcome" else []
            notes.append(event.body.strip())
    return " ".join(dict.fromkeys(notes))


def _expected(ticket: Ticket) -> datetime | None:
    due = followup.expected(ticket)
    return due[1] if due else None


def public_view(ticket: Ticket, extended: bool = False) -> dict:
    """The request as the API shows it: plain values, datetimes as naive UTC."""
    service = service_of(ticket)
    address, address_id = open311_address(ticket.location)
    return {
        "service_request_id": ticket.reference,
        "status": status_of(ticket, extended),
        "status_notes": status_notes(ticket),
        "service_name": service.name,
        "service_code": service.code,
        "description": "",
        "agency_responsible": current_app.config["ORG_NAME"],
        "service_notice": ticket.status_label,
        "requested_datetime": ticket.created_at,
        "updated_datetime": ticket.updated_at,
        "expected_datetime": _expected(ticket),
        "address": address,
        "address_id": address_id,
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }
