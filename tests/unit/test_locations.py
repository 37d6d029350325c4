"""The location tree: places sit only where their kind belongs, never inside themselves,
moving a unit keeps its tickets and their history, and a room list is imported whole or
not at all, with every bad line named."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.models.audit import AuditEvent
from app.models.locations import Location
from app.models.tickets import Ticket, TicketEvent
from app.services import location_import, locations, units
from app.services.locations import ImportRefused, LocationError, PlaceFields


@pytest.fixture()
def admin(make_user):
    return make_user(roles=("admin",))


def places(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Location.id)))


def test_a_room_knows_its_building_its_unit_and_its_path(research_tower):
    room = research_tower["5-112"]
    assert room.building == research_tower["tower"]
    assert room.unit == research_tower["5B"]
    assert room.path == "Research Tower · Floor 5 · 5B · 5-112"
    assert room.board_label == "Research Tower · 5B · 5-112"
    assert research_tower["tower"].building == research_tower["tower"]
    assert research_tower["level3"].building == research_tower["level3"]  # no building: itself
    assert research_tower["level3"].path == "Garage B · Level 3"


def test_a_place_cannot_be_moved_inside_itself_or_anything_it_contains(admin, research_tower, db):
    tower = research_tower["tower"]
    for inside in ("tower", "floor5", "5B", "5-112"):
        with pytest.raises(LocationError, match="inside itself"):
            locations.update_location(admin, tower.id, PlaceFields(
                "Research Tower", "building", research_tower[inside].id))
    db.session.expire_all()
    assert db.session.get(Location, tower.id).parent_id == research_tower["campus"].id


@pytest.mark.parametrize(("kind", "parent", "message"), [
    ("room", None, "must be in"),
    ("floor", "garage", "must be in a building"),
    ("level", "tower", "must be in a garage"),
    ("building", "5B", "sits at the top or in a campus"),
    ("spaceship", None, "kind of place"),
])
def test_a_place_sits_only_where_its_kind_belongs(admin, research_tower, db, kind, parent,
                                                  message):
    before = places(db)
    parent_id = research_tower[parent].id if parent else None
    with pytest.raises(LocationError, match=message):
        locations.add_location(admin, PlaceFields("New place", kind, parent_id))
    assert places(db) == before


def test_names_repeat_across_buildings_but_not_side_by_side(admin, research_tower, db):
    locations.add_location(admin, PlaceFields("Floor 5", "floor", research_tower["hospital"].id))
    with pytest.raises(LocationError, match="already exists there"):
        locations.add_location(admin, PlaceFields("floor 5", "floor", research_tower["tower"].id))


def test_moving_a_unit_keeps_its_tickets_and_their_history(admin, research_tower, make_nurse,
                                                           db):
    nurse = make_nurse(research_tower["5B"])
    opened = units.request_for_unit("standby", units.Booking(
        room="5-112", duration_minutes=60, risk="agitated", phone="555 010 5050"), nurse)
    ticket_id, reference = opened.ticket.id, opened.reference
    history = [e.id for e in db.session.scalars(select(TicketEvent).where(
        TicketEvent.ticket_id == ticket_id))]
    floor6 = locations.add_location(admin, PlaceFields("Floor 6", "floor",
                                                       research_tower["tower"].id))

    locations.update_location(admin, research_tower["5B"].id,
                              PlaceFields("5B", "unit", floor6.id, phone="(555) 010-5050"))

    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket_id)
    assert ticket.reference == reference and ticket.unit_id == research_tower["5B"].id
    assert ticket.where == "Research Tower · Floor 6 · 5B · 5-112"
    assert [e.id for e in ticket.events] == history
    assert db.session.scalar(select(AuditEvent.detail).where(
        AuditEvent.action == "admin.location_changed")) == "5B: place"


ROOM_LIST = (
    "name,kind,parent,description,phone\n"
    "Floor 6,floor,Research Tower,,\n"
    "6A,unit,Research Tower · Floor 6,Cardiology step-down,555 010 6060\n"
    "6-101,room,Research Tower > Floor 6 > 6A,,\n"
    "Nurses' station,spot,Research Tower · Floor 6 · 6A,,\n"
)


def test_a_room_list_adds_every_line_in_one_go(admin, research_tower, db):
    before = places(db)
    assert location_import.import_room_list(admin, ROOM_LIST.encode()) == 4
    assert places(db) == before + 4
    room = db.session.scalar(select(Location).where(Location.name == "6-101"))
    assert room.path == "Research Tower · Floor 6 · 6A · 6-101"
    assert room.unit.phone == "555 010 6060"


@pytest.mark.parametrize(("data", "problem"), [
    (ROOM_LIST + "6-102,room,Research Tower · Floor 9,,\n", "Line 6: there is no place"),
    (ROOM_LIST + "6-101,room,Research Tower · Floor 6 · 6A,,\n", "Line 6: A place with"),
    (ROOM_LIST + "Atrium,spaceship,Research Tower,,\n", "Line 6: Choose a kind"),
    (ROOM_LIST + ",room,Research Tower · Floor 6 · 6A,,\n", "Line 6: the name is empty"),
    (ROOM_LIST + "6-103,room,Research Tower · Floor 6 · 6A,,,extra\n", "Line 6: more cells"),
    (ROOM_LIST + "6-1\u202e04,room,Research Tower · Floor 6 · 6A,,\n", "Line 6: the name has"),
    (ROOM_LIST + ("x" * 121) + ",room,Research Tower,,\n", "Line 6: the name is longer"),
    (ROOM_LIST + "Lobby,room,,,\n", "Line 6: A room must be in"),
    ("nom,genre\nA,b\n", "Line 1: the header must be"),
    ("name,kind,parent\n", "no places"),
    ("\xff\xfe".encode("latin-1") + b"n\x00a\x00", "not UTF-8"),
    ("name,kind,parent\n" + "r,room,Research Tower\n" * 30000, "larger than"),
])
def test_a_room_list_with_a_bad_line_adds_nothing_and_names_the_line(admin, research_tower, db,
                                                                     data, problem):
    before = places(db)
    with pytest.raises(ImportRefused) as refused:
        location_import.import_room_list(admin, data if isinstance(data, bytes)
                                         else data.encode())
    assert any(problem in p for p in refused.value.problems), refused.value.problems
    assert places(db) == before
