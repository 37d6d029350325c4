"""Demo campus: the buildings, entrances, garages, transit stops and landmarks of a hospital."""
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


def seed() -> None:
    existing = set(db.session.scalars(select(Location.name)))
    for name, kind, description in CAMPUS:
        if name not in existing:
            db.session.add(Location(name=name, kind=kind, description=description))
