"""One owner per transaction: nested use cases join the outer one; refusals outlive it.

Each assertion reads through a connection of its own, so it sees what is committed in the
database, not what this session holds in memory.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select

from app.core.database import use_case
from app.extensions import db as _db
from app.models.audit import AuditEvent
from app.services import audit


class Refused(Exception):
    pass


def committed_actions(db) -> list[str]:
    """The audit actions the database holds, as another connection sees them."""
    engine = create_engine(db.engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    finally:
        engine.dispose()


@use_case
def inner(label: str) -> None:
    audit.record(f"test.inner.{label}", None, "thing", label)
    _db.session.flush()


@use_case
def outer_that_fails(seen: list) -> None:
    audit.record("test.outer", None, "thing", 1)
    inner("a")
    seen.append(committed_actions(_db))  # after the inner use case returned
    raise Refused("the outer use case refuses")


@use_case
def outer_that_succeeds(seen: list) -> None:
    inner("a")
    seen.append(committed_actions(_db))
    inner("b")


def test_a_nested_use_case_is_rolled_back_with_the_outer_one(app, db):
    seen: list = []
    with pytest.raises(Refused):
        outer_that_fails(seen)
    assert seen == [[]]  # the inner use case did not commit
    assert committed_actions(db) == []
    assert _db.session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_only_the_outermost_use_case_commits(app, db):
    seen: list = []
    outer_that_succeeds(seen)
    assert seen == [[]]
    assert committed_actions(db) == ["test.inner.a", "test.inner.b"]


@use_case
def refuse_inside(actor_label: str) -> None:
    audit.record("test.half_done", None, "thing", 1)
    audit.record_refusal("test.refused", None, "thing", actor_label, detail="why")
    raise Refused("no")


def test_an_audited_refusal_survives_the_rollback_of_its_use_case(app, db):
    with pytest.raises(Refused):
        refuse_inside("x")
    assert committed_actions(db) == ["test.refused"]
    assert audit.verify_chain() is None


def test_an_audited_refusal_is_written_after_a_use_case_that_commits(app, db):
    @use_case
    def refuse_then_carry_on() -> None:
        audit.record_refusal("test.refused", None, "thing", 1)
        audit.record("test.carried_on", None, "thing", 1)

    refuse_then_carry_on()
    assert committed_actions(db) == ["test.carried_on", "test.refused"]
    assert audit.verify_chain() is None


def test_an_audited_refusal_outside_a_use_case_is_committed_at_once(app, db):
    audit.record_refusal("test.refused", None, "thing", 1)
    assert committed_actions(db) == ["test.refused"]
