"""ALERT thefts: an owner reports a registered device stolen (an incident report for
dispatch; its open lockdowns end), and staff mark it recovered (the owner is emailed).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from app.core.database import use_case
from app.core.i18n import N_, in_language
from app.core.i18n import lazy_gettext as _l
from app.core.urls import external_url
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.devices import (
    DEVICE_TYPES,
    LOCKED,
    RECOVERED,
    STOLEN,
    Device,
    LockdownRequest,
)
from app.models.tickets import CANCELLED, OPEN_STATUSES, Ticket, TicketEvent
from app.services import audit, dispatch, followup, outbox, tickets
from app.services.devices import DeviceError, _event, owned_device
from app.services.reports import ReportDetails, ReportError, create_incident

RECOVERED_NOTE = followup.fixed_words(
    N_("Your device has been recovered. Dispatch will contact you to return it."))


def _off_lockdowns(device: Device, owner: User, theft: Ticket) -> None:
    """A stolen device leaves its open lockdown tickets: a ticket with no other device to
    lock is cancelled (no longer needed), saying why; otherwise it gets a note."""
    why = (f"{device.make} {device.model} was reported stolen ({theft.reference}): "
           "there is no lock to install on it.")
    open_requests = db.session.scalars(select(LockdownRequest).where(
        LockdownRequest.devices.contains(device), LockdownRequest.status.in_(OPEN_STATUSES)))
    for request in open_requests:
        if any(d.state not in (LOCKED, STOLEN) for d in request.devices):
            request.events.append(TicketEvent(kind="note", actor=owner, body=why,
                                              visible_to_requester=True))
            request.touch()
            continue
        dispatch.set_status(request, owner, CANCELLED, why)
        request.outcome, request.outcome_detail = "no_longer_needed", why[:300]
        request.eta_at = None


@dataclass(frozen=True)
class Theft:
    """What the owner says about a theft: when and where the device was last seen."""

    last_seen_at: datetime
    location_id: int | None
    where: str | None
    description: str = ""


def report_stolen(owner: User, device_id: int, theft: Theft,
                  submission_key: str | None = None) -> tickets.Opened:
    device = owned_device(owner, device_id, "stolen")
    if device.state == STOLEN:
        raise DeviceError(_l(
            "This device is already reported stolen: follow it under My requests."))
    try:
        return _report_stolen(owner, device_id, theft, submission_key)
    except ReportError as error:  # e.g. a last-seen time in the future: a form message
        raise DeviceError(str(error)) from error


@use_case
def _report_stolen(owner: User, device_id: int, theft: Theft, submission_key: str | None
                   ) -> tickets.Opened:
    device = db.session.get(Device, device_id)
    details = ReportDetails(
        category="theft",
        location_id=theft.location_id,
        location_detail=theft.where,
        observed_at=theft.last_seen_at,
        submission_key=submission_key,
        description=(
            f"Registered device stolen: {DEVICE_TYPES.get(device.device_type)} {device.make} "
            f"{device.model}, serial {device.serial}, ALERT {device.registration_number}."
            f" {theft.description.strip()}"
        ).strip(),
        contact_name=owner.name,
        contact_email=owner.email,
        contact_phone=owner.phone,
    )
    opened = create_incident(details, owner)
    if not opened.duplicate:
        device.state, device.stolen_at, device.theft_ticket = STOLEN, utcnow(), opened.ticket
        _event(device, "stolen", owner, f"Reported stolen ({opened.ticket.reference})")
        _off_lockdowns(device, owner, opened.ticket)
        audit.record("device.stolen", owner, "device", device.registration_number)
    return opened


@use_case
def mark_recovered(actor: User, device_id: int, note: str) -> Device:
    device = db.session.get(Device, device_id)
    if device is None or device.state != STOLEN:
        raise DeviceError("Only a device reported stolen can be marked recovered.")
    device.state, device.recovered_at = RECOVERED, utcnow()
    _event(device, "recovered", actor, note.strip() or "Recovered")
    if device.theft_ticket is not None:
        device.theft_ticket.events.append(
            TicketEvent(
                kind="note",
                actor=actor,
                visible_to_requester=True,
                body=RECOVERED_NOTE,
            )
        )
        device.theft_ticket.touch()
    with in_language(device.owner.mail_language):
        outbox.enqueue(device.owner.email, "device_recovered",
                       _l("Your %(device)s has been recovered",
                          device=f"{device.make} {device.model}"),
                       device=device, devices_url=external_url("devices.mine"))
    audit.record("device.recovered", actor, "device", device.registration_number)
    return device
