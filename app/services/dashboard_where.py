"""Where the period's requests were: per building (the campus grid) and, for one building,
per floor and unit (the floor chart).

The period's tickets per place (dashboard.place_counts, one grouped count shared with the
ranked places), folded up the location tree (app.services.locations) in Python: a room
counts for its unit, floor and building. A garage counts as a building, its levels as
floors. Nothing is guessed: a ticket whose place was given only in words (no place
picked) is "unplaced", one at a place outside every building (a transit stop, a landmark)
is "elsewhere on campus". DV requests are never counted (they carry no place, and
received_in leaves them out whatever they carry).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from app.services import locations
from app.services.dashboard import PlaceCounts
from app.services.locations import Place

BUILDING_KINDS = ("building", "garage")
FLOOR_KINDS = ("floor", "level")
ELSEWHERE = "Elsewhere on campus"
UNPLACED = "Unplaced (place given in words)"
NO_FLOOR = "Floor not given"
NO_UNIT = "No unit"


@dataclass(frozen=True)
class Campus:
    buildings: list[tuple[int, str, int]]  # (place id, name, requests), most first
    elsewhere: int  # at a place outside every building
    unplaced: int  # the place given only in words
    building: tuple[int, str] | None  # the building charted floor by floor
    floors: list[tuple[str, str, int]]  # (floor, unit, requests), top floor first


def _up_to(index: dict[int, Place], place_id: int, kinds: tuple[str, ...]) -> Place | None:
    """The place itself or its nearest ancestor of one of `kinds`, else None."""
    seen: set[int] = set()
    while place_id in index and place_id not in seen:
        seen.add(place_id)
        if index[place_id].kind in kinds:
            return index[place_id]
        place_id = index[place_id].parent_id
    return None


def campus(place_counts: PlaceCounts, building_id: int | None = None) -> Campus:
    """Requests per building (every building and garage, zeros too) and, for `building_id`
    (or the busiest building), per floor and unit."""
    counts: Counter = Counter()
    for place_id, _incident, n in place_counts:
        counts[place_id] += n
    index = locations.places()
    unplaced = counts.pop(None, 0)
    per_building: Counter = Counter({p.id: 0 for p in index.values() if p.kind in BUILDING_KINDS})
    elsewhere = 0
    for place_id, n in counts.items():
        building = _up_to(index, place_id, BUILDING_KINDS)
        if building is None:
            elsewhere += n
        else:
            per_building[building.id] += n
    ranked = sorted(((pid, index[pid].name, n) for pid, n in per_building.items()),
                    key=lambda item: (-item[2], item[1].casefold()))
    if building_id is None and ranked and ranked[0][2]:
        building_id = ranked[0][0]
    chosen = (building_id, index[building_id].name) if building_id in index else None
    floors = _floors(index, counts, building_id) if chosen else []
    return Campus(ranked, elsewhere, unplaced, chosen, floors)


def _floors(index: dict[int, Place], counts: Counter, building_id: int
            ) -> list[tuple[str, str, int]]:
    cells: Counter = Counter()
    for place_id, n in counts.items():
        building = _up_to(index, place_id, BUILDING_KINDS)
        if building is None or building.id != building_id:
            continue
        floor = _up_to(index, place_id, FLOOR_KINDS)
        unit = _up_to(index, place_id, ("unit",))
        cells[(floor.name if floor else NO_FLOOR, unit.name if unit else NO_UNIT)] += n
    floor_names = sorted({f for f, _ in cells if f != NO_FLOOR}, key=_natural, reverse=True)
    ordered = []
    for floor in [*floor_names, NO_FLOOR]:
        units = sorted((u for f, u in cells if f == floor),
                       key=lambda u: (u == NO_UNIT, _natural(u)))
        ordered += [(floor, unit, cells[(floor, unit)]) for unit in units]
    return ordered


def _natural(name: str) -> list:
    """"Floor 10" after "Floor 9": digits compared as numbers."""
    return [int(part) if part.isdigit() else part.casefold()
            for part in re.split(r"(\d+)", name)]


def building_choices() -> list[tuple[int, str]]:
    """The buildings and garages a floor chart may be drawn for, in tree order."""
    return [(p.id, p.path) for p in locations.of_kind(*BUILDING_KINDS, active_only=False)]
