"""The active campus alerts that every page shows, from a tiny per-process copy.

Every page carries the banner, so reading it must cost (almost) nothing. Each process keeps
the alerts that are out and not yet expired or superseded (those due to start later too), as
plain values, and filters them by the clock on each page: an alert leaves the banner at its
expiry to the second, with no reload. The copy is checked against the database's marker
(the count and newest change of campus_alert, one statement over a small table) at most
every ALERT_CACHE_SECONDS, so an alert issued, confirmed or updated in any process shows in
every other within that time, and at once in the process that made it (`changed_on_commit`).
When the database cannot be read (an error page during an outage) the last copy is shown.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from time import monotonic

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.alerts import SEVERITIES, CampusAlert
from app.models.base import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Notice:
    """One alert as the banner shows it (plain values, safe to share between threads)."""

    id: int
    headline: str
    instruction: str
    severity: str
    where: str
    all_clear: bool
    is_update: bool
    starts_at: datetime
    expires_at: datetime

    def showing(self, now: datetime) -> bool:
        return self.starts_at <= now < self.expires_at


@dataclass(frozen=True)
class _Copy:
    marker: tuple
    notices: tuple[Notice, ...]
    checked: float


_lock = threading.Lock()
_copy: _Copy | None = None


def notices(now: datetime | None = None, hidden: frozenset[int] = frozenset(),
            offline: bool = False) -> list[Notice]:
    """The alerts to show now, most severe first, without those the visitor hid.
    `offline`: the database is known to be down; use the copy there is, ask nothing."""
    now = now or utcnow()
    copy = _copy if offline else _current()
    return [n for n in copy.notices if n.showing(now) and n.id not in hidden] if copy else []


def changed() -> None:
    """Forget this process's copy (an alert was issued, confirmed or updated here)."""
    global _copy
    with _lock:
        _copy = None


def changed_on_commit() -> None:
    """Forget the copy once the current transaction commits: a page rendered between the
    change and its commit would otherwise load the copy from before the change."""
    event.listen(db.session(), "after_commit", lambda _session: changed(), once=True)


def _current() -> _Copy | None:
    global _copy
    copy = _copy
    if copy is not None and monotonic() - copy.checked < current_app.config[
            "ALERT_CACHE_SECONDS"]:
        return copy
    try:
        marker = tuple(db.session.execute(
            select(func.count(CampusAlert.id), func.max(CampusAlert.updated_at))).one())
        fresh = copy if copy is not None and copy.marker == marker else None
        copy = _Copy(marker, fresh.notices if fresh else _load(), monotonic())
    except SQLAlchemyError:
        log.warning("campus alerts could not be read; showing the last known ones")
        return copy
    with _lock:
        _copy = copy
    return copy


def _load() -> tuple[Notice, ...]:
    rows = db.session.scalars(
        select(CampusAlert).options(selectinload(CampusAlert.locations)).where(
            CampusAlert.confirmed_at.is_not(None), CampusAlert.superseded_at.is_(None),
            CampusAlert.expires_at > utcnow()))
    ordered = sorted(rows, key=lambda a: (SEVERITIES.index(a.severity), -a.id))
    return tuple(
        Notice(a.id, a.headline, a.instruction, a.severity, a.where, a.all_clear,
               a.supersedes_id is not None, a.starts_at, a.expires_at)
        for a in ordered)
