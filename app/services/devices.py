"""The ALERT registry's use cases: register, edit, retire, lockdown, theft and recovery.

Serial numbers and asset tags are compared in one normal form (`normalise_serial`), so the
same device is registered once whatever the case, spacing or dashes. Someone registering a
serial that is already registered learns only that it is; dispatch gets a notice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from app.core import tokens, uploads
from app.core.database import use_case
from app.core.i18n import lazy_gettext as _l
from app.core.search import contains
from app.core.uploads import PreparedImage, StoredImage
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.devices import (
    DEVICE_TYPES,
    NOT_LOCKED,
    RECOVERED,
    STOLEN,
    Device,
    DeviceEvent,
    RegistryNotice,
)
from app.models.locations import Location
from app.services import audit, tickets

LOOKUP_MIN_CHARACTERS = 3  # letters or digits a serial look-up needs
SEPARATORS = re.compile(r"[\s\-_./:]+")
SERIAL_PATTERN = re.compile(r"^[A-Z0-9]{3,40}$")


class DeviceError(Exception):
    """A request that cannot be done as sent; the message is shown on the form."""


def normalise_serial(text: str | None) -> str:
    """Upper case, full-width folded, without spaces, dashes, dots, slashes or underscores."""
    folded = unicodedata.normalize("NFKC", text or "").upper()
    return SEPARATORS.sub("", folded)


def valid_serial(text: str | None) -> str:
    """The normalised serial, or DeviceError with a message for the form."""
    normalised = normalise_serial(text)
    has_control = any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text or "")
    if has_control or not SERIAL_PATTERN.match(normalised):
        raise DeviceError(_l(
            "Enter the serial number as printed on the label: 3 to 40 letters "
            "and digits (spaces and dashes are fine)."
        ))
    return normalised


@dataclass
class DeviceDetails:
    device_type: str
    make: str
    model: str
    serial: str
    department: str
    asset_tag: str | None = None
    location_id: int | None = None
    room: str | None = None


def _check(details: DeviceDetails) -> tuple[str, str | None]:
    if details.device_type not in DEVICE_TYPES:
        raise DeviceError(_l("Choose the type of device."))
    if details.location_id is not None:
        location = db.session.get(Location, details.location_id)
        if location is None or not location.active:
            raise DeviceError(_l("Choose a building from the list."))
    tag = normalise_serial(details.asset_tag) if details.asset_tag else None
    if tag is not None and not SERIAL_PATTERN.match(tag):
        raise DeviceError(_l("Enter the asset tag as printed: letters and digits."))
    return valid_serial(details.serial), tag


def active_device_with_serial(normalised: str) -> Device | None:
    return db.session.scalar(
        select(Device).where(Device.serial_normalised == normalised, Device.retired_at.is_(None))
    )


def _event(device: Device, kind: str, actor: User | None, body: str | None = None) -> None:
    device.events.append(DeviceEvent(kind=kind, actor=actor, body=body))


def _apply(device: Device, details: DeviceDetails, serial: str, tag: str | None) -> None:
    device.device_type, device.make, device.model = (
        details.device_type,
        details.make.strip(),
        details.model.strip(),
    )
    device.serial, device.serial_normalised = details.serial.strip(), serial
    device.asset_tag = (details.asset_tag or "").strip() or None
    device.asset_tag_normalised = tag
    device.department = details.department.strip()
    device.location_id, device.room = details.location_id, (details.room or "").strip() or None


def register_device(
    owner: User, details: DeviceDetails, photo: PreparedImage | None = None
) -> Device:
    """Register a device, or raise DeviceError when its serial is already registered
    (dispatch is told in a transaction of its own, so the notice is kept)."""
    serial, _ = _check(details)
    existing = active_device_with_serial(serial)
    if existing is not None:
        if existing.owner_id == owner.id:
            raise DeviceError(_l("You have already registered this device: see My devices."))
        notify_duplicate(owner, existing.id, details.serial)
        raise DeviceError(_l(
            "This serial number is already registered. If the device is "
            "yours, call dispatch: they have been told and will help."
        ))
    with uploads.kept([photo] if photo else []) as stored:
        return _register(owner, details, stored)


@use_case
def _register(owner: User, details: DeviceDetails, stored: Sequence[StoredImage]) -> Device:
    serial, tag = _check(details)
    device = Device(owner=owner, registration_number=_registration_number())
    _apply(device, details, serial, tag)
    if stored:
        device.photo_name = stored[0].stored_name
    _event(device, "registered", owner, "Registered with ALERT")
    db.session.add(device)
    db.session.flush()  # the unique index refuses a serial registered a moment ago
    audit.record("device.registered", owner, "device", device.registration_number)
    return device


def _registration_number() -> str:
    for _ in range(10):
        number = tokens.new_reference("DEV")
        if not db.session.scalar(select(Device.id).where(Device.registration_number == number)):
            return number
    raise RuntimeError("no free registration number")


@use_case
def notify_duplicate(actor: User, device_id: int, attempted: str) -> None:
    device = db.session.get(Device, device_id)
    stolen = device.state == STOLEN
    notice = RegistryNotice(
        device=device,
        attempted_serial=attempted.strip()[:64],
        priority=2 if stolen else 3,
        contact_name=actor.name,
        contact_email=actor.email,
        contact_phone=actor.phone,
        summary=(
            "STOLEN device's serial presented for registration"
            if stolen
            else "Serial already registered presented again"
        )[:200],
    )
    tickets.open_ticket(notice, None)  # not in their "My requests": it would tip off a thief
    _event(device, "duplicate_attempt", actor, "Someone else tried to register this serial")
    audit.record("device.duplicate_attempt", actor, "device", device.registration_number)


def owned_device(owner: User, device_id: int, action: str) -> Device:
    """The owner's own, unretired device; anything else is refused and audited."""
    device = db.session.get(Device, device_id)
    if device is None or device.owner_id != owner.id or device.retired_at is not None:
        _refuse(owner, device_id, action)
        raise DeviceError(_l("That device is not one of yours."))
    return device


