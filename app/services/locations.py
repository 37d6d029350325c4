"""Campus places as a tree: admins add, change and move them (one at a time or a room list
from a CSV file); every location field reads them.

The rules every change is held to, whatever way it arrives: a known kind; a parent of a kind
that kind may sit under (app.models.locations.PARENT_KINDS); no place under itself or its
own descendants (a cycle); no two places of the same name under the same parent. Moving a
place changes only its parent: tickets keep pointing at the same row, so their history and
references stay, and their paths read the new place.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.core.cache import cached
from app.core.database import use_case
from app.extensions import db
from app.models.accounts import User
from app.models.locations import LOCATION_KINDS, PARENT_KINDS, Location, board_label_of, path_of
from app.services import audit

KIND_LABELS = {
    "campus": "Campus", "building": "Building", "floor": "Floor", "unit": "Clinical unit",
    "room": "Room", "spot": "Named spot", "garage": "Garage", "level": "Garage level",
    "transit": "Transit stop", "landmark": "Landmark", "entrance": "Entrance",
}


class LocationError(ValueError):
    """A change that would break the tree; the message is shown on the form."""


@dataclass(frozen=True)
class PlaceFields:
    name: str
    kind: str
    parent_id: int | None = None
    description: str | None = None
    phone: str | None = None
    active: bool = True


# --- reading -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Place:
    """One place as plain values (safe to keep in the per-process cache)."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    active: bool
    description: str | None
    path: str
    board_label: str
    depth: int


def _places() -> dict[int, Place]:
    rows = {row.id: row for row in db.session.execute(
        select(Location.id, Location.name, Location.kind, Location.parent_id, Location.active,
               Location.description))}

    def chain(place_id: int) -> list[tuple[str, str]]:
        found, seen = [], set()
        while place_id in rows and place_id not in seen:
            seen.add(place_id)
            found.append((rows[place_id].name, rows[place_id].kind))
            place_id = rows[place_id].parent_id
        return found[::-1]

    index = {}
    for row in rows.values():
        links = chain(row.id)
        index[row.id] = Place(row.id, row.name, row.kind, row.parent_id, row.active,
                              row.description, path_of(links), board_label_of(links),
                              len(links) - 1)
    return index


def places() -> dict[int, Place]:
    """Every place by id, with its path and board label, from the per-process cache."""
    return cached("places.tree", _places)


def choosable(place_id: int, index: dict[int, Place] | None = None) -> Place | None:
    """The place if a person may choose it now: known, active, and nothing above it retired
    (retiring a building retires its floors and units). From the per-process cache, as the
    forms' lists are, so a request checks its places without asking the database; a place
    retired in another process is refused once CHOICES_CACHE_SECONDS have passed."""
    index = index if index is not None else places()
    place, above = index.get(place_id), set()
    while place is not None and place.id not in above:  # up to the top (a cycle: refused)
        if not place.active:
            return None
        above.add(place.id)
        place = index.get(place.parent_id)
    return index[place_id] if above and place is None else None


def in_tree_order(index: dict[int, Place] | None = None) -> list[Place]:
    """Depth first, siblings by name: how the admin list and the pickers show the tree."""
    index = index if index is not None else places()
    children: dict[int | None, list[Place]] = {}
    for place in index.values():
        parent = place.parent_id if place.parent_id in index else None
        children.setdefault(parent, []).append(place)
    ordered: list[Place] = []

    def walk(parent_id: int | None) -> None:
        for place in sorted(children.get(parent_id, []), key=lambda p: p.name.casefold()):
            ordered.append(place)
            walk(place.id)

    walk(None)
    return ordered


def subtree_ids(place_id: int, index: dict[int, Place] | None = None) -> set[int]:
    """The place and everything under it (a building's floors, units and rooms)."""
    index = index if index is not None else places()
    found, frontier = {place_id}, [place_id]
    while frontier:
        parent = frontier.pop()
        for place in index.values():
            if place.parent_id == parent and place.id not in found:
                found.add(place.id)
                frontier.append(place.id)
    return found


def of_kind(*kinds: str, active_only: bool = True) -> list[Place]:
    return [p for p in in_tree_order() if p.kind in kinds and (p.active or not active_only)]


def get_location(location_id: int) -> Location | None:
    return db.session.get(Location, location_id)


