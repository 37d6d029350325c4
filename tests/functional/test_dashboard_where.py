"""The dashboard's campus grid and floor chart: requests per building, and per floor and unit
of one building, equal to counts worked out by hand from the seeded tickets.

The campus seeded (every place under "Main campus"):
  Research Tower (building): Floor 4 → 4A → 4-101; Floor 5 → 5A, 5B → 5-112; Floor 6
  Main Hospital (building); Garage B (garage) → Level 2 (level); Bus stop (transit)
"""
from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest

from app.models.locations import Location
from tests.functional.test_dashboard import SVG, WEEK, at, table_rows
from tests.helpers import text


@pytest.fixture()
def campus(db):
    root = Location(name="Main campus", kind="campus")
    places = {"campus": root}

    def add(key, name, kind, parent):
        places[key] = Location(name=name, kind=kind, parent=places[parent])
        db.session.add(places[key])

    add("tower", "Research Tower", "building", "campus")
    add("floor4", "Floor 4", "floor", "tower")
    add("4A", "4A", "unit", "floor4")
    add("4-101", "4-101", "room", "4A")
    add("floor5", "Floor 5", "floor", "tower")
    add("5A", "5A", "unit", "floor5")
    add("5B", "5B", "unit", "floor5")
    add("5-112", "5-112", "room", "5B")
    add("floor6", "Floor 6", "floor", "tower")
    add("main", "Main Hospital", "building", "campus")
    add("garage", "Garage B", "garage", "campus")
    add("level2", "Level 2", "level", "garage")
    add("bus", "Bus stop", "transit", "campus")
    db.session.add(root)
    db.session.commit()
    return places


def seed_campus_week(seed, campus, make_dv_request, db):
    """Research Tower 9 (Floor 4: 4A 2; Floor 5: 5A 1, 5B 3, on the floor itself 1; Floor 6:
    1; the tower itself, no floor: 1), Main Hospital 2, Garage B 1 (Level 2), the bus stop
    1 (outside every building), 2 with the place only in words; one DV request (given a
    place by hand, as no form does) and one Tower ticket of the week before, neither counted."""
    for key, count in (("4-101", 2), ("5B", 1), ("5-112", 2), ("5A", 1), ("floor5", 1),
                       ("floor6", 1), ("tower", 1), ("main", 2), ("level2", 1), ("bus", 1)):
        for _ in range(count):
            seed(2, at(17, 10), 60, location_id=campus[key].id)
    for _ in range(2):
        seed(2, at(18, 11), 60, location_detail="By the vending machines")
    seed(2, at(12, 10), 60, location_id=campus["tower"].id)
    dv, _token = make_dv_request()
    assert dv.location_id is None  # a DV request is never given a place by its form
    dv.location_id, dv.created_at = campus["5-112"].id, at(17, 10)
    db.session.commit()


def test_requests_per_building_with_unplaced_and_elsewhere(supervisor, seed, campus,
                                                           make_dv_request, db):
    seed_campus_week(seed, campus, make_dv_request, db)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    assert table_rows(page, "buildings") == [
        ["Research Tower", "9"], ["Main Hospital", "2"], ["Garage B", "1"],
        ["Elsewhere on campus", "1"], ["Unplaced (place given in words)", "2"]]
    assert ("Most requests: Research Tower (9), Main Hospital (2), Garage B (1); "
            "2 unplaced, 1 elsewhere on campus.") in text(page)


def test_the_busiest_building_is_charted_floor_by_floor_with_units(supervisor, seed, campus,
                                                                   make_dv_request, db):
    seed_campus_week(seed, campus, make_dv_request, db)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    assert page.find(id="floors-heading").get_text(strip=True) == (
        "Research Tower: requests per floor and unit")
    assert table_rows(page, "floors") == [
        ["Floor 6", "No unit", "1"], ["Floor 5", "5A", "1"], ["Floor 5", "5B", "3"],
        ["Floor 5", "No unit", "1"], ["Floor 4", "4A", "2"], ["Floor not given", "No unit", "1"]]
    assert "Research Tower: 9 requests; busiest floor Floor 5 (5)." in text(page)
    chart = ET.fromstring(str(page.find("section", attrs={"aria-labelledby": "floors-heading"})
                              .find("svg")))
    assert chart.find(f"{SVG}title").text.strip() == "Research Tower: requests per floor and unit"
    drawn = " ".join(t.text or "" for t in chart.iter(f"{SVG}text"))
    for label in ("Floor 5", "5B 3", "5A 1", "Floor 4", "4A 2", "5 in all"):
        assert label in drawn


def test_a_chosen_building_and_a_garage_by_level(supervisor, seed, campus, make_dv_request, db):
    seed_campus_week(seed, campus, make_dv_request, db)
    main = supervisor.get("dashboard.home",
                          _query_string={**WEEK, "building_id": campus["main"].id})
    assert table_rows(main, "floors") == [["Floor not given", "No unit", "2"]]
    garage = supervisor.get("dashboard.home",
                            _query_string={**WEEK, "building_id": campus["garage"].id})
    assert table_rows(garage, "floors") == [["Level 2", "No unit", "1"]]


def test_the_campus_grid_draws_every_building_with_its_number(supervisor, seed, campus,
                                                              make_dv_request, db):
    seed_campus_week(seed, campus, make_dv_request, db)
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    chart = ET.fromstring(str(page.find("section", attrs={"aria-labelledby": "buildings-heading"})
                              .find("svg")))
    assert chart.find(f"{SVG}title").text.strip() == "Requests per building"
    titles = [t.text for t in chart.iter(f"{SVG}title")][1:]
    assert titles == ["Research Tower: 9", "Main Hospital: 2", "Garage B: 1",
                      "Elsewhere on campus: 1", "Unplaced (place given in words): 2"]


@pytest.mark.parametrize("name", ["buildings", "floors"])
def test_the_where_csvs_equal_their_tables(supervisor, seed, campus, make_dv_request, db, name):
    seed_campus_week(seed, campus, make_dv_request, db)
    query = {**WEEK, "building_id": campus["tower"].id}
    page = supervisor.get("dashboard.home", _query_string=query)
    link = page.find("section", attrs={"aria-labelledby": f"{name}-heading"}).find(
        "a", download=True)["href"]
    assert f"building_id={campus['tower'].id}" in link
    rows = list(csv.reader(io.StringIO(supervisor.get_response(link).get_data(as_text=True))))
    assert rows[1:] == table_rows(page, name)


def test_without_a_building_the_floor_chart_says_so(supervisor, seed):
    seed(2, at(17, 10), 60, location_detail="Somewhere")
    page = supervisor.get("dashboard.home", _query_string=WEEK)
    assert table_rows(page, "buildings") == [["Unplaced (place given in words)", "1"]]
    assert "No requests in a building in this period." in text(page)


@pytest.mark.parametrize("value", ["999999", "x", "1 OR 1=1"])
def test_a_bad_building_is_explained_not_a_500(supervisor, value):
    page = supervisor.get("dashboard.home", _query_string={**WEEK, "building_id": value},
                          _expected_status=400)
    assert "Floors of building" in text(page)
