"""insert_new (app.core.inserts) writes what a flush would write, and leaves the object as a
flush would leave it: persistent, loaded, and changed later by a normal versioned UPDATE."""
from __future__ import annotations

import pytest
from sqlalchemy import String, inspect, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.core.inserts import insert_new
from app.models.escorts import EscortRequest
from app.models.locations import Location
from app.models.support import SupportRequest
from app.models.tickets import ASSIGNED, Ticket, TicketEvent
from tests.functional.test_query_counts import counted_queries

CHANGES_EACH_TIME = {"id", "reference", "access_token_hash", "created_at", "updated_at"}


def _escort(campus, requester, reference: str) -> EscortRequest:
    escort = EscortRequest(from_location=campus["garage"], to_location=campus["rail"],
                           location=campus["garage"], party_size=2, needs="Wheelchair",
                           summary="Garage to rail", contact_phone="555 010 1234",
                           contact_name="Pat Doe", priority=2, requester=requester,
                           reference=reference, access_token_hash=reference * 4)
    escort.events.append(TicketEvent(kind="created", to_status=escort.status,
                                     body="Request received", visible_to_requester=True))
    return escort


def _dv(reference: str) -> SupportRequest:
    request = SupportRequest(summary="Assistance", details="He follows me to the garage",
                             code_word="bluebird", priority=2,
                             reference=reference, access_token_hash=reference * 4)
    request.events.append(TicketEvent(kind="created", body="Request received"))
    return request


def _as_read_back(db, obj) -> dict:
    """Every column of the row (decrypted where encrypted), as a fresh load reads it."""
    row = db.session.get(type(obj), obj.id, populate_existing=True)
    return {attr.key: getattr(row, attr.key) for attr in inspect(type(obj)).column_attrs
            if attr.key not in CHANGES_EACH_TIME}


@pytest.mark.parametrize("build", ["escort", "dv"])
def test_a_ticket_inserted_directly_reads_back_as_one_flushed(db, campus, make_user, build):
    requester = make_user()
    make = (lambda ref: _escort(campus, requester, ref)) if build == "escort" else _dv
    flushed, inserted = make("ESC-FLUSH1"), make("ESC-DIRECT")
    db.session.add(flushed)
    db.session.flush()
    insert_new(inserted)
    db.session.commit()
    assert _as_read_back(db, inserted) == _as_read_back(db, flushed)
    assert (inserted.id < 0) == (flushed.id < 0) == (build == "dv")  # DV numbered apart
    assert inserted.created_at is not None and inserted.version == 1
    [event] = db.session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == inserted.id))
    assert (event.kind, event.body) == ("created", "Request received")


def test_an_inserted_ticket_is_loaded_and_answers_without_a_query(db, campus, make_user):
    escort = _escort(campus, make_user(), "ESC-LOADED")
    insert_new(escort)
    with counted_queries() as sent:
        assert inspect(escort).persistent
        assert escort.requester.email and escort.from_location.name == "Garage A, Level 3"
        assert [e.kind for e in escort.events] == ["created"]
        assert escort.events[0].id is not None and escort.events[0].ticket is escort
        assert escort.assigned_officer is None and escort.version == 1
    assert sent == []


def test_a_change_in_the_same_transaction_is_a_versioned_update(db, campus, make_user):
    officer = make_user(roles=("officer",))
    escort = _escort(campus, None, "ESC-CHANGE")
    insert_new(escort)
    escort.status, escort.assigned_officer = ASSIGNED, officer
    escort.events.append(TicketEvent(kind="assignment", to_status=ASSIGNED))
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(Ticket, escort.id)
    assert (again.status, again.assigned_officer_id, again.version) == (ASSIGNED, officer.id, 2)
    assert [e.kind for e in again.events] == ["created", "assignment"]


def test_a_place_still_pending_is_flushed_to_give_the_ticket_its_key(db, campus):
    new_place = Location(name="Helipad", kind="building")
    db.session.add(new_place)
    escort = _escort(campus, None, "ESC-PENDNG")
    escort.location = escort.from_location = new_place
    insert_new(escort)
    db.session.commit()
    row = db.session.get(EscortRequest, escort.id, populate_existing=True)
    assert row.location_id == row.from_location_id == new_place.id is not None


def test_an_object_already_in_the_session_is_refused_and_nothing_is_written(db, campus):
    escort = _escort(campus, None, "ESC-INSESS")
    db.session.add(escort)
    with pytest.raises(ValueError, match="not new"):
        insert_new(escort)
    db.session.rollback()
    assert db.session.scalar(select(Ticket).where(Ticket.reference == "ESC-INSESS")) is None


def test_a_lockdown_inserted_directly_links_its_devices(db, make_device):
    from app.models.devices import LockdownRequest

    first, second = make_device(), make_device()
    lockdown = LockdownRequest(summary="Cable two laptops", preferred_times="Mornings",
                               reference="LCK-DIRECT", access_token_hash="d" * 64,
                               devices=[first, second])
    insert_new(lockdown)
    db.session.commit()
    db.session.expire_all()
    again = db.session.get(LockdownRequest, lockdown.id)
    assert [d.id for d in again.devices] == sorted([first.id, second.id])


class _Elsewhere(DeclarativeBase):
    """Models of no table of ours: what insert_new must refuse before it sends anything."""


class _PairKeyed(_Elsewhere):
    __tablename__ = "pair_keyed"
    left: Mapped[int] = mapped_column(primary_key=True)
    right: Mapped[int] = mapped_column(primary_key=True)


def _needs_the_row(context) -> str:
    return context.get_current_parameters()["name"].upper()


class _ContextDefault(_Elsewhere):
    __tablename__ = "context_default"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20))
    shout: Mapped[str] = mapped_column(String(20), default=_needs_the_row)


@pytest.mark.parametrize("obj, says", [
    (_PairKeyed(left=1, right=2), "one-column primary key"),
    (_ContextDefault(name="a"), "default that reads the statement's context"),
])
def test_a_model_it_cannot_write_as_the_flush_would_is_refused_before_any_statement(
        db, obj, says):
    with counted_queries() as sent, pytest.raises(ValueError, match=says):
        insert_new(obj)
    assert sent == []
