"""Demo ALERT devices: some locked down, one stolen, spread over departments and months."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.devices import LOCKED, NOT_LOCKED, RECOVERED, Device, DeviceEvent
from app.services import device_theft, devices
from app.services.devices import DeviceDetails

ORDER = 50

FLEET = [
    # owner, type, make, model, serial, department, state, days ago
    (
        "member@demo.example",
        "laptop",
        "Dell",
        "Latitude 7440",
        "DL7440-88K2Q1",
        "Cardiology",
        LOCKED,
        200,
    ),
    (
        "member@demo.example",
        "tablet",
        "Apple",
        "iPad Air",
        "DMPXK2J7Q1GH",
        "Cardiology",
        NOT_LOCKED,
        20,
    ),
    (
        "dispatcher@demo.example",
        "laptop",
        "Lenovo",
        "ThinkPad T14",
        "PF-3X9K2L",
        "Police & Security",
        LOCKED,
        300,
    ),
    (
        "trainer@demo.example",
        "laptop",
        "HP",
        "EliteBook 840",
        "5CG1234XYZ",
        "Outreach",
        LOCKED,
        150,
    ),
    (
        "editor@demo.example",
        "desktop",
        "Apple",
        "iMac 24",
        "C02FK1ABQ6W4",
        "Communications",
        NOT_LOCKED,
        90,
    ),
    (
        "advocate@demo.example",
        "medical",
        "Philips",
        "IntelliVue X3",
        "PH-X3-000451",
        "Emergency Department",
        RECOVERED,
        60,
    ),
]


def seed() -> None:
    users = {u.email: u for u in db.session.scalars(select(User))}
    for email, kind, make, model, serial, department, state, days in FLEET:
        owner = users.get(email)
        if owner is None:
            continue
        device = devices.register_device(
            owner,
            DeviceDetails(
                device_type=kind, make=make, model=model, serial=serial, department=department
            ),
        )
        device = db.session.get(Device, device.id)
        device.created_at = utcnow() - timedelta(days=days)
        if state in (LOCKED, RECOVERED):
            device.state, device.lock_id = LOCKED, f"L-{serial[-4:]}"
            device.locked_on = (utcnow() - timedelta(days=days - 3)).date()
            device.events.append(
                DeviceEvent(kind="locked", body=f"Locked down, lock {device.lock_id}")
            )
        if state == RECOVERED:
            device.state, device.stolen_at = RECOVERED, utcnow() - timedelta(days=12)
            device.recovered_at = utcnow() - timedelta(days=5)
            device.events.append(DeviceEvent(kind="recovered", body="Recovered in Garage B"))
        db.session.commit()
    member = users.get("member@demo.example")
    stolen = member and devices.register_device(
        member,
        DeviceDetails(
            device_type="laptop",
            make="Microsoft",
            model="Surface Laptop 5",
            serial="0F3K-22Z9-7Q",
            department="Cardiology",
        ),
    )
    if stolen:
        device_theft.report_stolen(
            member,
            stolen.id,
            device_theft.Theft(utcnow() - timedelta(hours=30), None,
                               "Cafeteria, table by the window", "Left it for five minutes."),
        )
