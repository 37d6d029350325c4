"""Campus places used by every location field: a tree from the campus down to the room.

campus → building → floor → unit → room or named spot; garages by level; transit stops,
landmarks and entrances under the campus. Which kind may sit under which is PARENT_KINDS;
app.services.locations checks it (and refuses cycles) on every change.
"""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

# The kind of each place, top to bottom. None in PARENT_KINDS: it may have no parent.
PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    "campus": (None,),
    "building": ("campus", None),
    "garage": ("campus", None),
    "transit": ("campus", None),
    "landmark": ("campus", None),
    "entrance": ("campus", "building", None),
    "floor": ("building",),
    "level": ("garage",),
    "unit": ("floor", "building"),
    "room": ("unit", "floor", "building"),
    "spot": ("unit", "floor", "building", "level", "garage", "landmark"),
}
LOCATION_KINDS = tuple(PARENT_KINDS)
# What the board's one line keeps of a place's path ("Research Tower · 5B · 5-112"): the
# floor is left out when there is a unit under it; the campus always.
BOARD_SKIPS = frozenset({"campus", "floor"})


def path_of(chain: list[tuple[str, str]]) -> str:
    """The names of a (name, kind) chain, top first, without the campus."""
    return " · ".join(name for name, kind in chain if kind != "campus")


def board_label_of(chain: list[tuple[str, str]]) -> str:
    """Building, unit and room of a (name, kind) chain, top first; the last place always."""
    kept = [name for i, (name, kind) in enumerate(chain)
            if kind not in BOARD_SKIPS or (i == len(chain) - 1 and kind != "campus")]
    return " · ".join(kept) or path_of(chain)


class Location(db.Model):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("location.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="building")
    description: Mapped[str | None] = mapped_column(String(240))
    # A unit's phone: the call-back number of its requests, a tap-to-call on the officer's page.
    phone: Mapped[str | None] = mapped_column(String(40))
    active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Location | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Location]] = relationship(back_populates="parent",
                                                    order_by="Location.name")

    __table_args__ = (UniqueConstraint("parent_id", "name"),)

    def lineage(self) -> list[Location]:
        """This place and its ancestors, top first (a cycle, never stored, stops the walk)."""
        chain, seen, place = [], set(), self
        while place is not None and place.id not in seen:
            seen.add(place.id)
            chain.append(place)
            place = place.parent
        return chain[::-1]

    def _chain(self) -> list[tuple[str, str]]:
        return [(place.name, place.kind) for place in self.lineage()]

    @property
    def building(self) -> Location:
        """The building this place is in (the nearest ancestor of kind building), or itself."""
        return next((p for p in reversed(self.lineage()) if p.kind == "building"), self)

    @property
    def unit(self) -> Location | None:
        return next((p for p in reversed(self.lineage()) if p.kind == "unit"), None)

    @property
    def path(self) -> str:
        """The full path without the campus: "Research Tower · Floor 5 · 5B · 5-112"."""
        return path_of(self._chain())

    @property
    def board_label(self) -> str:
        """Building, unit and room: "Research Tower · 5B · 5-112"."""
        return board_label_of(self._chain())

    def __str__(self) -> str:
        return self.name
