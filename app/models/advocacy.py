"""Who may read the confidential (DV) records, and the record of what was done with them.

AdvocateGrant: a request to give or take the advocate role. An admin's request stays
pending until a different, existing advocate approves it (app.services.advocate_grants).

AdvocateAuditEvent: the DV side of the audit trail, readable by advocates only. Everything
that would tie a DV case to the escort or alert made from it is written here, never in the
admin-readable AuditEvent. It is hash-chained like the main trail (its own chain and head).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.accounts import User
from app.models.audit import AuditRecord, head_follows
from app.models.base import utcnow

# WITHDRAWN: the admin took the request back before any advocate decided.
PENDING, APPROVED, DECLINED, WITHDRAWN = "pending", "approved", "declined", "withdrawn"
GRANT, REVOKE = "grant", "revoke"


class AdvocateGrant(db.Model):
    __tablename__ = "advocate_grant"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    change: Mapped[str] = mapped_column(String(10))  # GRANT or REVOKE
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    requested_by: Mapped[User | None] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def verb(self) -> str:
        return "give the advocate role to" if self.change == GRANT else \
            "take the advocate role from"


class AdvocateAuditEvent(AuditRecord, db.Model):
    """One DV audit record: same fields as AuditEvent, in a store only advocates read."""

    __tablename__ = "advocate_audit_event"

    # The HMAC key (AUDIT_HMAC_KEY, kept outside the database) that signed the row, by id.
    key_id: Mapped[str] = mapped_column(String(16))


class AdvocateAuditHead(db.Model):
    """The DV chain's last sequence number and hash; locked while appending."""

    __tablename__ = "advocate_audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


head_follows(AdvocateAuditEvent.__table__, AdvocateAuditHead.__table__)
