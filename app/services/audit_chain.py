"""What the two hash-chained audit trails share (the general one, app.services.audit, and
the advocates' DV one, app.services.advocate_audit): the genesis hash, the HMAC keys, the
head row locked while appending, and who is recorded as the actor."""
from __future__ import annotations

import functools

from flask import current_app
from sqlalchemy import select

from app.core.inserts import insert_new
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


def append(event, head_class, digest):
    """Give `event` the next place in its chain (sequence number and previous hash), sign it
    with `digest(event)` and insert it, in the caller's transaction.

    The chain's one head row is locked (FOR UPDATE) until that transaction ends, so that
    appends are serialised. Inserting the record moves the head row (a trigger,
    app.models.audit.head_follows), so a second record in the same transaction reads the
    moved head, and no UPDATE is sent while the lock is held. The head is created at
    genesis if missing.

    What the use case changed so far is flushed first, as a query's autoflush would: every
    use case then locks the rows it changes before the head, never after, and two of them
    cannot deadlock on a ticket and the head (tests/unit/test_dispatch_concurrency.py).
    """
    db.session.flush()
    connection = db.session.connection()
    table = head_class.__table__
    head = connection.execute(_head_query(table)).first()
    if head is None:
        connection.execute(table.insert().values(id=1, last_seq=0, last_hash=GENESIS))
        head = (0, GENESIS)
    event.seq, event.prev_hash = head[0] + 1, head[1]
    event.hash = digest(event)
    insert_new(event)
    return event


@functools.cache
def _head_query(table):
    """Built once per chain: every audited use case runs it, and building the statement
    (and its cache key) each time cost about as much CPU as running it."""
    return select(table.c.last_seq, table.c.last_hash).where(table.c.id == 1).with_for_update()


def signed_in(actor: User | None) -> User | None:
    """The actor to record: a signed-in account, or None (anonymous, a worker, the CLI)."""
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
