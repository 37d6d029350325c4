"""ALERT lockdowns: an owner asks for security cables on their devices, and the officer who
installs one records its lock ID (only on that officer's, or dispatch's, open ticket).
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.database import use_case
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.devices import (
    LOCKED,
    REQUESTED,
    STOLEN,
    Device,
    LockdownRequest,
)
from app.models.tickets import TicketEvent
from app.services import audit, dispatch, tickets
from app.services.devices import DeviceError, _event, owned_device


def request_lockdown(
    owner: User,
    device_ids: Sequence[int],
    preferred_times: str,
    location_id: int | None,
    room: str | None,
    submission_key: str | None = None,
) -> tickets.Opened:
    if not device_ids:
        raise DeviceError(_l("Choose at least one device to lock down."))
    for device_id in device_ids:
        device = owned_device(owner, device_id, "lockdown")
        if device.state in (LOCKED, STOLEN):
            raise DeviceError(_l("%(device)s is %(state)s.", device=f"{device.make} {device.model}",
                                  state=str(device.state_label).lower()))
    return _request_lockdown(
        owner, list(device_ids), preferred_times, location_id, room, submission_key
    )


def _devices_place(devices: list[Device], location_id: int | None, room: str | None
                   ) -> tuple[int | None, str | None]:
    """Where the officer goes: the place the owner gave, else where the devices are
    registered (building and room; each device's place when they are in several)."""
    room = (room or "").strip() or None
    if location_id or room:
        return location_id, room
    places = {(d.location_id, d.room) for d in devices if d.location_id or d.room}
    if len(places) == 1:
        return places.pop()
    if places:
        return None, "; ".join(f"{d.make} {d.model}: {d.where}" for d in devices)[:200]
    return None, None


@use_case
def _request_lockdown(owner, device_ids, preferred_times, location_id, room, submission_key):
    devices = [db.session.get(Device, i) for i in device_ids]
    names = ", ".join(f"{d.make} {d.model}" for d in devices)
    location_id, room = _devices_place(devices, location_id, room)
    ticket = LockdownRequest(
        priority=3,
        preferred_times=preferred_times.strip(),
        location_id=location_id,
        location_detail=room,
        devices=devices,
        summary=f"Lockdown: {names}"[:200],
        contact_name=owner.name,
        contact_email=owner.email,
        contact_phone=owner.phone,
    )
    opened = tickets.open_ticket(ticket, owner, submission_key)
    if not opened.duplicate:
        for device in devices:
            device.state = REQUESTED
            _event(
                device, "lockdown_requested", owner, f"Installation requested ({ticket.reference})"
            )
    return opened


class NotYourLockdown(DeviceError):
    """Not a lockdown ticket this member of staff may act on: answered as "not found"."""


@dispatch.ticket_action
def record_lock(ticket_id: int, actor: User, device_id: int, lock_id: str, locked_on: date
                ) -> Device:
    """The officer who installed the cable records the lock ID and date.

    Only the officer assigned to the ticket, or dispatch, may record it (app.services.visibility),
    on an open ticket. A device reported stolen stays stolen: no lock is recorded on it
    until it has been recovered.
    """
    ticket = dispatch.load_ticket(ticket_id, actor, fresh=True)
    if not isinstance(ticket, LockdownRequest):  # load_ticket applied the visibility rule
        raise NotYourLockdown("That lockdown request does not exist.")
    device = db.session.get(Device, device_id)
    if device is None or device not in ticket.devices:
        raise DeviceError("That device is not part of this lockdown request.")
    if not ticket.is_open:
        raise DeviceError("This lockdown request is closed.")
    if device.state == STOLEN:
        raise DeviceError(f"{device.make} {device.model} is reported stolen. It stays stolen "
                          "until it is marked recovered; no lock was recorded.")
    if locked_on > utcnow().date():
        raise DeviceError("The lock cannot have been installed in the future.")
    device.state, device.lock_id, device.locked_on = LOCKED, lock_id.strip(), locked_on
    _event(device, "locked", actor, f"Locked down, lock {device.lock_id}")
    note = f"Lock {device.lock_id} installed on {device.make} {device.model}"
    ticket.events.append(TicketEvent(kind="note", actor=actor, visible_to_requester=True,
                                     body=note))
    ticket.touch()
    dispatch.tell_requester(ticket, note)
    audit.record("device.locked", actor, "device", device.registration_number,
                 detail=f"ticket={ticket.reference}")
    return device
