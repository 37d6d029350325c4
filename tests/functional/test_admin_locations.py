"""The admin's location tree: places in places, moves, and a room list imported from CSV."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.models.locations import Location


@pytest.fixture()
def admin(client_request):
    client_request.login("admin")
    return client_request


def places(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Location.id)))


def upload(admin, content: bytes, status: int):
    return admin.post("admin.import_locations", _expected_status=status, _data={
        "room_list": (io.BytesIO(content), "rooms.csv")}, _follow_redirects=status == 200)


def test_the_list_shows_the_tree_and_a_unit_gets_a_phone(admin, research_tower, db):
    listing = admin.get("admin.locations").get_text(" ")
    assert "5-112" in listing and "Research Tower · Floor 5 · 5B" in listing
    page = admin.get("admin.new_location")
    parents = [o.get_text() for o in page.select("#parent_id option")]
    assert "Research Tower · Floor 5" in parents and "Research Tower · Floor 5 · 5B · 5-112" \
        not in parents
    admin.post("admin.new_location", _data={
        "name": "5D", "kind": "unit", "parent_id": str(research_tower["floor5"].id),
        "phone": "555 010 5090"}, _expected_redirect="admin.locations")
    unit = db.session.scalar(select(Location).where(Location.name == "5D"))
    assert (unit.path, unit.phone) == ("Research Tower · Floor 5 · 5D", "555 010 5090")


def test_moving_a_building_into_its_own_unit_is_refused_with_a_message(admin, research_tower):
    tower = research_tower["tower"]
    page = admin.post("admin.edit_location", location_id=tower.id, _expected_status=400,
                      _data={"name": "Research Tower", "kind": "building",
                             "parent_id": str(research_tower["5B"].id), "active": "y"})
    assert "inside itself" in page.select_one(".error-summary").get_text()


def test_a_forged_parent_is_refused(admin, research_tower, db):
    before = places(db)
    page = admin.post("admin.new_location", _expected_status=400, _data={
        "name": "X", "kind": "room", "parent_id": "99999999"})
    assert "Choose the place it is in" in page.select_one(".error-summary").get_text()
    assert places(db) == before


def test_a_room_list_is_imported_from_the_page(admin, research_tower, db):
    before = places(db)
    content = ("name,kind,parent\n5-116,room,Research Tower · Floor 5 · 5B\n"
               "5-118,room,Research Tower > Floor 5 > 5B\n").encode()
    shown = upload(admin, content, 200)
    assert "2 places were added." in shown.get_text()
    assert places(db) == before + 2


def test_a_bad_room_list_adds_nothing_and_lists_each_line_to_fix(admin, research_tower, db):
    before = places(db)
    page = upload(admin, b"name,kind,parent\n5-116,room,Research Tower > Floor 5 > 5B\n"
                         b"5-117,cupboard,Research Tower > Floor 5 > 5B\n"
                         b"5-119,room,Nowhere Tower\n", 400)
    problems = [li.get_text() for li in page.select("#problems-title + ul li")]
    assert problems[0].startswith("Line 3:") and problems[1].startswith("Line 4:")
    assert "Nothing was imported" in page.select_one(".error-summary").get_text()
    assert places(db) == before


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"=cmd|' /C calc'!A0\n"])
def test_junk_files_are_refused_whole(admin, research_tower, db, content):
    before = places(db)
    upload(admin, content, 400)
    assert places(db) == before
