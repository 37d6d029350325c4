"""Open311 under attack: hostile input on every parameter, bad and revoked keys, floods per
key, and requests the API must not admit exist (DV, escorts, lockdowns). Never a 5xx."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app import create_app
from app.models.tickets import Ticket
from app.services import open311_keys
from tests.open311_spec import SpecClient

PACKAGE = "report-suspicious_package"
HOSTILE = ["x" * 5000, "<script>alert(1)</script>", "<b>bold</b>", "\x00", "a\u202eb",
           "line\none", "-1", str(2**63), "1e309", "NaN", "9" * 40, "%00", "' OR 1=1 --",
           "{{7*7}}", "2026-13-45T99:99", "9999-01-01T00:00:00Z", ""]
POST_PARAMS = ["service_code", "api_key", "description", "address_string", "address_id",
               "lat", "long", "first_name", "last_name", "email", "phone", "media_url",
               "jurisdiction_id", "device_id", "account_id", "attribute[observed_at]",
               "attribute[person_height]", "attribute[still_happening]",
               "attribute[anonymous]", "attribute[nonsense]"]
GET_PARAMS = ["service_request_id", "service_code", "start_date", "end_date", "status",
              "extensions", "jurisdiction_id"]
GOOD_STATUSES = {200, 400, 403, 404}


@pytest.fixture()
def spec(client):
    return SpecClient(client)


@pytest.fixture()
def lobby(make_location):
    return make_location("Main Hospital Lobby")


def good(key: str, lobby) -> dict:
    return {"api_key": key, "service_code": PACKAGE, "address_id": str(lobby.id),
            "description": "A box under the bench by the lifts."}


def tickets(db) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count(Ticket.id)))


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_hostile_values_in_every_post_parameter_are_an_errors_document_or_a_clean_ticket(
        spec, api_key, lobby, db, fmt):
    key = api_key()
    for name in POST_PARAMS:
        for value in HOSTILE:
            params = {**good(key, lobby), name: value}
            answer = spec.post(fmt, **params)
            status = spec.last.status_code
            assert status in GOOD_STATUSES, (name, value, status)
            if status == 200:
                reference = answer[0]["service_request_id"]
                ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
                stored = " ".join(str(v) for v in vars(ticket).values())
                assert "\x00" not in stored, (name, value)  # HTML is kept as plain text


@pytest.mark.parametrize("name, value, words", [
    ("description", "<b>now</b>", "no HTML"),
    ("description", "x" * 2001, "2000 characters"),
    ("description", "", "Say what you saw"),
    ("address_id", "99999", "address_id"),
    ("lat", "95", "out of range"),
    ("lat", "NaN", "decimal degrees"),
    ("media_url", "javascript:alert(1)", "http or https"),
    ("attribute[observed_at]", "2099-01-01T10:00:00+00:00", "future"),
    ("attribute[observed_at]", "yesterday", "attribute[observed_at]"),
    ("attribute[evil]", "1", "not a parameter of this service"),
    ("email", "not-an-email", "email"),
    ("phone", "call me", "phone"),
    ("first_name", "x" * 200, "first_name"),
])
def test_bad_input_is_a_400_that_names_the_parameter_and_files_nothing(
        spec, api_key, lobby, db, name, value, words):
    other = {"long": "0"} if name == "lat" else {}
    errors = spec.post("json", **{**good(api_key(), lobby), **other, name: value})
    assert spec.last.status_code == 400
    assert words in " ".join(e["description"] for e in errors)
    assert tickets(db) == 0


@pytest.mark.parametrize("key", [None, "", "o311_nope", "x" * 5000, "\x00", "o311_" + "A" * 43])
def test_a_missing_or_unknown_key_is_403_and_files_nothing(spec, lobby, db, key):
    params = good("", lobby)
    params.pop("api_key")
    if key is not None:
        params["api_key"] = key
    errors = spec.post("xml", **params)
    assert spec.last.status_code == 403 and str(errors[0]["code"]) == "403"
    assert tickets(db) == 0


def test_a_key_in_the_query_string_instead_of_the_body_is_not_read(client, api_key, lobby):
    key = api_key()
    params = good(key, lobby)
    params.pop("api_key")
    response = client.post(f"/open311/v2/requests.json?api_key={key}", data=params)
    assert response.status_code == 403


def post_from_another_process(db_url: str, params: dict) -> int:
    """The status a separate process (a second gunicorn worker, in effect) gets for the
    POST: its own app, its own connections, the same database."""
    code = (
        "from app import create_app\n"
        f"app = create_app('testing', SQLALCHEMY_DATABASE_URI={db_url!r})\n"
        f"print(app.test_client().post('/open311/v2/requests.json', data={params!r})"
        ".status_code)\n"
    )
    env = {**os.environ, "PORTAL_ENV": "testing"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env=env, cwd=os.getcwd())
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_a_revoked_key_is_refused_at_once_by_another_worker_process(
        app, spec, api_key, lobby, db):
    """Every POST reads the key from the database, so a revocation made through one worker
    holds in another process from its next request on (no cache to wait for)."""
    params = good(api_key(), lobby)
    db_url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert post_from_another_process(db_url, params) == 200
    open311_keys.revoke_key(open311_keys.list_keys()[0].id, None)
    assert post_from_another_process(db_url, params) == 403
    spec.post("json", **params)
    assert spec.last.status_code == 403
    assert tickets(db) == 1


@pytest.mark.parametrize("name", GET_PARAMS)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_hostile_filters_are_a_list_or_a_400_never_a_server_error(client, name, fmt):
    for value in HOSTILE:
        response = client.get(f"/open311/v2/requests.{fmt}", query_string={name: value})
        assert response.status_code in (200, 400), (name, value, response.status_code)


@pytest.mark.parametrize("path", ["requests/{v}.json", "requests/{v}.xml", "services/{v}.json",
                                  "{v}.json", "requests.{v}"])
def test_hostile_paths_are_an_open311_404(client, path):
    for value in ["x" * 3000, "%00", "..%2F..%2Fetc", "RPT-ZZZZZZ", "<b>", "1e309"]:
        response = client.get(f"/open311/v2/{path.format(v=value)}")
        assert response.status_code == 404, (path, value)
        assert response.mimetype in ("application/json", "text/xml")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_dv_request_or_an_escort_is_exactly_as_absent_as_nothing(
        client, make_ticket, make_dv_request, fmt):
    dv, _ = make_dv_request()
    hidden = [dv, make_ticket(kind="escort")]
    nothing = client.get(f"/open311/v2/requests/RPT-ZZZZZZ.{fmt}")
    for ticket in hidden:
        response = client.get(f"/open311/v2/requests/{ticket.reference}.{fmt}")
        assert response.status_code == nothing.status_code == 404
        assert response.get_data() == nothing.get_data()
        assert dict(response.headers) == dict(nothing.headers)
        listed = client.get(f"/open311/v2/requests.{fmt}",
                            query_string={"service_request_id": ticket.reference})
        assert ticket.reference not in listed.get_data(as_text=True)
    everything = client.get(f"/open311/v2/requests.{fmt}").get_data(as_text=True)
    for ticket in hidden:
        assert ticket.reference not in everything


def test_the_dv_and_escort_kinds_cannot_be_published_even_by_hand(make_user, spec):
    from app.services import open311

    published = open311.set_published({"dv", "escort", "support", PACKAGE},
                                      make_user(roles=("admin",)))
    assert published == {PACKAGE}
    assert [s["service_code"] for s in spec.services("json")] == [PACKAGE]


def test_each_key_has_its_own_rate_limit(limited_app, api_key, lobby, db):
    limited = limited_app(OPEN311_KEY_LIMIT="2 per 10 minutes")
    kiosk, facilities = api_key("Kiosk"), api_key("Facilities")
    client = SpecClient(limited.test_client())
    for _ in range(2):
        client.post("json", **good(kiosk, lobby))
        assert client.last.status_code == 200
    errors = client.post("xml", **good(kiosk, lobby))
    assert client.last.status_code == 429 and client.last.headers["Retry-After"]
    assert str(errors[0]["code"]) == "429"
    client.post("json", **good(facilities, lobby))
    assert client.last.status_code == 200
    assert tickets(db) == 3


def test_reads_are_rate_limited_per_client(limited_app):
    limited = limited_app(OPEN311_CLIENT_LIMIT="3 per minute")
    client = limited.test_client()
    statuses = [client.get("/open311/v2/services.json").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_flood_of_made_up_keys_is_cut_off_per_client(limited_app, lobby):
    limited = limited_app(OPEN311_CLIENT_LIMIT="3 per minute")
    client = limited.test_client()
    statuses = [client.post("/open311/v2/requests.json",
                            data=good(f"o311_made-up-{n}", lobby)).status_code for n in range(4)]
    assert statuses == [403, 403, 403, 429]


def test_the_api_answers_without_a_csrf_token_or_a_cookie(app, api_key, lobby):
    client = app.test_client(use_cookies=False)
    response = client.post("/open311/v2/requests.json", data=good(api_key(), lobby))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "no-store" in response.headers["Cache-Control"]


@pytest.fixture()
def redis_prefix():
    import uuid

    from tests.security.test_rate_limits import _redis

    client = _redis()
    value = f"portal-test-open311-{uuid.uuid4().hex}"
    yield value
    for key in client.scan_iter(match=f"*{value}*"):
        client.delete(key)


def test_five_simultaneous_posts_with_one_key_against_redis_file_exactly_the_limit(
        app, db, isolated_limiter, redis_prefix, api_key, lobby):
    """The per-key count is one atomic step in Redis, shared by every worker: of five
    POSTs sent at the same instant with one key, exactly three (the limit) are filed."""
    import threading

    from app.models.audit import AuditChainHead
    from app.services.audit import GENESIS
    from tests.helpers import run_threads
    from tests.security.test_rate_limits import REDIS_URL

    limited = create_app("testing", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=REDIS_URL,
                         RATELIMIT_KEY_PREFIX=redis_prefix, OPEN311_KEY_LIMIT="3 per minute",
                         SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    limited.test_client_class = type(app.test_client())
    isolated_limiter._key_prefix = redis_prefix
    if db.session.get(AuditChainHead, 1) is None:
        db.session.add(AuditChainHead(id=1, last_seq=0, last_hash=GENESIS))  # as migrated
    params = good(api_key(), lobby)
    start, codes = threading.Barrier(5), []

    def post(_n: int) -> None:
        client = limited.test_client()
        start.wait()
        codes.append(client.post("/open311/v2/requests.json", data=params).status_code)

    run_threads(post, [(n,) for n in range(5)])
    assert sorted(codes) == [200, 200, 200, 429, 429]
    assert tickets(db) == 3
