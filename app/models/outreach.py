"""Outreach service requests: presentations, security surveys, event details, valuables.

They are tickets of kind "service" (P3), worked in the dispatch queue like every request.
One table holds the four request types; each type fills the fields it needs.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.i18n import N_, lazy_gettext
from app.models.tickets import Ticket

SERVICE_TYPES = {
    "presentation": N_("Safety and security presentation"),
    "survey": N_("Site security survey or threat/risk assessment"),
    "detail": N_("Security detail coverage for an event"),
    "valuables": N_("Patient valuables assistance"),
}


class ServiceRequest(Ticket):
    __tablename__ = "service_request"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"),
                                    primary_key=True)
    service_type: Mapped[str] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(120))
    topic: Mapped[str | None] = mapped_column(String(120))
    audience_size: Mapped[int | None] = mapped_column()
    preferred_dates: Mapped[str | None] = mapped_column(String(300))
    area: Mapped[str | None] = mapped_column(String(200))
    event_when: Mapped[str | None] = mapped_column(String(200))
    event_where: Mapped[str | None] = mapped_column(String(200))
    expected_attendance: Mapped[int | None] = mapped_column()
    patient_name: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[str | None] = mapped_column(Text)

    __mapper_args__ = {"polymorphic_identity": "service"}

    KIND_LABEL = N_("Service request")
    REFERENCE_PREFIX = "SVC"

    @property
    def service_label(self) -> str:
        return lazy_gettext(SERVICE_TYPES.get(self.service_type, self.service_type))
