"""The audit chain is keyed: write access to the database is not enough to rewrite history.

The attacker here can read the code and write every table, but does not hold AUDIT_HMAC_KEY.
"""
from __future__ import annotations

import hashlib
import json
import logging

from sqlalchemy import select, text

from app.core.database import use_case
from app.models.audit import AuditChainHead, AuditEvent
from app.services import audit

OLD_KEY = "the-first-audit-key-of-this-test-0123456789"


@use_case
def write(n: int) -> None:
    audit.record("test.write", None, "thing", n, detail=f"write number {n}")


def write_many(first: int, last: int) -> None:
    for n in range(first, last + 1):
        write(n)


def verify(app, *args: str):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def sha256_chain_rewrite(db, seq: int, detail: str, key_id: str | None = None) -> None:
    """What an attacker with database access does: edit a row, then recompute every hash
    from there on, with SHA-256 over the row's fields as the code does, and move the head."""
    db.session.execute(text("UPDATE audit_event SET detail = :d WHERE seq = :s"),
                       {"d": detail, "s": seq})
    if key_id:
        db.session.execute(text("UPDATE audit_event SET key_id = :k"), {"k": key_id})
    db.session.commit()
    rows = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    prev = audit.GENESIS
    for event in rows:
        event.prev_hash = prev
        fields = [event.seq, event.occurred_at.isoformat(timespec="microseconds"),
                  event.actor_id, event.actor_label, event.action, event.object_type,
                  event.object_id, event.detail, event.ip_address, event.prev_hash]
        canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
        event.hash = hashlib.sha256(canonical.encode()).hexdigest()
        prev = event.hash
    head = db.session.get(AuditChainHead, 1)
    head.last_seq, head.last_hash = rows[-1].seq, prev
    db.session.commit()


def test_a_row_rewritten_with_a_recomputed_sha256_chain_and_head_is_caught(app, db):
    write_many(1, 4)
    sha256_chain_rewrite(db, 2, "nothing happened")
    broken = audit.verify_chain()
    assert broken.seq == 1 and "changed" in broken.reason
    result = verify(app)
    assert result.exit_code == 1 and "BROKEN" in result.output and "intact" not in result.output


def test_relabelling_rewritten_rows_as_unkeyed_legacy_rows_is_caught(app, db):
    write_many(1, 3)
    sha256_chain_rewrite(db, 2, "nothing happened", key_id=audit.LEGACY_KEY_ID)
    assert "unkeyed" in audit.verify_chain().reason
    assert verify(app).exit_code == 1


def test_rows_signed_with_a_rotated_key_verify_while_the_old_key_is_listed(
        app, db, monkeypatch):
    monkeypatch.setitem(app.config, "AUDIT_HMAC_KEY", OLD_KEY)
    monkeypatch.setitem(app.config, "AUDIT_HMAC_KEY_ID", "2025")
    write_many(1, 2)
    monkeypatch.setitem(app.config, "AUDIT_HMAC_KEY", "the-new-audit-key-of-this-test-9876543210")
    monkeypatch.setitem(app.config, "AUDIT_HMAC_KEY_ID", "2026")
    monkeypatch.setitem(app.config, "AUDIT_HMAC_KEYS", f"2025:{OLD_KEY}")
    write_many(3, 4)
    key_ids = db.session.scalars(select(AuditEvent.key_id).order_by(AuditEvent.seq)).all()
    assert key_ids == ["2025", "2025", "2026", "2026"]
    assert audit.verify_chain() is None
    assert verify(app).exit_code == 0

    monkeypatch.setitem(app.config, "AUDIT_HMAC_KEYS", "")
    broken = audit.verify_chain()
    assert broken.seq == 1 and "'2025'" in broken.reason and "not configured" in broken.reason


def cut_off_the_end(db, keep: int) -> None:
    """The attacker deletes the last rows and moves the head back: the chain itself is then
    consistent, only a copy of the head kept outside the database shows what happened."""
    db.session.execute(text("DELETE FROM audit_event WHERE seq > :k"), {"k": keep})
    last = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == keep))
    db.session.execute(text("UPDATE audit_chain_head SET last_seq = :k, last_hash = :h"),
                       {"k": keep, "h": last})
    db.session.commit()


def test_rows_cut_off_the_end_are_caught_against_the_head_copied_from_the_log(
        app, db, caplog):
    write_many(1, 4)
    with caplog.at_level(logging.INFO, logger="app.services.audit"):
        audit.publish_head()
    [line] = [r.getMessage() for r in caplog.records if "audit head" in r.getMessage()]
    seq, last_hash = audit.current_head()
    assert f"seq={seq} hash={last_hash}" in line
    assert verify(app, "--expect-head", f"{seq}:{last_hash}").exit_code == 0
    assert verify(app, "--expect-head", line).exit_code == 0  # the log line as it is

    cut_off_the_end(db, keep=2)
    assert audit.verify_chain() is None
    result = verify(app, "--expect-head", f"{seq}:{last_hash}")
    assert result.exit_code == 1 and "cut off" in result.output


def test_the_worker_head_file_catches_rows_cut_off_the_end(app, db, tmp_path, monkeypatch):
    head_file = tmp_path / "audit-head.log"
    monkeypatch.setitem(app.config, "AUDIT_HEAD_FILE", str(head_file))
    write_many(1, 3)
    audit.publish_head()
    write(4)  # later rows are fine: the recorded row is still there with its hash
    assert verify(app).exit_code == 0
    assert verify(app, "--head-file", str(head_file)).exit_code == 0

    cut_off_the_end(db, keep=2)
    assert verify(app, "--head-file", str(head_file)).exit_code == 1
    result = verify(app)  # AUDIT_HEAD_FILE is checked without being named
    assert result.exit_code == 1 and "cut off" in result.output


def test_the_head_job_is_registered_for_the_worker():
    from app.ops.jobs import all_jobs

    jobs = {job.name: job for job in all_jobs()}
    assert jobs["audit.head"].every_seconds == 3600


def test_the_advocates_dv_chain_is_keyed_too(app, db):
    """The DV audit store only advocates read is a chain of its own: an attacker who edits a
    DV record and recomputes plain SHA-256 hashes and the head is caught there as well."""
    from app.models.advocacy import AdvocateAuditEvent, AdvocateAuditHead
    from app.services import advocate_audit

    @use_case
    def write_dv(n: int) -> None:
        audit.record("dv.viewed", None, "ticket", f"DVA-{n:06d}", detail=f"view {n}")

    for n in range(1, 4):
        write_dv(n)
    assert advocate_audit.verify_chain() is None
    assert db.session.scalar(select(AdvocateAuditEvent.key_id).limit(1)) == "1"
    db.session.execute(text("UPDATE advocate_audit_event SET detail = 'nothing' WHERE seq = 2"))
    db.session.commit()
    prev = advocate_audit.GENESIS
    for event in db.session.scalars(select(AdvocateAuditEvent).order_by(AdvocateAuditEvent.seq)):
        event.prev_hash = prev
        fields = [event.seq, event.occurred_at.isoformat(timespec="microseconds"),
                  event.actor_id, event.actor_label, event.action, event.object_type,
                  event.object_id, event.detail, event.ip_address, event.prev_hash]
        canonical = json.dumps(fields, separators=(",", ":"), ensure_ascii=True)
        event.hash = prev = hashlib.sha256(canonical.encode()).hexdigest()
    head = db.session.get(AdvocateAuditHead, 1)
    head.last_hash = prev
    db.session.commit()
    assert advocate_audit.verify_chain().seq == 1
    result = verify(app)
    assert result.exit_code == 1 and "advocates' audit chain" in result.output
