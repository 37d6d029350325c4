"""Seeding for the benchmark: the portal's tables with 100,000 tickets, the reference rows.

The seed is a hospital's year: almost every ticket closed, a few dozen open (the shift's
work), each with its history (created, acknowledged, assigned to one of four officers,
closed: about 3 events a ticket, which the board's marker and officer panel read).
`seed_flood` then adds a flood of open tickets to both apps (the old heavy scenario:
~1,100 of 2,000 urgent, so the board lists 1,000 rows). Bulk inserts through SQLAlchemy
Core in batches of 5,000 (seconds, not minutes), then ANALYZE so the planner knows the
table sizes.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from datetime import UTC, datetime, timedelta


def portal_env(url: str, queue_limit: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "DATABASE_URL": url,
        "SECRET_KEY": secrets.token_hex(32),
        "AUDIT_HMAC_KEY": secrets.token_hex(32),
        "FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "RATELIMIT_ENABLED": "false",
        "RATELIMIT_STORAGE_URI": "memory://",
        "DISPATCH_QUEUE_LIMIT": str(queue_limit),
    }


def _ticket_rows(count: int, open_count: int, location_ids: list[int], now: datetime,
                 first: int = 0, officer_ids: tuple[int, ...] = ()):
    """Ticket rows: the open ones recent (last 8 hours), the closed ones over a year."""
    for i in range(first, first + count):
        is_open = i - first < open_count
        age = timedelta(seconds=(i * 7919) % (8 * 3600)) if is_open else timedelta(
            minutes=(i * 104729) % (365 * 24 * 60))
        created = now - age
        priority = 1 if i % 10 == 0 else (2 if i % 2 else 3)
        status = ("new", "acknowledged", "assigned", "en_route")[i % 4] if is_open else (
            "resolved" if i % 9 else "cancelled")
        yield {
            "id": i + 1, "reference": f"ESC-B{i:07d}", "kind": "escort", "status": status,
            "priority": priority, "location_id": location_ids[i % len(location_ids)],
            "location_detail": f"Level {i % 5}", "summary": f"Escort request number {i}",
            "contact_name": f"Visitor {i}", "contact_phone": "555 010 1234",
            "access_token_hash": hashlib.sha256(f"bench-{i}".encode()).hexdigest(),
            "confidential": False, "created_at": created, "updated_at": created,
            "acknowledged_at": None if status == "new" else created + timedelta(minutes=1),
            "closed_at": None if is_open else created + timedelta(minutes=25),
            "outcome": None if is_open else ("completed" if status == "resolved" else "duplicate"),
            "unread_by_staff": i % 13 == 0, "version": 1,
            "assigned_officer_id": officer_ids[i % len(officer_ids)]
            if officer_ids and status in ("assigned", "en_route") else None,
        }


def _event_rows(batch):
    """What each ticket's history holds, as the board and the officer panel read it: the
    first event, the acknowledgement, the assignment of an assigned ticket, the closure."""
    for row in batch:
        yield _event(row, "created", 0, "new")
        if row["acknowledged_at"] is not None:
            yield _event(row, "status", 1, "acknowledged")
        if row["assigned_officer_id"] is not None:
            yield _event(row, "assignment", 2)
        if row["closed_at"] is not None:
            yield _event(row, "status", 25, row["status"])


def _event(row, kind: str, minutes: int, to_status: str | None = None) -> dict:
    return {"ticket_id": row["id"], "kind": kind, "to_status": to_status, "body": None,
            "visible_to_requester": True, "for_shift_report": False,
            "created_at": row["created_at"] + timedelta(minutes=minutes)}


def seed_portal(url: str, env: dict, count: int, open_count: int) -> str:
    """Create the portal's tables and data; return the dispatcher's session cookie."""
    os.environ.update({k: env[k] for k in ("PORTAL_ENV", "DATABASE_URL", "SECRET_KEY",
                                           "FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY",
                                           "RATELIMIT_ENABLED",
                                           "RATELIMIT_STORAGE_URI")})
    from app import create_app
    from app.core import tokens
    from app.extensions import db
    from app.models.accounts import LoginSession, Role, User
    from app.models.locations import Location
    from app.services import audit

    app = create_app("production")
    with app.app_context():
        db.create_all()
        locations = [Location(name=f"Building {n}", kind="building") for n in range(1, 21)]
        roles = {name: Role(name=name) for name in ("dispatcher", "officer")}
        dispatcher = User(email="bench-dispatcher@example.org", name="Bench Dispatcher",
                          roles=[roles["dispatcher"]])
        officers = [User(email=f"bench-officer{n}@example.org", name=f"Officer {n}",
                         display_name=f"Officer {n}", roles=[roles["officer"]])
                    for n in range(4)]
        db.session.add_all([*locations, dispatcher, *officers])
        db.session.flush()
        location_ids = [loc.id for loc in locations]
        now = datetime.now(UTC).replace(tzinfo=None)
        officer_ids = tuple(officer.id for officer in officers)
        _insert_all(db, _ticket_rows(count, open_count, location_ids, now,
                                     officer_ids=officer_ids), location_ids)
        raw = tokens.new_token()
        db.session.add(LoginSession(session_hash=tokens.hash_token(raw), user=dispatcher))
        # The first audit record creates the chain head; write it before the load starts.
        audit.record("bench.seeded", None, "ticket", "bench", detail=f"tickets={count}", ip=False)
        db.session.commit()
        _analyze(db)
        serializer = app.session_interface.get_signing_serializer(app)
        return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps({'_user_id': raw})}"


def _insert_all(db, rows, location_ids: list[int]) -> None:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == 5000:
            _insert_tickets(db, batch, location_ids)
            batch = []
    if batch:
        _insert_tickets(db, batch, location_ids)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text(
            "SELECT setval('ticket_id_seq', (SELECT max(id) FROM ticket))"))


def _insert_tickets(db, batch, location_ids) -> None:
    from sqlalchemy import insert

    from app.models.escorts import EscortRequest
    from app.models.tickets import Ticket, TicketEvent

    db.session.execute(insert(Ticket.__table__), batch)
    db.session.execute(insert(TicketEvent.__table__), list(_event_rows(batch)))
    db.session.execute(insert(EscortRequest.__table__), [
        {"id": row["id"], "from_location_id": row["location_id"],
         "to_location_id": location_ids[(row["id"] + 3) % len(location_ids)],
         "scheduled": False, "party_size": 1} for row in batch])


def _analyze(db) -> None:
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


def seed_reference(url: str, count: int, open_count: int) -> None:
    from sqlalchemy import create_engine

    from benchmarks.reference_app import Base

    engine = create_engine(url)
    Base.metadata.create_all(engine)
    _insert_reference(engine, count, open_count)
    engine.dispose()


def _insert_reference(engine, count: int, open_count: int) -> None:
    """`count` reference rows, the first `open_count` open (last 8 hours, as the tickets)."""
    from sqlalchemy import insert

    from benchmarks.reference_app import ReferenceRow

    now = datetime.now(UTC).replace(tzinfo=None)

    def age(i: int) -> timedelta:
        if i < open_count:
            return timedelta(seconds=(i * 7919) % (8 * 3600))
        return timedelta(minutes=(i * 104729) % (365 * 24 * 60))

    with engine.begin() as conn:
        for start in range(0, count, 5000):
            conn.execute(insert(ReferenceRow), [
                {"title": f"Row {i}", "phone": "555 010 1234",
                 "status": "open" if i < open_count else "closed", "created_at": now - age(i)}
                for i in range(start, min(start + 5000, count))])
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE")


def seed_flood(url: str, count: int) -> None:
    """A flood: `count` more open tickets in the portal (its priority mix: ~55% P1/P2) and
    as many open reference rows. The processes already running see them at once."""
    from sqlalchemy import create_engine, func, select

    from app import create_app
    from app.extensions import db
    from app.models.locations import Location
    from app.models.tickets import Ticket

    app = create_app("production")
    with app.app_context():
        first = (db.session.scalar(select(func.max(Ticket.id))) or 0) + 1
        location_ids = list(db.session.scalars(select(Location.id).order_by(Location.id)))
        now = datetime.now(UTC).replace(tzinfo=None)
        _insert_all(db, _ticket_rows(count, count, location_ids, now, first - 1), location_ids)
        db.session.commit()
        _analyze(db)
        db.engine.dispose()
    engine = create_engine(url)
    _insert_reference(engine, count, count)
    engine.dispose()


def issue_alert() -> None:
    """Issue one active campus alert, as `flask alerts issue` would (after seed_portal, which
    set the environment), for the home page's run with the banner."""
    from app import create_app
    from app.services.alerts import AlertDraft, issue_from_script

    app = create_app("production")
    with app.app_context():
        issue_from_script(AlertDraft("Road closed on Campus Drive (benchmark)",
                                     "Use the north entrance until further notice.",
                                     "moderate", 120))