def _refuse(owner: User, device_id: int, action: str) -> None:
    audit.record_refusal("device.denied", owner, "device", device_id, detail=f"action={action}")


def update_device(owner: User, device_id: int, details: DeviceDetails) -> Device:
    device = owned_device(owner, device_id, "edit")
    serial, _ = _check(details)
    other = active_device_with_serial(serial)
    if other is not None and other.id != device.id:
        notify_duplicate(owner, other.id, details.serial)
        raise DeviceError(_l("This serial number is already registered to another device."))
    return _update(owner, device_id, details)


@use_case
def _update(owner: User, device_id: int, details: DeviceDetails) -> Device:
    device = db.session.get(Device, device_id)
    serial, tag = _check(details)
    _apply(device, details, serial, tag)
    _event(device, "edited", owner, "Details updated")
    db.session.flush()
    audit.record("device.edited", owner, "device", device.registration_number)
    return device


def retire_device(owner: User, device_id: int) -> Device:
    owned_device(owner, device_id, "retire")
    return _retire(owner, device_id)


@use_case
def _retire(owner: User, device_id: int) -> Device:
    device = db.session.get(Device, device_id)
    device.retired_at = utcnow()
    _event(device, "retired", owner, "Retired by its owner")
    audit.record("device.retired", owner, "device", device.registration_number)
    return device


@use_case
def lookup(actor: User, query: str) -> list[Device]:
    """Devices whose serial or asset tag contains the (normalised) query; audited."""
    needle = normalise_serial(query)[:40]
    if sum(char.isalnum() for char in needle) < LOOKUP_MIN_CHARACTERS:
        raise DeviceError(
            f"Type at least {LOOKUP_MIN_CHARACTERS} letters or digits of the serial or asset tag."
        )
    found = db.session.scalars(
        select(Device)
        .where(contains(Device.serial_normalised, needle)
               | contains(Device.asset_tag_normalised, needle))
        .order_by(Device.state != STOLEN, Device.created_at.desc())
        .limit(50)
    ).all()
    audit.record("device.lookup", actor, "device", "", detail=f"query={needle} found={len(found)}")
    return list(found)


@use_case
def view_device(actor: User, device_id: int) -> Device | None:
    device = db.session.get(Device, device_id)
    if device is not None:
        audit.record("device.viewed", actor, "device", device.registration_number)
    return device


def devices_of(owner: User) -> list[Device]:
    return list(
        db.session.scalars(
            select(Device)
            .where(Device.owner_id == owner.id, Device.retired_at.is_(None))
            .order_by(Device.created_at.desc())
        )
    )


def lockable_devices(owner: User) -> list[Device]:
    return [d for d in devices_of(owner) if d.state in (NOT_LOCKED, RECOVERED)]


# Lockdowns and thefts have their own modules; their names stay reachable from here for one
# round (import them from app.services.device_lockdown / device_theft).
_MOVED = {"request_lockdown": "device_lockdown", "record_lock": "device_lockdown",
          "NotYourLockdown": "device_lockdown", "report_stolen": "device_theft",
          "mark_recovered": "device_theft", "Theft": "device_theft"}


def __getattr__(name: str):
    if name in _MOVED:
        import importlib

        return getattr(importlib.import_module(f"app.services.{_MOVED[name]}"), name)
    raise AttributeError(name)
