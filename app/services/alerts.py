"""Urgent campus alerts: issuing, confirming or withdrawing an extreme one, updates, and
reading them.

Guarding against mistakes (campus alert systems are known for them): an "extreme" alert is
held until a second dispatcher confirms it, unless its issuer is a supervisor. An update
("all clear") is an alert of its own that supersedes the one it names the moment it is
active. Every step is audited; alerts issued from a script (`flask alerts issue`) too.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.core.database import use_case
from app.extensions import db
from app.models.accounts import User
from app.models.alerts import SEVERITIES, CampusAlert
from app.models.base import utcnow
from app.models.locations import Location
from app.services import alert_banner, audit

MAX_MINUTES = 7 * 24 * 60
MAX_HEADLINE, MAX_INSTRUCTION = 160, 2000
ISSUERS = ("dispatcher", "supervisor", "admin")
CONFIRMERS = ("dispatcher", "supervisor")  # who may be the second pair of eyes
STARTS_AT_MOST_DAYS_AHEAD = 7


class AlertError(Exception):
    """An alert that cannot be issued, confirmed or updated; the message is for the form."""


@dataclass(frozen=True)
class AlertDraft:
    """What the issuer wrote. No places: campus-wide (an update keeps its alert's places)."""

    headline: str
    instruction: str
    severity: str
    minutes: int
    starts_at: datetime | None = None
    location_ids: tuple[int, ...] = field(default_factory=tuple)
    all_clear: bool = False


def needs_second_dispatcher(severity: str, issuer: User | None) -> bool:
    supervisor = issuer is not None and issuer.has_any_role(("supervisor",))
    return severity == "extreme" and not supervisor


@use_case
def issue(issuer: User | None, draft: AlertDraft, via: str = "web",
          now: datetime | None = None) -> CampusAlert:
    """A new alert: active at once, or (extreme, not a supervisor) held for confirmation."""
    now = now or utcnow()
    alert = _new_alert(issuer, draft, now, via)
    alert.locations = _places(draft.location_ids)
    alert.campus_wide = not alert.locations
    db.session.flush()
    _activate_unless_held(alert, issuer, now)
    audit.record("alert.issued", issuer, "campus_alert", alert.id, detail=_detail(alert))
    return alert


@use_case
def issue_from_script(draft: AlertDraft, by_email: str | None = None,
                      place_names: tuple[str, ...] = ()) -> CampusAlert:
    """`flask alerts issue`: places by name, the issuer (if named) by email; audited as the
    web form is, with via=cli."""
    issuer = None
    if by_email:
        issuer = db.session.scalar(select(User).where(User.email == by_email.strip().lower()))
        if issuer is None or not issuer.is_active or not issuer.has_any_role(ISSUERS):
            raise AlertError("No active dispatcher, supervisor or admin has that email.")
    names = {name.strip() for name in place_names if name.strip()}
    ids = tuple(db.session.scalars(select(Location.id).where(Location.name.in_(names))))
    if len(ids) != len(names):
        raise AlertError("Unknown place: use the names on the admin's list of places.")
    return issue(issuer, replace(draft, location_ids=ids), via="cli")


@use_case
def post_update(issuer: User, alert_id: int, draft: AlertDraft,
                now: datetime | None = None) -> CampusAlert:
    """An update that supersedes alert `alert_id` (and keeps its places) once active."""
    now = now or utcnow()
    previous = _locked(alert_id)
    if not previous.went_out or previous.superseded_at is not None:
        raise AlertError("Only an alert that is out (confirmed, not yet updated) can be updated.")
    alert = _new_alert(issuer, draft, now, "web")
    alert.supersedes_id, alert.campus_wide = previous.id, previous.campus_wide
    alert.locations = list(previous.locations)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise AlertError("Someone else has just posted an update to this alert: "
                         "look at it before posting another.") from error
    _activate_unless_held(alert, issuer, now)
    audit.record("alert.updated", issuer, "campus_alert", alert.id,
                 detail=f"supersedes={previous.id}; {_detail(alert)}")
    return alert


@use_case
def confirm(confirmer: User, alert_id: int, now: datetime | None = None) -> CampusAlert:
    """The second dispatcher's confirmation of an extreme alert; it goes out now."""
    now = now or utcnow()
    alert = _locked(alert_id)
    if alert.withdrawn_at is not None:
        raise AlertError("This alert was withdrawn: it will not be sent.")
    if alert.went_out:
        raise AlertError("This alert is already out.")
    if confirmer.id == alert.issued_by_id:
        raise AlertError("A second dispatcher must confirm an extreme alert: "
                         "ask a colleague (or a supervisor) to confirm it.")
    if not confirmer.has_any_role(CONFIRMERS):
        raise AlertError("Only a dispatcher or a supervisor can confirm an extreme alert.")
    if alert.expires_at <= now:
        raise AlertError("This alert has expired without being confirmed: issue a new one.")
    _activate(alert, confirmer, now)
    audit.record("alert.confirmed", confirmer, "campus_alert", alert.id)
    return alert


@use_case
def withdraw(actor: User, alert_id: int, now: datetime | None = None) -> CampusAlert:
    """Withdraw an alert still held for a second dispatcher (its issuer's mistake, seen by
    anyone who may issue alerts): it never goes out and nobody can confirm it. An alert
    that is out is corrected by an update or the all clear instead."""
    alert = _locked(alert_id)
    if alert.withdrawn_at is not None:
        raise AlertError("This alert was already withdrawn.")
    if alert.went_out:
        raise AlertError("This alert is already out: post an update or the all clear instead.")
    alert.withdrawn_at, alert.withdrawn_by_id = now or utcnow(), actor.id
    audit.record("alert.withdrawn", actor, "campus_alert", alert.id)
    return alert


def _new_alert(issuer: User | None, draft: AlertDraft, now: datetime, via: str) -> CampusAlert:
    _check(draft, now)
    starts = max(draft.starts_at or now, now)
    alert = CampusAlert(
        identifier=f"urn:uuid:{uuid.uuid4()}", headline=draft.headline.strip(),
        instruction=draft.instruction.strip(), severity=draft.severity,
        all_clear=draft.all_clear, starts_at=starts, issued_at=now, issued_via=via,
        expires_at=starts + timedelta(minutes=draft.minutes),
        issued_by_id=issuer.id if issuer is not None else None,
    )
    db.session.add(alert)
    return alert


def _check(draft: AlertDraft, now: datetime) -> None:
    headline, instruction = draft.headline.strip(), draft.instruction.strip()
    if not headline or len(headline) > MAX_HEADLINE or "\n" in headline or "\r" in headline:
        raise AlertError(f"Write a headline of one line, at most {MAX_HEADLINE} characters.")
    if not instruction or len(instruction) > MAX_INSTRUCTION:
        raise AlertError(f"Say what people should do, in at most {MAX_INSTRUCTION} characters.")
    if draft.severity not in SEVERITIES:
        raise AlertError("Choose a severity: extreme, severe, moderate or minor.")
    if not 1 <= draft.minutes <= MAX_MINUTES:
        raise AlertError("An alert lasts from 1 minute to 7 days.")
    if draft.starts_at and draft.starts_at > now + timedelta(days=STARTS_AT_MOST_DAYS_AHEAD):
        raise AlertError("An alert starts within the next 7 days.")


def _places(location_ids: tuple[int, ...]) -> list[Location]:
    if not location_ids:
        return []
    places = list(db.session.scalars(
        select(Location).where(Location.id.in_(set(location_ids)), Location.active)))
    if len(places) != len(set(location_ids)):
        raise AlertError("Choose places from the list.")
    return places


def _locked(alert_id: int) -> CampusAlert:
    alert = db.session.scalar(
        select(CampusAlert).where(CampusAlert.id == alert_id).with_for_update())
    if alert is None:
        raise AlertError("That alert does not exist.")
    return alert


def _activate_unless_held(alert: CampusAlert, issuer: User | None, now: datetime) -> None:
    if not needs_second_dispatcher(alert.severity, issuer):
        _activate(alert, issuer, now)


def _activate(alert: CampusAlert, by: User | None, now: datetime) -> None:
    alert.confirmed_at, alert.confirmed_by_id = now, by.id if by is not None else None
    if alert.supersedes_id is not None:
        previous = db.session.get(CampusAlert, alert.supersedes_id)
        if previous is not None and previous.superseded_at is None:
            previous.superseded_at = now
    alert_banner.changed_on_commit()


def _detail(alert: CampusAlert) -> str:
    state = "held for a second dispatcher" if alert.awaiting_confirmation else "active"
    return (f"severity={alert.severity}; via={alert.issued_via}; {state}; "
            f"until={alert.expires_at.isoformat(timespec='minutes')}")


# Reading ---------------------------------------------------------------------------------


def _with_places():
    return select(CampusAlert).options(selectinload(CampusAlert.locations))


def public_alert(alert_id: int) -> CampusAlert | None:
    """An alert that went out (never one still held for confirmation)."""
    alert = db.session.get(CampusAlert, alert_id)
    return alert if alert is not None and alert.went_out else None


def active_alerts(now: datetime | None = None) -> list[CampusAlert]:
    now = now or utcnow()
    rows = db.session.scalars(_with_places().where(
        CampusAlert.confirmed_at.is_not(None), CampusAlert.superseded_at.is_(None),
        CampusAlert.starts_at <= now, CampusAlert.expires_at > now))
    return sorted(rows, key=lambda a: (SEVERITIES.index(a.severity), -a.id))


def archive(page: int = 1, per_page: int = 20):
    """Every alert that went out, newest first, as a Flask-SQLAlchemy page."""
    stmt = _with_places().where(CampusAlert.confirmed_at.is_not(None)).order_by(
        CampusAlert.confirmed_at.desc(), CampusAlert.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def latest(limit: int = 30) -> list[CampusAlert]:
    return list(archive(1, limit).items)


def held_for_confirmation(now: datetime | None = None) -> list[CampusAlert]:
    now = now or utcnow()
    return list(db.session.scalars(_with_places().where(
        CampusAlert.confirmed_at.is_(None), CampusAlert.withdrawn_at.is_(None),
        CampusAlert.expires_at > now,
    ).order_by(CampusAlert.issued_at)))


def successor(alert: CampusAlert) -> CampusAlert | None:
    return db.session.scalar(select(CampusAlert).where(CampusAlert.supersedes_id == alert.id))
