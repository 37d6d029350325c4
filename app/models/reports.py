"""Incident reports: suspicious packages, persons and substances, and their photos.

The safety guidance and the priority rule live here beside the categories they describe,
so the public form, the dispatch console and the tests read one table.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.i18n import N_, lazy_gettext
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.base import utcnow
from app.models.tickets import Ticket

CATEGORIES: dict[str, str] = {
    "suspicious_package": N_("Suspicious package"),
    "suspicious_person": N_("Suspicious person"),
    "suspicious_substance": N_("Suspicious substance"),
    "hazardous_material": N_("Hazardous material"),
    "unauthorized_person": N_("Unauthorized person"),
    "theft": N_("Theft"),
    "other": N_("Something else"),
}

# The categories inside a sentence, with their article ("your report of ...").
CATEGORY_PHRASES: dict[str, str] = {
    "suspicious_package": N_("a suspicious package"),
    "suspicious_person": N_("a suspicious person"),
    "suspicious_substance": N_("a suspicious substance"),
    "hazardous_material": N_("hazardous material"),
    "unauthorized_person": N_("an unauthorized person"),
    "theft": N_("a theft"),
    "other": N_("a concern"),
}

URGENT_CATEGORIES = frozenset({"suspicious_package", "suspicious_substance", "hazardous_material"})


def report_priority(category: str, still_happening: bool) -> int:
    """P1 for a package, substance or hazardous material, else P2; still happening raises one."""
    base = 1 if category in URGENT_CATEGORIES else 2
    return max(1, base - 1) if still_happening else base


@dataclass(frozen=True)
class Guidance:
    """What a reporter should do, in the order it is shown: call first, then meanwhile."""

    level: str
    call_now: str
    meanwhile: tuple[str, ...]


_PACKAGE = Guidance(
    level=_l("Keep away"),
    call_now=_l("Call now if the package is leaking, smoking, ticking, has wires showing, or "
             "someone said it is dangerous."),
    meanwhile=(
        _l("Do not touch, move or cover it."),
        _l("Move away and keep other people away."),
        _l("Do not use a radio or mobile phone near it: make calls from a safe distance."),
    ),
)
_SUBSTANCE = Guidance(
    level=_l("Leave the area"),
    call_now=_l("Call now if anyone feels unwell, has trouble breathing, or the substance is "
             "spreading, smoking or smells strongly."),
    meanwhile=(
        _l("Leave the area and close the door behind you if you can."),
        _l("Avoid contact: do not touch, smell or taste it."),
        _l("Wash any exposed skin with soap and water."),
    ),
)
_PERSON = Guidance(
    level=_l("Do not confront"),
    call_now=_l("Call now if anyone is in danger, the person has a weapon, or is threatening "
             "or hurting someone."),
    meanwhile=(
        _l("Do not confront the person or follow them."),
        _l("Note a description: height, clothing, anything that stands out."),
        _l("Note their direction of travel and the time you saw them."),
    ),
)
_OTHER = Guidance(
    level=_l("Stay safe"),
    call_now=_l("Call now if anyone is in danger or it is happening and getting worse."),
    meanwhile=(
        _l("Keep yourself and others at a safe distance."),
        _l("Note what you saw, where and when."),
    ),
)

GUIDANCE: dict[str, Guidance] = {
    "suspicious_package": _PACKAGE,
    "suspicious_substance": _SUBSTANCE,
    "hazardous_material": _SUBSTANCE,
    "suspicious_person": _PERSON,
    "unauthorized_person": _PERSON,
    "theft": Guidance(
        level=_l("Stay safe"),
        call_now=_l("Call now if the theft is happening right now or anyone is threatened."),
        meanwhile=(
            _l("Do not confront or chase anyone."),
            _l("Note a description and direction of travel if you saw someone."),
            _l("Do not touch where the item was, if you can avoid it."),
        ),
    ),
    "other": _OTHER,
}

# How dispatch closes a report, and what the reporter reads afterwards.
OUTCOMES: dict[str, str] = {
    "resolved": "Resolved",
    "unfounded": "Unfounded: nothing of concern found",
    "referred": "Referred to another agency",
    "duplicate": "Duplicate of another report",
}


class IncidentReport(Ticket):
    __tablename__ = "incident_report"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    category: Mapped[str] = mapped_column(String(30), index=True)
    observed_at: Mapped[datetime] = mapped_column(default=utcnow)
    description: Mapped[str] = mapped_column(Text)
    person_height: Mapped[str | None] = mapped_column(String(60))
    person_clothing: Mapped[str | None] = mapped_column(String(200))
    person_direction: Mapped[str | None] = mapped_column(String(200))
    still_happening: Mapped[bool] = mapped_column(default=False)
    anonymous: Mapped[bool] = mapped_column(default=False)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("ticket.id", ondelete="SET NULL")
    )

    duplicate_of: Mapped[Ticket | None] = relationship(
        foreign_keys=[duplicate_of_id], primaryjoin="IncidentReport.duplicate_of_id == Ticket.id"
    )
    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report", order_by="ReportPhoto.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {
        "polymorphic_identity": "incident",
        "inherit_condition": id == Ticket.id,
    }

    KIND_LABEL = N_("Incident report")
    REQUESTER_NOUN = "report"
    WITHDRAW = ("withdraw", "withdrawn")
    REFERENCE_PREFIX = "RPT"
    HAS_OWN_CLOSE_FORM = True

    @property
    def category_label(self):
        return lazy_gettext(CATEGORIES.get(self.category, self.category))

    @property
    def category_phrase(self):
        """The category as it reads in a sentence: "your report of a suspicious package"."""
        return lazy_gettext(CATEGORY_PHRASES.get(self.category, "a concern"))

    @property
    def guidance(self) -> Guidance:
        return GUIDANCE.get(self.category, _OTHER)

    @property
    def has_person_description(self) -> bool:
        return any((self.person_height, self.person_clothing, self.person_direction))

    @property
    def outcome_in_words(self) -> str | None:
        """The outcome as the reporter reads it, e.g. "Referred to City Police Department"."""
        if self.outcome == "referred":
            if self.outcome_detail:
                return _l("Referred to %(agency)s.", agency=self.outcome_detail)
            return _l("Referred to another agency.")
        if self.outcome == "duplicate":
            return _l("Someone had already reported this; dispatch handled it under that report.")
        if self.outcome == "unfounded":
            return _l("Officers checked and found nothing of concern. Thank you for reporting it.")
        if self.outcome == "resolved":
            return _l("Dispatch dealt with what you reported and closed the report.")
        return None


class ReportPhoto(db.Model):
    """A re-encoded photo on disk under UPLOAD_DIR; this row is the only way to reach it."""

    __tablename__ = "report_photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("incident_report.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    from_requester: Mapped[bool] = mapped_column(default=True)

    report: Mapped[IncidentReport] = relationship(back_populates="photos")

    @property
    def download_name(self) -> str:
        extension = "png" if self.content_type == "image/png" else "jpg"
        return f"{self.report.reference}-photo-{self.id}.{extension}"
