"""Writing and verifying the keyed, hash-chained audit trail.

Each row's `hash` is an HMAC-SHA256, under a key that is not in the database
(AUDIT_HMAC_KEY), of its own fields, the key's id and the previous row's hash. Someone who can
write to the database but does not hold the key cannot rewrite a row and recompute the chain.
Keys rotate: a new row records the current key's id, older ids stay verifiable while their
keys are listed in AUDIT_HMAC_KEYS. Cutting rows off the end (and moving the head back) is
caught by comparing with a copy of the head kept outside the database (`audit_head`).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from app.core import actor as actors
from app.core.database import separately
from app.extensions import db
from app.models.accounts import User
from app.models.audit import AuditChainHead, AuditEvent
from app.models.base import utcnow
from app.ops.jobs import periodic
from app.services import advocate_audit
from app.services.audit_chain import GENESIS, append, signed_in, signing_keys

LEGACY_KEY_ID = "legacy"  # rows written before the chain was keyed (plain SHA-256)
log = logging.getLogger(__name__)


def _canonical(event: AuditEvent, keyed: bool = True) -> bytes:
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
    if keyed:
        fields.append(event.key_id)
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode()


def _digest(event: AuditEvent, keys: dict[str, bytes] | None = None) -> str | None:
    """The row's HMAC under the key its `key_id` names; None when that key is not known."""
    if event.key_id == LEGACY_KEY_ID:
        return hashlib.sha256(_canonical(event, keyed=False)).hexdigest()
    key = (keys if keys is not None else signing_keys()[1]).get(event.key_id)
    if key is None:
        return None
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def client_ip() -> str | None:
    """The acting client's address, as the web layer bound it (None outside a request)."""
    return actors.bound().address


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
    address = client_ip() if ip is True else (ip or None)
    if advocate_audit.is_confidential(action, obj_id):
        return advocate_audit.record(action, actor, obj_type, obj_id, detail, address)
    key_id, keys = signing_keys()
    actor_obj = signed_in(actor)
    event = AuditEvent(
        occurred_at=utcnow(),
        actor_id=actor_obj.id if actor_obj else None,
        actor_label=actor_obj.email if actor_obj else "anonymous",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id)[:64],
        detail=detail[:2000],
        ip_address=address,
        key_id=key_id,
    )
    return append(event, AuditChainHead, lambda chained: _digest(chained, keys))


def record_refusal(
    action: str,
    actor: User | None = None,
    obj_type: str = "",
    obj_id: object = "",
    detail: str = "",
) -> None:
    """Audit a refused action in its own short transaction, so that the record survives the
    rollback of the use case that refused (a denied DV page, a self-approval, another
    owner's device). The one way to audit a refusal: never commit by hand for it."""
    ip = client_ip()
    separately(lambda: record(action, actor, obj_type, obj_id, detail, ip=ip))


@dataclass
class Break:
    """Where the chain first fails to verify, and why."""

    seq: int
    reason: str


def verify_chain(legacy_until: int = 0) -> Break | None:
    """The first row whose HMAC or link is wrong, or None when the chain is intact.

    Rows from before keying (key id "legacy", plain SHA-256) are accepted only up to
    `legacy_until`, the last seq the operator noted when keying started: otherwise anyone
    could relabel rewritten rows as legacy.
    """
    _, keys = signing_keys()
    prev, expected_seq = GENESIS, 1
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).yield_per(500):
        problem = _problem(event, expected_seq, prev, keys, legacy_until)
        if problem:
            return Break(event.seq, problem)
        prev, expected_seq = event.hash, expected_seq + 1
    head = db.session.get(AuditChainHead, 1)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return Break(expected_seq, "rows missing at the end of the chain")
    return None


def _problem(event: AuditEvent, seq: int, prev: str, keys: dict[str, bytes],
             legacy_until: int) -> str | None:
    if event.seq != seq:
        return f"row {seq} is missing"
    if event.prev_hash != prev:
        return "the link to the previous row is wrong"
    if event.key_id == LEGACY_KEY_ID and event.seq > legacy_until:
        return "an unkeyed row after keying started"
    if event.key_id != LEGACY_KEY_ID and event.key_id not in keys:
        return f"signed with key id {event.key_id!r}, which is not configured (AUDIT_HMAC_KEYS)"
    if not hmac.compare_digest(_digest(event, keys) or "", event.hash):
        return "the row was changed"
    return None


# --- The head, kept outside the database ---------------------------------------------------


def current_head() -> tuple[int, str]:
    """(last seq, last hash) as the database says."""
    head = db.session.get(AuditChainHead, 1)
    return (head.last_seq, head.last_hash) if head is not None else (0, GENESIS)


def verify_head(seq: int, expected_hash: str) -> str | None:
    """Compare with a head copied out earlier: the row `seq` must still exist with the same
    hash (later rows may have been added since). None when it matches, else what is wrong."""
    if seq == 0:
        return None
    row_hash = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == seq))
    if row_hash is None or current_head()[0] < seq:
        return f"row {seq} of the recorded head is gone (rows cut off the end)"
    if not hmac.compare_digest(row_hash, expected_hash):
        return f"row {seq} no longer has the recorded hash (history rewritten)"
    return None


def parse_head(text: str) -> tuple[int, str]:
    """"SEQ:HASH", or a head-file line "... seq=SEQ hash=HASH" (the last line counts)."""
    line = text.strip().splitlines()[-1] if text.strip() else ""
    if "seq=" in line:
        fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
        return int(fields["seq"]), fields["hash"]
    seq, _, value = line.partition(":")
    if not seq.strip().isdigit() or len(value.strip()) != 64:
        raise ValueError("expected SEQ:HASH (the hash is 64 hex characters)")
    return int(seq), value.strip()


@periodic("audit.head", every_seconds=3600)
def publish_head() -> str:
    """Copy the head out of the database: into the log, and appended to AUDIT_HEAD_FILE."""
    seq, last_hash = current_head()
    now = datetime.now(UTC).isoformat(timespec="seconds")
    line = f"{now} audit head seq={seq} hash={last_hash}"
    log.info("%s", line)
    path = current_app.config.get("AUDIT_HEAD_FILE")
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
    return f"seq={seq}"
