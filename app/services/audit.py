"""Writing and verifying the hash-chained audit trail."""
from __future__ import annotations

import hashlib
import json

from flask import has_request_context, request
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import User
from app.models.audit import AuditChainHead, AuditEvent
from app.models.base import utcnow
from app.services import advocate_audit

GENESIS = "0" * 64


def _digest(event: AuditEvent) -> str:
    fields = [
        event.seq,
        event.occurred_at.isoformat(timespec="microseconds"),
        event.actor_id,
        event.actor_label,
        event.action,
        event.object_type,
        event.object_id,
        event.detail,
        event.ip_address,
        event.prev_hash,
    ]
    canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _chain_head() -> AuditChainHead:
    head = db.session.scalars(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).first()
    if head is None:
        head = AuditChainHead(id=1, last_seq=0, last_hash=GENESIS)
        db.session.add(head)
        db.session.flush()
    return head


def client_ip() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    action: str,
    actor: User | None = None,
    obj_type: str = "",
    obj_id: object = "",
    detail: str = "",
    ip: str | None | bool = True,
) -> AuditEvent:
    """Append an audit event to the current transaction (the caller's use case commits).

    `detail` must never hold secrets or confidential text. `ip=False` records no address
    (anonymous reports); `ip=True` takes the request's. Records about confidential (DV)
    requests go to the advocates' own chain instead (app.services.advocate_audit).
    """
    if advocate_audit.is_confidential(action, obj_id):
        return advocate_audit.record(action, actor, obj_type, obj_id, detail,
                                     client_ip() if ip is True else (ip or None))
    head = _chain_head()
    actor_obj = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        seq=head.last_seq + 1,
        occurred_at=utcnow(),
        actor_id=actor_obj.id if actor_obj else None,
        actor_label=actor_obj.email if actor_obj else "anonymous",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id)[:64],
        detail=detail[:2000],
        ip_address=client_ip() if ip is True else (ip or None),
        prev_hash=head.last_hash,
    )
    event.hash = _digest(event)
    head.last_seq, head.last_hash = event.seq, event.hash
    db.session.add(event)
    return event


def verify_chain() -> AuditEvent | None:
    """The first event whose hash or link is wrong, or None when the chain is intact."""
    prev = GENESIS
    expected_seq = 1
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(500):
        if event.seq != expected_seq or event.prev_hash != prev or _digest(event) != event.hash:
            return event
        prev, expected_seq = event.hash, expected_seq + 1
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return AuditEvent(seq=expected_seq, action="(rows missing at the end of the chain)")
    return None
