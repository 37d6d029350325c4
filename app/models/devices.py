"""The ALERT lockdown registry: devices, their history, and lockdown requests for dispatch."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, gettext
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_, lazy_gettext
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.locations import Location
from app.models.tickets import Ticket

DEVICE_TYPES = {
    "laptop": N_("Laptop"),
    "tablet": N_("Tablet"),
    "desktop": N_("Desktop computer"),
    "medical": N_("Medical or portable equipment"),
    "other": N_("Other"),
}
NOT_LOCKED, REQUESTED, LOCKED, STOLEN, RECOVERED = (
    "not_locked",
    "requested",
    "locked",
    "stolen",
    "recovered",
)
STATE_LABELS = {
    NOT_LOCKED: N_("Not locked"),
    REQUESTED: N_("Installation requested"),
    LOCKED: N_("Locked down"),
    STOLEN: N_("Reported stolen"),
    RECOVERED: N_("Recovered"),
}

lockdown_devices = Table(
    "lockdown_device",
    db.metadata,
    Column("ticket_id", ForeignKey("lockdown_request.id", ondelete="CASCADE"), primary_key=True),
    Column("device_id", ForeignKey("device.id", ondelete="CASCADE"), primary_key=True),
)


class Device(db.Model):
    __tablename__ = "device"
    __table_args__ = (
        Index(
            "uq_device_active_serial",
            "serial_normalised",
            unique=True,
            sqlite_where=db.text("retired_at IS NULL"),
            postgresql_where=db.text("retired_at IS NULL"),
        ),
        Index("ix_device_asset_tag_normalised", "asset_tag_normalised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_number: Mapped[str] = mapped_column(String(16), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    device_type: Mapped[str] = mapped_column(String(20))
    make: Mapped[str] = mapped_column(String(80))
    model: Mapped[str] = mapped_column(String(80))
    serial: Mapped[str] = mapped_column(String(64))
    serial_normalised: Mapped[str] = mapped_column(String(64), index=True)
    asset_tag: Mapped[str | None] = mapped_column(String(40))
    asset_tag_normalised: Mapped[str | None] = mapped_column(String(40))
    department: Mapped[str] = mapped_column(String(120))
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    room: Mapped[str | None] = mapped_column(String(80))
    photo_name: Mapped[str | None] = mapped_column(String(80), unique=True)
    state: Mapped[str] = mapped_column(String(12), default=NOT_LOCKED, index=True)
    lock_id: Mapped[str | None] = mapped_column(String(40))
    locked_on: Mapped[date | None]
    stolen_at: Mapped[datetime | None]
    recovered_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]
    theft_ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    owner: Mapped[User] = relationship()
    location: Mapped[Location | None] = relationship()
    theft_ticket: Mapped[Ticket | None] = relationship(foreign_keys=[theft_ticket_id])
    events: Mapped[list[DeviceEvent]] = relationship(
        back_populates="device", order_by="DeviceEvent.id", cascade="all, delete-orphan"
    )

    @property
    def type_label(self) -> str:
        return lazy_gettext(DEVICE_TYPES.get(self.device_type, self.device_type))

    @property
    def state_label(self) -> str:
        if self.state == LOCKED and self.locked_on:
            return gettext("Locked down on %(day)s (lock %(lock)s)",
                           day=format_date(self.locked_on, "long"), lock=self.lock_id)
        return lazy_gettext(STATE_LABELS.get(self.state, self.state))

    @property
    def where(self) -> str:
        parts = [self.location.name if self.location else None, self.room]
        return ", ".join(p for p in parts if p) or gettext("Not given")


class DeviceEvent(db.Model):
    """One line of a device's history (registered, lockdown requested, locked, stolen...)."""

    __tablename__ = "device_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("device.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    body: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    device: Mapped[Device] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class LockdownRequest(Ticket):
    """A request to install security cables on one or more registered devices (P3)."""

    __tablename__ = "lockdown_request"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    preferred_times: Mapped[str] = mapped_column(String(300))

    devices: Mapped[list[Device]] = relationship(secondary=lockdown_devices, order_by="Device.id")

    __mapper_args__ = {"polymorphic_identity": "lockdown"}
    KIND_LABEL = N_("Lockdown installation")
    REFERENCE_PREFIX = "LCK"


class RegistryNotice(Ticket):
    """Tells dispatch that someone tried to register a serial that is already registered."""

    __tablename__ = "registry_notice"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    device_id: Mapped[int | None] = mapped_column(ForeignKey("device.id", ondelete="SET NULL"))
    attempted_serial: Mapped[str] = mapped_column(String(64))

    device: Mapped[Device | None] = relationship(foreign_keys=[device_id])

    __mapper_args__ = {"polymorphic_identity": "registry"}
    KIND_LABEL = N_("Registry notice")
    REFERENCE_PREFIX = "REG"
