"""What the two hash-chained audit trails share (the general one, app.services.audit, and
the advocates' DV one, app.services.advocate_audit): the genesis hash, the HMAC keys, the
head row locked while appending, and who is recorded as the actor."""
from __future__ import annotations

import functools

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models.accounts import User

GENESIS = "0" * 64


def signing_keys() -> tuple[str, dict[str, bytes]]:
    """(the current key id, every known key by id): AUDIT_HMAC_KEY plus AUDIT_HMAC_KEYS."""
    config = current_app.config
    current = config.get("AUDIT_HMAC_KEY")
    if not current:
        raise RuntimeError("AUDIT_HMAC_KEY is not set: the audit trail cannot be written")
    keys = {}
    for item in (config.get("AUDIT_HMAC_KEYS") or "").split(","):
        key_id, _, key = item.strip().partition(":")
        if key_id and key:
            keys[key_id] = key.encode()
    current_id = str(config.get("AUDIT_HMAC_KEY_ID") or "1")
    keys[current_id] = current.encode()
    return current_id, keys


def locked_head(head_class):
    """The chain's one head row (last sequence number and hash), locked until the caller's
    transaction ends so that appends are serialised; created at genesis if missing."""
    head = db.session.scalars(_head_query(head_class)).first()
    if head is None:
        head = head_class(id=1, last_seq=0, last_hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


@functools.cache
def _head_query(head_class):
    """Built once per chain: every audited use case runs it, and building the statement
    (and its cache key) each time cost about as much CPU as running it."""
    return select(head_class).where(head_class.id == 1).with_for_update()


HEADS = "portal_audit_heads"  # session.info: the locked heads this session has advanced


def advance(head, record) -> None:
    """Note in the locked `head` that `record` is the chain's newest, without an UPDATE:
    inserting the record moves the head's row (a trigger, app.models.audit.head_follows),
    and a second record in the same transaction reads the head from here, even before the
    first is flushed. The session holds an unchanged object only weakly, so the head is
    kept here: otherwise it could be collected and read again from a row not yet moved."""
    set_committed_value(head, "last_seq", record.seq)
    set_committed_value(head, "last_hash", record.hash)
    db.session.info.setdefault(HEADS, {})[type(head)] = head


def signed_in(actor: User | None) -> User | None:
    """The actor to record: a signed-in account, or None (anonymous, a worker, the CLI)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
