"""The audit trail is tamper-evident: `flask audit verify` finds changed and missing rows."""
from __future__ import annotations

import gc

import pytest
from sqlalchemy import select, text

from app.core.database import use_case
from app.extensions import db as _db
from app.models.audit import AuditEvent
from app.services import audit
from tests.helpers import run_threads


@use_case
def write(n: int, actor=None) -> None:
    audit.record("test.write", actor, "thing", n, detail=f"write number {n}")


def write_many(count: int) -> None:
    for n in range(1, count + 1):
        write(n)


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_an_intact_chain_verifies(app, db):
    write_many(3)
    assert audit.verify_chain() is None
    result = verify(app)
    assert result.exit_code == 0
    assert "OK" in result.output


def test_an_empty_chain_verifies(app, db):
    assert verify(app).exit_code == 0


def test_a_changed_row_is_detected(app, db):
    write_many(4)
    db.session.execute(text("UPDATE audit_event SET detail = 'nothing happened' WHERE seq = 2"))
    db.session.commit()
    assert audit.verify_chain().seq == 2
    result = verify(app)
    assert result.exit_code == 1
    assert "seq 2" in result.output


def test_a_changed_row_with_a_recomputed_hash_breaks_the_next_link(app, db):
    write_many(3)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.seq == 2))
    event.detail = "rewritten"
    event.hash = audit._digest(event)
    db.session.commit()
    assert audit.verify_chain().seq == 3


@pytest.mark.parametrize(("deleted", "broken_at"), [(2, 3), (4, 4)], ids=["middle", "last"])
def test_a_deleted_row_is_detected(app, db, deleted, broken_at):
    write_many(4)
    db.session.execute(text("DELETE FROM audit_event WHERE seq = :seq"), {"seq": deleted})
    db.session.commit()
    assert audit.verify_chain().seq == broken_at
    result = verify(app)
    assert result.exit_code == 1 and f"seq {broken_at}" in result.output


def test_concurrent_writers_keep_the_chain_intact(app, db):
    write(0)  # the chain head exists, as it does on every running system
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            with app.app_context():
                for n in range(10):
                    write(worker * 100 + n)
        except BaseException as error:
            errors.append(error)

    run_threads(writer, [(i,) for i in range(5)])

    assert errors == []
    db.session.rollback()
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, 52))
    assert audit.verify_chain() is None


def test_a_record_forged_by_plain_sql_moves_the_head_but_fails_verification(app, db):
    """Inserting a record moves the head (a trigger), whoever inserts it: a row appended
    without the key is still caught, and a chain cut back afterwards too."""
    write_many(2)
    db.session.execute(text(
        "INSERT INTO audit_event (seq, occurred_at, actor_label, action, object_type, "
        "object_id, detail, prev_hash, hash, key_id) SELECT 3, occurred_at, 'x', 'forged', "
        "'', '', '', hash, :fake, key_id FROM audit_event WHERE seq = 2"), {"fake": "f" * 64})
    db.session.commit()
    assert audit.current_head()[0] == 3
    assert audit.verify_chain().seq == 3


@use_case
def write_three_in_one_transaction() -> None:
    for n in range(3):
        audit.record("test.same_transaction", None, "thing", n)


def test_an_audited_use_case_sends_no_update_of_the_head(app, db):
    from tests.functional.test_query_counts import counted_queries

    write(0)  # the head exists
    with counted_queries() as sent:
        write_three_in_one_transaction()
    assert not [s for s in sent if s.startswith("UPDATE audit_chain_head")], sent
    assert len([s for s in sent if s.startswith("SELECT audit_chain_head")]) == 3
    assert audit.current_head()[0] == 4
    assert audit.verify_chain() is None


@use_case
def write_four_some_without_autoflush() -> None:
    audit.record("test.autoflush", None, "thing", 1)
    audit.record("test.autoflush", None, "thing", 2)
    with _db.session.no_autoflush:
        gc.collect()  # nothing held in memory between records: each reads the moved head
        audit.record("test.no_autoflush", None, "thing", 3)
        gc.collect()
        audit.record("test.no_autoflush", None, "thing", 4)


def test_records_added_before_any_flush_still_chain_in_order(app, db):
    write(0)
    write_four_some_without_autoflush()
    db.session.rollback()
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == [1, 2, 3, 4, 5]
    assert audit.verify_chain() is None
