"""Confidential domestic-violence (DV) assistance, and the workplace alert it can raise.

A SupportRequest is a confidential Ticket: dispatch never sees it, only advocates do. Every
piece of its free text is encrypted at rest (app.core.crypto): its own columns use
EncryptedText, and so does TicketEvent.body (every ticket's notes and messages), so the
dispatch service's actions can be reused on it unchanged. Ticket.summary is neutral, and the
Ticket contact columns stay empty.

After retention the request becomes a tombstone: reference, dates and outcome only.

A WorkplaceAlert is an ordinary (not confidential) ticket for dispatch: who to keep out,
where, until when. It carries nothing of the DV context; the link between the two is kept
on the DV side only (SupportLink).
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedText
from app.core.i18n import N_
from app.extensions import db
from app.models.base import utcnow
from app.models.tickets import Ticket

NEUTRAL_SUMMARY = "Support request"

HELP_KINDS = (
    ("safety_plan", N_("Safety planning")),
    ("escort", N_("An escort to my car or to transit")),
    ("workplace_alert", N_("A workplace safety alert (someone is not to be let in)")),
    ("advocate", N_("Help reaching an advocate")),
    ("restraining_order", N_("Liaison with police about a restraining order")),
)
HELP_LABELS = dict(HELP_KINDS)

CONTACT_METHODS = (
    ("phone", N_("By phone")),
    ("email", N_("By email")),
    ("in_person", N_("In person, at a place and time I choose")),
)
CONTACT_LABELS = dict(CONTACT_METHODS)


class SupportRequest(Ticket):
    """A confidential DV assistance request (kind "dv", DVA-XXXXXX, always P2)."""

    __tablename__ = "support_request"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    help_kinds: Mapped[str | None] = mapped_column(EncryptedText)
    details: Mapped[str | None] = mapped_column(EncryptedText)
    contact_method: Mapped[str | None] = mapped_column(String(20))
    contact_value: Mapped[str | None] = mapped_column(EncryptedText)
    preferred_name: Mapped[str | None] = mapped_column(EncryptedText)
    in_person_place: Mapped[str | None] = mapped_column(EncryptedText)
    in_person_time: Mapped[str | None] = mapped_column(EncryptedText)
    safe_times: Mapped[str | None] = mapped_column(EncryptedText)
    may_leave_message: Mapped[bool] = mapped_column(default=False)
    email_is_safe: Mapped[bool] = mapped_column(default=False)
    code_word: Mapped[str | None] = mapped_column(EncryptedText)
    show_in_my_requests: Mapped[bool] = mapped_column(default=False)
    erased_at: Mapped[datetime | None]

    links: Mapped[list[SupportLink]] = relationship(
        back_populates="support", cascade="all, delete-orphan", order_by="SupportLink.id",
        foreign_keys="SupportLink.support_id",
    )

    __mapper_args__ = {"polymorphic_identity": "dv"}

    KIND_LABEL = N_("Support request")
    REFERENCE_PREFIX = "DVA"

    def __init__(self, **fields) -> None:
        fields.setdefault("summary", NEUTRAL_SUMMARY)
        fields.setdefault("priority", 2)
        super().__init__(confidential=True, **fields)

    @property
    def is_tombstone(self) -> bool:
        return self.erased_at is not None

    @property
    def help_codes(self) -> list[str]:
        return [c for c in (self.help_kinds or "").split(",") if c in HELP_LABELS]

    @property
    def help_labels(self) -> list[str]:
        return [HELP_LABELS[c] for c in self.help_codes]

    @property
    def contact_label(self) -> str:
        return CONTACT_LABELS.get(self.contact_method or "", "Not given")

    @property
    def safe_email(self) -> str | None:
        """The only address mail may go to: one the person said is safe."""
        if self.contact_method == "email" and self.email_is_safe and self.contact_value:
            return self.contact_value
        return None


class SupportLink(db.Model):
    """A ticket (escort, alert) an advocate raised for a DV request. DV side only."""

    __tablename__ = "support_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    support_id: Mapped[int] = mapped_column(
        ForeignKey("support_request.id", ondelete="CASCADE"), index=True
    )
    ticket_id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    support: Mapped[SupportRequest] = relationship(back_populates="links",
                                                   foreign_keys=[support_id])
    ticket: Mapped[Ticket] = relationship(foreign_keys=[ticket_id])


class WorkplaceAlert(Ticket):
    """Keep a described person out of a place until a date: what dispatch needs, no more."""

    __tablename__ = "workplace_alert"

    id: Mapped[int] = mapped_column(ForeignKey("ticket.id", ondelete="CASCADE"), primary_key=True)
    person_description: Mapped[str] = mapped_column(String(1000))
    keep_out_of: Mapped[str] = mapped_column(String(300))
    valid_until: Mapped[date | None]
    instructions: Mapped[str | None] = mapped_column(String(1000))

    __mapper_args__ = {"polymorphic_identity": "alert"}

    KIND_LABEL = N_("Workplace safety alert")
    REFERENCE_PREFIX = "ALR"

    def build_summary(self) -> str:
        return f"Workplace safety alert: keep a described person out of {self.keep_out_of}"[:200]
