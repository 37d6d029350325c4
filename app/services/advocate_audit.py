"""The DV side of the audit trail: a store only advocates read.

Everything about a confidential (DV) request (its "dv.*" records and any record whose object
is a DVA- reference) is written here instead of the admin-readable AuditEvent. The record
tying a DV case to the escort or alert made from it therefore never sits beside the linked
ticket's own creation in the admin log, and the admin log carries no DV reference, time or
sequence number at all. The linked ticket's own creation is recorded in the admin log as an
ordinary ticket made without a signed-in actor (like a worker-made ticket), with nothing
pointing back.

It is hash-chained like the main trail, with its own head row (`flask audit verify` checks
both chains).
"""
from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.advocacy import AdvocateAuditEvent, AdvocateAuditHead
from app.models.base import utcnow
from app.services.audit_chain import GENESIS, append, signed_in, signing_keys

DV_PREFIX = "DVA-"


def is_confidential(action: str, obj_id: object) -> bool:
    """Whether an audit record belongs to the DV store rather than the admin's."""
    return action.startswith("dv.") or str(obj_id).upper().startswith(DV_PREFIX)


def digest(event: AdvocateAuditEvent, keys: dict[str, bytes] | None = None) -> str | None:
    """The row's HMAC-SHA256 under the audit key its `key_id` names (the same keys and
    rotation as the admin chain: audit_chain.signing_keys); None for an unknown key."""
    key = (keys if keys is not None else signing_keys()[1]).get(event.key_id)
    if key is None:
        return None
    fields = [event.seq, event.occurred_at.isoformat(timespec="microseconds"), event.actor_id,
              event.actor_label, event.action, event.object_type, event.object_id,
              event.detail, event.ip_address, event.prev_hash, event.key_id]
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
    return hmac.new(key, canonical.encode(), hashlib.sha256).hexdigest()


def record(action: str, actor: User | None, obj_type: str, obj_id: object, detail: str,
           ip_address: str | None) -> AdvocateAuditEvent:
    """Append to the DV chain inside the caller's transaction."""
    key_id, keys = signing_keys()
    who = signed_in(actor)
    event = AdvocateAuditEvent(
        occurred_at=utcnow(),
        actor_id=who.id if who else None,
        actor_label=who.email if who else "anonymous", action=action,
        object_type=obj_type, object_id=str(obj_id)[:64], detail=detail[:2000],
        ip_address=ip_address, key_id=key_id)
    return append(event, AdvocateAuditHead, lambda chained: digest(chained, keys))


def verify_chain() -> AdvocateAuditEvent | None:
    """The first DV record whose hash or link is wrong, or None when the chain is intact."""
    keys = signing_keys()[1]
    prev, expected = GENESIS, 1
    rows = db.session.scalars(select(AdvocateAuditEvent).order_by(AdvocateAuditEvent.seq))
    for event in rows.yield_per(500):
        if event.seq != expected or event.prev_hash != prev or \
                not hmac.compare_digest(digest(event, keys) or "", event.hash):
            return event
        prev, expected = event.hash, expected + 1
    head = db.session.get(AdvocateAuditHead, 1)
    if head is not None and (head.last_seq != expected - 1 or head.last_hash != prev):
        return AdvocateAuditEvent(seq=expected, action="(rows missing at the end)")
    return None


def recent(limit: int = 200) -> list[AdvocateAuditEvent]:
    return list(db.session.scalars(select(AdvocateAuditEvent)
                                   .order_by(AdvocateAuditEvent.seq.desc()).limit(limit)))