# --- changing ------------------------------------------------------------------------------

def _check(fields: PlaceFields, location_id: int | None = None) -> Location | None:
    """The parent of a valid change (None at the top); LocationError otherwise."""
    if fields.kind not in LOCATION_KINDS:
        raise LocationError("Choose a kind of place from the list.")
    parent = db.session.get(Location, fields.parent_id) if fields.parent_id else None
    if fields.parent_id and parent is None:
        raise LocationError("Choose the place it is in from the list.")
    if location_id is not None and parent is not None and any(
            p.id == location_id for p in parent.lineage()):
        raise LocationError("A place cannot be inside itself or inside a place it contains.")
    allowed = PARENT_KINDS[fields.kind]
    if (parent.kind if parent else None) not in allowed:
        raise LocationError(_placement_message(fields.kind, allowed))
    clash = select(Location.id).where(func.lower(Location.name) == fields.name.lower(),
                                      Location.parent_id.is_(None) if parent is None
                                      else Location.parent_id == parent.id)
    if location_id is not None:
        clash = clash.where(Location.id != location_id)
    if db.session.scalar(clash) is not None:
        raise LocationError("A place with that name already exists there.")
    return parent


def _placement_message(kind: str, allowed: tuple[str | None, ...]) -> str:
    label = KIND_LABELS[kind].lower()
    names = [KIND_LABELS[k].lower() for k in allowed if k]
    where = " or ".join(f"a {n}" for n in names)
    if None in allowed:
        return f"A {label} sits at the top or in {where}." if names else (
            f"A {label} sits at the top.")
    return f"A {label} must be in {where}."


def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:
        raise LocationError("A place with that name already exists there.") from error


@use_case
def add_location(admin: User, fields: PlaceFields) -> Location:
    parent = _check(fields)
    location = Location(name=fields.name, kind=fields.kind, parent=parent,
                        description=fields.description or None, phone=fields.phone or None,
                        active=True)
    db.session.add(location)
    _flush()
    audit.record("admin.location_added", admin, "location", location.id, detail=fields.name)
    return location


@use_case
def update_location(admin: User, location_id: int, fields: PlaceFields) -> Location:
    """Change a place; a new parent moves it (and all it contains) without touching tickets."""
    location = db.session.get(Location, location_id)
    if location is None:
        raise LocationError("That place no longer exists.")
    parent = _check(fields, location_id=location.id)
    changes = [label for label, old, new in (
        ("name", location.name, fields.name), ("kind", location.kind, fields.kind),
        ("description", location.description or "", fields.description or ""),
        ("active", location.active, fields.active),
        ("place", location.parent_id, parent.id if parent else None),
        ("phone", location.phone or "", fields.phone or ""),
    ) if old != new]
    location.name, location.kind, location.parent = fields.name, fields.kind, parent
    location.description, location.phone = fields.description or None, fields.phone or None
    location.active = fields.active
    _flush()
    if changes:
        audit.record("admin.location_changed", admin, "location", location.id,
                     detail=f"{fields.name}: {', '.join(changes)}")
    return location


@use_case
def import_places(admin: User, rows: list[tuple[int, PlaceFields, str | None]]) -> int:
    """Add every row (line number, fields with the parent given by path) or none of them.

    Rows name their parent by path ("Research Tower · Floor 5 · 5B"), which may be a place
    added by an earlier row of the same file. Every problem is collected with its line
    number and raised together, so the admin fixes the file once.
    """
    by_path = {place.path.casefold(): place.id for place in _places().values()}
    problems, added = [], 0
    for line, fields, parent_path in rows:
        parent_id = by_path.get((parent_path or "").casefold()) if parent_path else None
        if parent_path and parent_id is None:
            problems.append(f"Line {line}: there is no place “{parent_path}” to put it in.")
            continue
        try:
            with db.session.begin_nested():
                location = add_location(admin, replace(fields, parent_id=parent_id))
        except LocationError as error:
            problems.append(f"Line {line}: {error}")
            continue
        by_path[location.path.casefold()] = location.id
        added += 1
    if problems:
        raise ImportRefused(problems)
    return added


class ImportRefused(LocationError):
    """A file with problems: nothing of it was added."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"Nothing was imported: {len(problems)} line(s) have a problem.")
        self.problems = problems
