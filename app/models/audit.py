"""The append-only, hash-chained audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DDL, ForeignKey, String, Table, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class AuditRecord:
    """The fields of one record of a hash-chained audit trail: the general one (AuditEvent)
    and the DV one only advocates read (app.models.advocacy.AdvocateAuditEvent)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(254), default="")
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip_address: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditEvent(AuditRecord, db.Model):
    """Who did what to which object, when and from where.

    Each row's `hash` is an HMAC (key outside the database, id in `key_id`) of its own fields
    and the previous row's hash, so changing or deleting a row breaks the chain from there
    on (`flask audit verify`). Detail never holds
    passwords, tokens or confidential text.
    """

    __tablename__ = "audit_event"

    # Which AUDIT_HMAC_KEY signed `hash` ("legacy": plain SHA-256, from before keying).
    key_id: Mapped[str] = mapped_column(String(16), server_default="legacy")


class AuditChainHead(db.Model):
    """One row holding the last sequence number and hash; locked while appending, and
    moved on by the database itself with each record inserted (`head_follows`)."""

    __tablename__ = "audit_chain_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)


def head_follows_statements(events: str, head: str) -> dict[str, list[str]]:
    """The statements that make inserting into `events` move the chain's `head` row on to
    the new record, by dialect. The appender still locks the head first (that orders the
    chain); the trigger saves it an UPDATE while it holds the lock, which every other
    audited write waits on. The migration `audit2head` writes the same statements."""
    # Table names of our own, not input.
    update = f"UPDATE {head} SET last_seq = NEW.seq, last_hash = NEW.hash WHERE id = 1"  # noqa: S608
    return {
        "postgresql": [
            f"CREATE OR REPLACE FUNCTION {head}_follows() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {update}; RETURN NULL; END $$",
            f"CREATE TRIGGER {events}_moves_head AFTER INSERT ON {events} "
            f"FOR EACH ROW EXECUTE FUNCTION {head}_follows()",
        ],
        "sqlite": [
            f"CREATE TRIGGER {events}_moves_head AFTER INSERT ON {events} "
            f"BEGIN {update}; END",
        ],
    }


def head_follows(events: Table, head: Table) -> None:
    """Create the head-moving trigger with `events` (create_all: the tests, `make run`)."""
    for dialect, statements in head_follows_statements(events.name, head.name).items():
        for statement in statements:
            event.listen(events, "after_create", DDL(statement).execute_if(dialect=dialect))


head_follows(AuditEvent.__table__, AuditChainHead.__table__)
