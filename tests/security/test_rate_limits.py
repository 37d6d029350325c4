"""Rate limits kept in Redis are one limit for every worker process, not one per process.

Flask-Limiter's in-memory store counts per process, so four gunicorn workers would allow
four times the limit. Here two separate processes (this one and a child) each serve the same
app against redis://127.0.0.1:6379 and together get exactly one limit. Each test uses its
own key prefix and deletes its keys afterwards.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from tests.helpers import run_threads
from tests.services import service_unavailable

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
LIMIT = "3 per minute"


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        service_unavailable(f"Redis is not reachable at {REDIS_URL}")
    return client


def limited_app(storage_uri: str, prefix: str, db_url: str = "sqlite://"):
    """A testing app with limits on, and one limited route (the same in every process)."""
    from app import create_app
    from app.extensions import limiter
    from app.web.access import public

    app = create_app("testing", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage_uri,
                     RATELIMIT_KEY_PREFIX=prefix, SQLALCHEMY_DATABASE_URI=db_url)
    limiter._key_prefix = prefix  # the shared limiter keeps the first prefix it saw

    @limiter.limit(LIMIT)
    @public
    def limited():
        return "ok"

    app.add_url_rule("/_test/limited", "limited", limited)
    return app


def statuses(app, count: int) -> list[int]:
    client = app.test_client()
    return [client.get("/_test/limited").status_code for _ in range(count)]


def child_statuses(runs: list[tuple[str, str, int]]) -> list[list[int]]:
    """The same requests from a separate process (a second gunicorn worker, in effect):
    for each (storage_uri, prefix, count), the statuses it got."""
    code = (
        "import json\n"
        "from tests.security.test_rate_limits import limited_app, statuses\n"
        f"print(json.dumps([statuses(limited_app(u, p), n) for u, p, n in {runs!r}]))\n"
    )
    env = {**os.environ, "PORTAL_ENV": "testing"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture()
def prefix():
    client = _redis()
    value = f"portal-test-{uuid.uuid4().hex}"
    yield value
    for key in client.scan_iter(match=f"*{value}*"):
        client.delete(key)


def test_two_processes_sharing_redis_share_one_limit(isolated_limiter, prefix):
    memory_prefix = f"{prefix}-memory"
    assert statuses(limited_app("memory://", memory_prefix), 3) == [200, 200, 200]
    app = limited_app(REDIS_URL, prefix)
    assert statuses(app, 2) == [200, 200]

    in_memory, in_redis = child_statuses([("memory://", memory_prefix, 3), (REDIS_URL, prefix, 2)])

    assert in_memory == [200, 200, 200], "memory: each process counts alone (why not in prod)"
    assert in_redis == [200, 429], "redis: the second process sees the first one's hits"
    assert statuses(app, 1) == [429]


def test_the_limited_answer_is_the_friendly_429_page(isolated_limiter, prefix):
    app = limited_app(REDIS_URL, prefix)
    client = app.test_client()
    for _ in range(3):
        client.get("/_test/limited")
    response = client.get("/_test/limited")
    assert response.status_code == 429
    assert b"Too many attempts" in response.data
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]



def test_five_simultaneous_escort_requests_against_redis_let_exactly_the_limit_through(
        app, db, isolated_limiter, prefix, campus):
    """The count is one atomic step in Redis: of five requests sent at the same instant
    from one client, exactly three (the limit) are taken and two get the 429 page."""
    import threading

    from sqlalchemy import func, select

    from app import create_app
    from app.models.audit import AuditChainHead
    from app.models.escorts import EscortRequest
    from app.services.audit import GENESIS

    limited = create_app("testing", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL,
                         RATELIMIT_KEY_PREFIX=prefix, RATELIMIT_TICKET_LIMIT="3 per minute",
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    limited.test_client_class = type(app.test_client())
    isolated_limiter._key_prefix = prefix
    start, codes = threading.Barrier(5), []
    places = {"from_place": str(campus["garage"].id), "to_place": str(campus["rail"].id)}
    db.session.add(AuditChainHead(id=1, last_seq=0, last_hash=GENESIS))  # as the migration does
    db.session.commit()

    def request_escort(n: int) -> None:
        client = limited.test_client()
        start.wait()
        codes.append(client.post("/escorts/", data={
            **places, "when": "now", "party_size": "1", "phone": "(555) 010-1234",
            "submission_key": f"race-{n}-" + "k" * 20}).status_code)

    run_threads(request_escort, [(n,) for n in range(5)])
    assert sorted(codes) == [303, 303, 303, 429, 429]
    db.session.commit()  # a fresh snapshot: see what the threads wrote
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 3
