"""Demo campus: the buildings, entrances, garages, transit stops and landmarks of a hospital,
under one campus root, with the Research Tower's floors, units and rooms (unit 5B, room
5-112 among them)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.locations import Location

ORDER = 20

# (name, kind, description)
CAMPUS = (
    ("Main Hospital", "building", "Towers A and B, floors 1 to 12"),
    ("Main Lobby", "entrance", "Main Hospital, ground floor, information desk"),
    ("Emergency Department Entrance", "entrance", "Ambulance bay side, open 24 hours"),
    ("Women's & Infants Pavilion", "building", "Labor & delivery, NICU, floors 1 to 6"),
    ("Children's Hospital", "building", "Connected to Main Hospital by the level 2 bridge"),
    ("Cancer Center", "building", "Infusion suites and radiation oncology"),
    ("Research Tower", "building", "Labs; badge access after 18:00"),
    ("Outpatient Clinic", "building", "Clinics building across Hospital Drive"),
    ("Behavioral Health Pavilion", "building", "Locked units; enter by the north door"),
    ("Administration Building", "building", "Human resources, finance, ID badge office"),
    ("Parking Garage A, Level 1", "garage", "Visitor parking, pay stations"),
    ("Parking Garage A, Level 2", "garage", "Visitor parking, bridge to Main Hospital"),
    ("Parking Garage A, Level 3", "garage", "Employee parking"),
    ("Parking Garage A, Level 4 (roof)", "garage", "Employee parking, open roof"),
    ("Parking Garage B", "garage", "Beside the Cancer Center, 5 levels"),
    ("Employee Lot C", "garage", "Surface lot on the east edge of campus"),
    ("Medical Center Light Rail Station", "transit",
     "Red line, southbound platform by Research Tower"),
    ("Bus Stop, Hospital Drive", "transit", "Routes 12 and 40, outside Outpatient Clinic"),
    ("Campus Shuttle Stop, Main Lobby", "transit", "Shuttle every 15 minutes, 06:00 to 23:00"),
    ("Cafeteria", "landmark", "Main Hospital, lower level"),
    ("Chapel", "landmark", "Main Hospital, 1st floor, east corridor"),
    ("Healing Garden", "landmark", "Between the Cancer Center and the Women's & Infants Pavilion"),
    ("Outpatient Pharmacy", "landmark", "Outpatient Clinic, ground floor"),
)


CAMPUS_NAME = "Main campus"
# Inside the Research Tower: (floor, unit, unit phone, rooms).
TOWER = (
    ("Floor 4", "4A", "(555) 010-4040", ("4-101", "4-103", "4-105")),
    ("Floor 5", "5A", "(555) 010-5040", ("5-101", "5-103")),
    ("Floor 5", "5B", "(555) 010-5050", ("5-110", "5-112", "5-114", "5-116")),
    ("Floor 6", "6C", "(555) 010-6060", ("6-120", "6-122")),
)


def _child(parent: Location, name: str, kind: str, **fields) -> Location:
    found = next((c for c in parent.children if c.name == name), None)
    if found is None:
        found = Location(name=name, kind=kind, parent=parent, **fields)
        db.session.add(found)
    return found


def _campus() -> Location:
    campus = db.session.scalar(select(Location).where(Location.kind == "campus"))
    if campus is None:
        campus = Location(name=CAMPUS_NAME, kind="campus")
        db.session.add(campus)
    return campus


def seed() -> None:
    campus = _campus()
    existing = {place.name: place for place in db.session.scalars(
        select(Location).where(Location.parent_id.is_(None), Location.kind != "campus"))}
    for name, kind, description in CAMPUS:
        place = existing.get(name) or next((c for c in campus.children if c.name == name), None)
        if place is None:
            place = Location(name=name, kind=kind, description=description)
            db.session.add(place)
        place.parent = campus
    db.session.flush()
    tower = next(c for c in campus.children if c.name == "Research Tower")
    for floor_name, unit_name, phone, rooms in TOWER:
        unit = _child(_child(tower, floor_name, "floor"), unit_name, "unit", phone=phone)
        for room in rooms:
            _child(unit, room, "room")
        _child(unit, f"{unit_name} nurses' station", "spot")
        db.session.flush()
