"""The operations dashboard on a large table: `make bench-dashboard` (run.py --dashboard).

1. A fresh PostgreSQL database (this scenario needs it: the figures are PostgreSQL's
   percentile_cont and the covering index), the portal's tables, and --dashboard-tickets
   tickets (1,000,000 by default) seeded with set-based SQL (INSERT ... SELECT generate_series):
   escorts and incident reports spread over two years, the last 30 days among them, every
   priority, acknowledgement and arrival times, outcomes, 40 places; then VACUUM ANALYZE.
2. The portal under gunicorn; a supervisor's session.
3. GET /dashboard/?period=30d from --dashboard-concurrency clients (default 1: one
   supervisor at a time, each request timed end to end), twice: every request computed
   (DASHBOARD_CACHE_SECONDS=0, the honest figure) and with the per-process cache of 60 s;
   prints p50 and p95 against the 500 ms target.
"""
from __future__ import annotations

import os
import time

SEED_SQL = [
    # Tickets: id g, created over two years back from now, one a minute or so.
    """
    INSERT INTO ticket (id, reference, kind, status, priority, location_id, summary,
        access_token_hash, confidential, created_at, updated_at, acknowledged_at,
        on_scene_at, closed_at, outcome, unread_by_staff, version)
    SELECT g, 'DSH-' || lpad(g::text, 8, '0'),
        CASE WHEN g % 4 = 0 THEN 'incident' ELSE 'escort' END,
        CASE WHEN g > :n - 300 THEN 'acknowledged' WHEN g % 11 = 0 THEN 'cancelled'
             ELSE 'resolved' END,
        CASE WHEN g % 10 = 0 THEN 1 WHEN g % 3 = 0 THEN 3 ELSE 2 END,
        1 + (g * 7) % 40, 'Dashboard bench ticket ' || g, md5('bench-' || g),
        false, c, c,
        c + make_interval(secs => CASE WHEN g % 3 = 0 THEN (g * 37) % 180000
                                       ELSE 20 + (g * 13) % 600 END),
        CASE WHEN g % 10 < 7 THEN c + make_interval(secs => 180 + (g * 17) % 1500) END,
        CASE WHEN g <= :n - 300 THEN c + interval '40 minutes' END,
        CASE WHEN g > :n - 300 THEN NULL WHEN g % 11 = 0 THEN 'duplicate'
             WHEN g % 17 = 0 THEN 'unfounded' WHEN g % 23 = 0 THEN 'referred'
             ELSE 'completed' END,
        false, 1
    FROM (SELECT g, now() at time zone 'utc'
                 - make_interval(secs => (:n - g) * (63072000.0 / :n)) AS c
          FROM generate_series(1, :n) AS g) AS s
    """,
    """
    INSERT INTO escort_request (id, from_location_id, to_location_id, scheduled, party_size)
    SELECT id, location_id, 1 + (id * 3) % 40, false, 1 FROM ticket WHERE kind = 'escort'
    """,
    """
    INSERT INTO incident_report (id, category, observed_at, description, still_happening,
        anonymous)
    SELECT id, (ARRAY['suspicious_package', 'suspicious_person', 'suspicious_substance',
                      'hazardous_material', 'unauthorized_person', 'theft',
                      'other'])[1 + id % 7],
        created_at, 'Seen near the entrance', false, false
    FROM ticket WHERE kind = 'incident'
    """,
    "SELECT setval('ticket_id_seq', (SELECT max(id) FROM ticket))",
]


def seed(url: str, env: dict, tickets: int) -> str:
    """The portal's tables, the places, a supervisor, and `tickets` tickets; the cookie."""
    os.environ.update({k: env[k] for k in ("PORTAL_ENV", "DATABASE_URL", "SECRET_KEY",
                                           "FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY",
                                           "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI")})
    from sqlalchemy import text

    from app import create_app
    from app.core import tokens
    from app.extensions import db
    from app.models.accounts import LoginSession, Role, User
    from app.models.locations import Location
    from app.services import audit

    app = create_app("production")
    with app.app_context():
        db.create_all()
        db.session.add_all([Location(id=n, name=f"Building {n}", kind="building")
                            for n in range(1, 41)])
        supervisor = User(email="bench-supervisor@example.org", name="Bench Supervisor",
                          roles=[Role(name="supervisor")])
        db.session.add(supervisor)
        db.session.flush()
        for statement in SEED_SQL:
            db.session.execute(text(statement), {"n": tickets})
        raw = tokens.new_token()
        db.session.add(LoginSession(session_hash=tokens.hash_token(raw), user=supervisor))
        audit.record("bench.seeded", None, "ticket", "bench", detail=f"tickets={tickets}",
                     ip=False)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
        serializer = app.session_interface.get_signing_serializer(app)
        return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps({'_user_id': raw})}"


def run(args) -> str:
    from benchmarks.run import Client, Database, Server, drive, portal_env

    db = Database()
    if db.kind != "PostgreSQL":
        db.drop()
        return "The dashboard scenario needs PostgreSQL at 127.0.0.1:5432; skipped."
    servers = []
    try:
        print(f"Seeding {args.dashboard_tickets:,} tickets with set-based SQL...", flush=True)
        began = time.monotonic()
        env = portal_env(db.url, args.queue_limit)
        cookie = seed(db.url, env, args.dashboard_tickets)
        seeded = time.monotonic() - began
        results = []
        for label, cache_seconds in (("computed every time", "0"), ("kept 60 s", "60")):
            server = Server("wsgi:app", {**env, "DASHBOARD_CACHE_SECONDS": cache_seconds},
                            args.workers, args.threads, "/")
            servers.append(server)
            results.append((label, _drive(server.port, cookie, args, drive, Client)))
            server.stop()
        return _report(results, args, seeded)
    finally:
        for server in servers:
            server.stop()
        db.drop()


def _drive(port: int, cookie: str, args, drive, client_class):
    def step(client) -> bool:
        status, body = client.send("GET", "/dashboard/?period=30d")
        return status == 200 and "Response times per priority" in body

    return drive("dashboard, 30 days", lambda: client_class(port, cookie), step,
                 seconds=args.seconds, concurrency=args.dashboard_concurrency,
                 max_requests=args.max_requests, warmup=args.warmup)


def _report(results, args, seeded: float) -> str:
    load = os.getloadavg()
    lines = [
        f"Machine: {_machine()}; load average at the end {load[0]:.1f} / {load[1]:.1f} / "
        f"{load[2]:.1f}",
        f"Seeded {args.dashboard_tickets:,} tickets (two years) in {seeded:.0f} s; "
        f"{args.dashboard_concurrency} client(s), {args.seconds:g} s after {args.warmup:g} s",
        "",
        "| dashboard, last 30 days | requests | p50 ms | p95 ms | errors | p95 < 500 ms |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for label, r in results:
        p95 = r.pct(95)
        lines.append(f"| {label} | {len(r.latencies)} | {r.pct(50):.0f} | {p95:.0f} | "
                     f"{r.errors} | {'OK' if p95 < 500 else 'MISSED'} |")
    return "\n".join(lines)


def _machine() -> str:
    from benchmarks.run import machine

    return machine()
