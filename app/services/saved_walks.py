"""A member's saved walks: the walks they repeat, started again with one button.

A saved walk is the member's own choice to keep a way and its numbers; it is theirs alone
(someone else's id is never found) and deleting it deletes it.
"""
from __future__ import annotations

from sqlalchemy import select

from app.core.database import use_case
from app.core.i18n import lazy_gettext as _l
from app.extensions import db
from app.models.accounts import User
from app.models.walks import SavedWalk
from app.services import audit
from app.services.escorts import Place
from app.services.walks import (
    Started,
    WalkDetails,
    WalkError,
    check_minutes,
    checked_places,
    start_walk,
)

MAX_SAVED = 10


@use_case
def save_walk(owner: User, details: WalkDetails) -> SavedWalk:
    """Keep `details` (without the name) for the member to start again later."""
    check_minutes(details.minutes)
    start, end = checked_places(details.origin, details.destination)
    if len(saved_walks(owner)) >= MAX_SAVED:
        raise WalkError(_l("You can keep up to %(count)s saved walks; delete one first.",
                           count=MAX_SAVED))
    saved = SavedWalk(owner_id=owner.id, from_location_id=start.location_id,
                      from_other=start.other, to_location_id=end.location_id,
                      to_other=end.other, minutes=details.minutes,
                      phone=details.phone.strip()[:40],
                      emergency_phone=(details.emergency_phone or "").strip()[:40] or None)
    db.session.add(saved)
    db.session.flush()
    audit.record("walk.saved", owner, "saved_walk", saved.id)
    return saved


def saved_walks(owner: User) -> list[SavedWalk]:
    return list(db.session.scalars(
        select(SavedWalk).where(SavedWalk.owner_id == owner.id).order_by(SavedWalk.id)))


def saved_of(owner: User, saved_id: int) -> SavedWalk | None:
    """The member's own saved walk, or None."""
    saved = db.session.get(SavedWalk, saved_id)
    if saved is None or saved.owner_id != owner.id:
        return None
    return saved


def details_of(saved: SavedWalk, name: str | None) -> WalkDetails:
    return WalkDetails(origin=Place(saved.from_location_id, saved.from_other),
                       destination=Place(saved.to_location_id, saved.to_other),
                       minutes=saved.minutes, phone=saved.phone, name=name,
                       emergency_phone=saved.emergency_phone)


@use_case
def start_saved(owner: User, saved_id: int, submission_key: str | None = None) -> Started | None:
    """Start the member's saved walk now (None when it is not theirs)."""
    saved = saved_of(owner, saved_id)
    if saved is None:
        return None
    return start_walk(details_of(saved, owner.name), owner, submission_key)


@use_case
def save_and_start(owner: User, details: WalkDetails, submission_key: str | None = None
                   ) -> Started:
    """Start the walk and keep it for next time, both or neither (a double submit of the
    form saves nothing more)."""
    started = start_walk(details, owner, submission_key)
    if started.token is not None:
        save_walk(owner, details)
    return started


@use_case
def delete_saved(owner: User, saved_id: int) -> bool:
    saved = saved_of(owner, saved_id)
    if saved is None:
        return False
    db.session.delete(saved)
    audit.record("walk.saved_deleted", owner, "saved_walk", saved_id)
    return True
