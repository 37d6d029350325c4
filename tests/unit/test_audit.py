"""The audit trail is tamper-evident: `flask audit verify` finds changed and missing rows."""
from __future__ import annotations

import threading

from sqlalchemy import select, text

from app.core.database import use_case
from app.models.audit import AuditEvent
from app.services import audit


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


def test_a_deleted_middle_row_is_detected(app, db):
    write_many(4)
    db.session.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    db.session.commit()
    assert audit.verify_chain().seq == 3
    result = verify(app)
    assert result.exit_code == 1 and "seq 3" in result.output


def test_a_deleted_last_row_is_detected(app, db):
    write_many(4)
    db.session.execute(text("DELETE FROM audit_event WHERE seq = 4"))
    db.session.commit()
    assert audit.verify_chain().seq == 4
    result = verify(app)
    assert result.exit_code == 1 and "seq 4" in result.output


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

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    db.session.rollback()
    seqs = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
    assert seqs == list(range(1, 52))
    assert audit.verify_chain() is None
