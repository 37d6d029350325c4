"""Unit requests: what a clinical unit's staff ask security for, each a Ticket kind.

UnitRequest holds what every unit request has (the unit, the room, when, the unit's phone
for the call-back); each kind adds its own table (joined-table inheritance, three levels).
None of them holds a patient's name or diagnosis: the forms say so and app.services.units
refuses obvious identifiers.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_
from app.core.i18n import lazy_gettext as _l
from app.models.locations import Location
from app.models.tickets import Ticket


class UnitRequest(Ticket):
    __tablename__ = "unit_request"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"),
                                    primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    room: Mapped[str | None] = mapped_column(String(60))  # as typed, when not a known room
    requested_for: Mapped[datetime | None]  # naive UTC; None means "now"
    unit_phone: Mapped[str | None] = mapped_column(String(40))

    unit: Mapped[Location] = relationship(foreign_keys=[unit_id], lazy="joined")

    __mapper_args__ = {"polymorphic_abstract": True}

    @property
    def kind_label(self):
        """KIND_LABEL in the page's or mail's language (KIND_LABEL stays English for staff)."""
        return _l(self.KIND_LABEL)

    @property
    def requester_summary(self):
        """The summary in the requester's language (the stored one is dispatch's English)."""
        return _l("%(kind)s for %(where)s", kind=self.kind_label, where=self.where)

    DEFAULT_PRIORITY = 3
    SLUG = ""
    ASKS_WHEN = False
    WITHDRAW = ("cancel", "cancelled")


class PatientStandby(UnitRequest):
    """An officer present while a patient who may become violent is treated or restrained."""

    __tablename__ = "patient_standby"

    id: Mapped[int] = mapped_column(ForeignKey("unit_request.id", ondelete="CASCADE"),
                                    primary_key=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    risk: Mapped[str] = mapped_column(String(200))
    restraints_planned: Mapped[bool] = mapped_column(default=False)

    __mapper_args__ = {"polymorphic_identity": "standby"}
    KIND_LABEL = N_("Patient standby")  # English for staff; translated where shown
    REFERENCE_PREFIX = "STB"
    DEFAULT_PRIORITY = 2
    SLUG = "standby"
    ASKS_WHEN = True


class UnitConsult(UnitRequest):
    """A unit security consult: a threat or risk assessment for the SMART team."""

    __tablename__ = "unit_consult"

    id: Mapped[int] = mapped_column(ForeignKey("unit_request.id", ondelete="CASCADE"),
                                    primary_key=True)
    concern: Mapped[str] = mapped_column(String(1000))

    __mapper_args__ = {"polymorphic_identity": "unit_consult"}
    KIND_LABEL = N_("Unit security consult")  # English for staff; translated where shown
    REFERENCE_PREFIX = "CON"
    DEFAULT_PRIORITY = 3
    SLUG = "consult"


class ElopementWatch(UnitRequest):
    """A watch on an elopement-risk patient: exits and lifts near the unit, for a time."""

    __tablename__ = "elopement_watch"

    id: Mapped[int] = mapped_column(ForeignKey("unit_request.id", ondelete="CASCADE"),
                                    primary_key=True)
    duration_minutes: Mapped[int] = mapped_column(default=60)
    risk: Mapped[str] = mapped_column(String(200))

    __mapper_args__ = {"polymorphic_identity": "elopement_watch"}
    KIND_LABEL = N_("Elopement-risk watch")  # English for staff; translated where shown
    REFERENCE_PREFIX = "ELW"
    DEFAULT_PRIORITY = 2
    SLUG = "elopement-watch"
    ASKS_WHEN = True


class ValuablesPickup(UnitRequest):
    """Valuables to collect from a unit for the security safe (or to return on discharge)."""

    __tablename__ = "valuables_pickup"

    id: Mapped[int] = mapped_column(ForeignKey("unit_request.id", ondelete="CASCADE"),
                                    primary_key=True)
    items: Mapped[str] = mapped_column(String(300))

    __mapper_args__ = {"polymorphic_identity": "valuables_pickup"}
    KIND_LABEL = N_("Valuables pickup")  # English for staff; translated where shown
    REFERENCE_PREFIX = "VAL"
    DEFAULT_PRIORITY = 3
    SLUG = "valuables"
    ASKS_WHEN = True


UNIT_KINDS: dict[str, type[UnitRequest]] = {
    cls.SLUG: cls for cls in (PatientStandby, UnitConsult, ElopementWatch, ValuablesPickup)}
