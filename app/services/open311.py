"""Open311 GeoReport v2: which services are published, and filing a request through a key.

The published services are the public request kinds only: the incident-report categories
and the outreach requests. DV assistance and escorts are never candidates (a DV request is
confidential; an escort says where a person will walk), so no setting can publish them.

A request filed through the API goes through the same service function as the web form
(app.services.reports.submit_report, app.services.outreach.request_service): the same
checks, priority rules, first event (so the live board sees it), audit record and private
follow-up link. This module adds only the key check (read from the database, so a revoked
key is refused at once on every worker) and an audit record naming the key.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from app.core.database import use_case
from app.extensions import db
from app.models.accounts import User
from app.models.open311 import ApiKey, PublishedService
from app.models.reports import CATEGORIES, URGENT_CATEGORIES
from app.services import audit, open311_keys, outreach, reports
from app.services.tickets import Opened

REPORT, OUTREACH = "incident", "service"


@dataclass(frozen=True)
class Service:
    code: str  # the Open311 service_code
    kind: str  # the ticket kind it opens
    subtype: str  # the report category or the outreach request type
    name: str
    group: str
    keywords: tuple[str, ...]
    published_by_default: bool = True


def _catalogue() -> dict[str, Service]:
    services = [
        Service(f"report-{category}", REPORT, category, f"Report: {label}", "Report a concern",
                ("report", "security", *category.split("_")))
        for category, label in CATEGORIES.items()
    ] + [
        Service(f"outreach-{kind}", OUTREACH, kind, label, "Outreach requests",
                ("outreach", kind))
        for kind, label in outreach.OPEN_TYPES.items()
    ]
    return {service.code: service for service in services}


SERVICES: dict[str, Service] = _catalogue()


class KeyRefused(Exception):
    """No key, an unknown key or a revoked one (403)."""


class FilingError(ValueError):
    """A request that cannot be taken as sent (400); the message says why."""


def description_of(service: Service) -> str:
    """What the service is for, with the emergency rule every page of the portal repeats."""
    emergency = current_app.config["EMERGENCY_PHONE"]
    if service.kind == REPORT:
        urgent = " Dispatch treats it as priority 1." if service.subtype in URGENT_CATEGORIES \
            else ""
        return (f"A non-emergency report to hospital security: {service.name.split(': ')[1]}."
                f"{urgent} Not for emergencies: call {emergency}.")
    return f"A request to the division's outreach team: {service.name}."


def published_codes() -> set[str]:
    """The service codes the API offers now (the admin's choice, else the default)."""
    rows = db.session.execute(select(PublishedService.code, PublishedService.published))
    chosen = {code: published for code, published in rows}
    return {code for code, service in SERVICES.items()
            if chosen.get(code, service.published_by_default)}


def published_service(code: str | None) -> Service | None:
    if not code or code not in SERVICES or code not in published_codes():
        return None
    return SERVICES[code]


@use_case
def set_published(codes: set[str], actor: User) -> set[str]:
    """Publish exactly `codes` (unknown codes are ignored); audited when anything changed."""
    before = published_codes()
    for code in SERVICES:
        row = db.session.get(PublishedService, code) or PublishedService(code=code)
        row.published = code in codes
        db.session.add(row)
    db.session.flush()
    after = published_codes()
    if after != before:
        audit.record("open311.services_published", actor, "open311", "services",
                     detail="published=" + ",".join(sorted(after)))
    return after


def _checked_key(raw_key: str | None) -> ApiKey:
    key = open311_keys.active_key(raw_key)
    if key is None:
        raise KeyRefused("The api_key is missing, unknown or revoked.")
    return key


def _audit_filing(key: ApiKey, service: Service, opened: Opened, anonymous: bool) -> None:
    audit.record("open311.request", None, "ticket", opened.reference,
                 detail=f"key={key.name} service={service.code}", ip=not anonymous)


@use_case
def file_report(raw_key: str | None, service: Service, details: reports.ReportDetails
                ) -> Opened:
    """An incident report through the API: the web form's use case, under a checked key."""
    key = _checked_key(raw_key)
    try:
        opened = reports.submit_report(details, None, ())
    except reports.ReportError as error:
        raise FilingError(str(error)) from error
    _audit_filing(key, service, opened, details.anonymous)
    return opened


@use_case
def file_outreach(raw_key: str | None, service: Service, fields: dict,
                  contact: outreach.Contact) -> Opened:
    """An outreach request through the API: the web form's use case, under a checked key."""
    key = _checked_key(raw_key)
    try:
        opened = outreach.request_service(service.subtype, fields, contact, None)
    except outreach.OutreachError as error:
        raise FilingError(str(error)) from error
    _audit_filing(key, service, opened, anonymous=False)
    return opened


def check_key(raw_key: str | None) -> None:
    """Raise KeyRefused for a key that may not file (before the form is even read)."""
    _checked_key(raw_key)
