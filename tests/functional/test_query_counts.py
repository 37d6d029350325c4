"""The board's work does not grow with what it lists, what it renders once per process
(app/blueprints/dispatch/board.py) still shows each load what that load asked for, and an
escort request is a fixed handful of statements.

Query counts are counted, never timed: a loop that asks the database once per row (an
N+1) fails here however fast the machine is."""
from __future__ import annotations

import re
import threading
from contextlib import contextmanager

import pytest
from sqlalchemy import event, func, select

from app.blueprints.dispatch import board
from app.core import cache
from app.extensions import db as _db
from app.models.escorts import EscortRequest
from app.models.tickets import CANCELLED, Ticket
from app.services import events
from tests.helpers import sign_in, soup
from tests.spanish import SPANISH


@contextmanager
def counted_queries():
    """The statements this thread sends to the database while the block runs (the test
    client serves the request in this thread; the process's stream wake-up thread, started
    by an earlier test, polls on its own)."""
    sent: list[str] = []
    here = threading.get_ident()

    def count(_conn, _cursor, statement, *_args) -> None:
        if threading.get_ident() != here:
            return
        if not statement.startswith("BEGIN"):  # SQLite's transaction start, not a query
            sent.append(statement)

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)


@pytest.fixture(autouse=True)
def no_cached_pieces():
    """Each count starts from empty per-process caches, whatever ran before in the process."""
    board.clear()
    cache.clear()
    yield
    board.clear()
    cache.clear()


@pytest.fixture()
def cache_on(app):
    board.clear()
    app.config["BOARD_CACHE_SECONDS"] = 600
    yield
    app.config["BOARD_CACHE_SECONDS"] = 0
    board.clear()


def board_load(client, url="/dispatch/") -> tuple[list[str], object]:
    with counted_queries() as sent:
        response = client.get(url)
    assert response.status_code == 200
    return sent, soup(response)


def reads(sent: list[str]) -> list[str]:
    return [statement for statement in sent if statement.lstrip().upper().startswith("SELECT")]


def row_reads(sent: list[str]) -> list[str]:
    """The reads of the board itself: without the viewer's session and account, which a
    load may or may not read again (the test's own session can still hold them)."""
    return [s for s in reads(sent) if "login_session" not in s]


def busy_board(make_ticket, make_location, make_user, count: int) -> None:
    """`count` open tickets, each at its own place, half of them with their own officer."""
    for n in range(count):
        officer = make_user(roles=("officer",)) if n % 2 else None
        place = make_location()
        make_ticket(priority=1 + n % 3, officer=officer, status="assigned" if officer else "new",
                    location_id=place.id, summary=f"Busy request {n}")


def test_the_board_asks_the_database_as_often_for_thirty_rows_as_for_three(
        db, login_as, make_ticket, make_location, make_user):
    client = login_as("dispatcher")
    busy_board(make_ticket, make_location, make_user, 3)
    board_load(client)  # a session's first load may also move its idle clock on (an UPDATE)
    few, page = board_load(client)
    assert len(page.select("table.queue tbody tr")) == 3
    busy_board(make_ticket, make_location, make_user, 27)
    many, page = board_load(client)
    assert len(page.select("table.queue tbody tr")) == 30
    assert len(row_reads(many)) == len(row_reads(few)), many
    # with the per-process caches off (as here) the places tree is read for the filter, the
    # building filter and the rows' labels, and the alert banner checks its marker
    assert len(reads(many)) <= 13, many


@pytest.fixture()
def choices_cached(app):
    """As in production: the places (the filter's, the rows' labels), the officers and the
    campus alert banner come from the per-process caches."""
    cache.clear()
    app.config.update(CHOICES_CACHE_SECONDS=30, ALERT_CACHE_SECONDS=30)
    yield
    app.config.update(CHOICES_CACHE_SECONDS=0, ALERT_CACHE_SECONDS=0)
    cache.clear()


def test_a_board_served_from_the_cache_asks_the_database_twice(
        cache_on, choices_cached, db, login_as, make_ticket, make_location, make_user):
    busy_board(make_ticket, make_location, make_user, 12)
    client = login_as("dispatcher")
    board_load(client)
    sent, page = board_load(client)
    # the viewer's session row (with the account and its roles), then the board's marker
    assert len(sent) == 2, sent
    assert len(page.select("table.queue tbody tr")) == 12


def selected(page, name: str) -> list[str]:
    return [o["value"] for o in page.select(f'select[name="{name}"] option[selected]')]


def test_the_filter_form_shows_what_each_load_asked_for(db, login_as, make_ticket):
    make_ticket(priority=1)
    client = login_as("dispatcher")
    for url, priority in (("/dispatch/?priority=1", ["1"]), ("/dispatch/", []),
                          ("/dispatch/?priority=3", ["3"]), ("/dispatch/?priority=1", ["1"])):
        page = soup(client.get(url))
        assert selected(page, "priority") == priority, url
        assert (page.select_one("details.queue-filters").has_attr("open")) == bool(priority)
    page = soup(client.get("/dispatch/?q=%3Cb%3Ebold%3C/b%3E"))
    assert page.select_one('input[name="q"]')["value"] == "<b>bold</b>"
    assert page.select_one("details.queue-filters b") is None  # escaped, not markup


def test_a_forged_filter_is_reported_on_the_form_each_time(db, login_as, make_ticket):
    make_ticket(priority=1)
    client = login_as("dispatcher")
    for _ in range(2):
        page = soup(client.get("/dispatch/?kind=nonsense"))
        assert page.select_one(".error-summary") is not None
        assert page.select_one("#kind-error") is not None
    page = soup(client.get("/dispatch/?kind=escort"))
    assert page.select_one(".error-summary") is None
    assert selected(page, "kind") == ["escort"]


def test_a_new_place_and_a_new_officer_appear_in_the_filter(
        db, login_as, make_location, make_user):
    client = login_as("dispatcher")
    before = soup(client.get("/dispatch/"))
    place = make_location(name="New annex")
    officer = make_user(roles=("officer",), name="Officer Newcomer")
    after = soup(client.get("/dispatch/"))
    locations = [o.text for o in after.select('select[name="location_id"] option')]
    officers = [o.text for o in after.select('select[name="officer_id"] option')]
    assert place.name in locations and officer.name in " ".join(officers)
    assert place.name not in before.select_one('select[name="location_id"]').text


TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_each_dispatcher_closes_in_bulk_with_their_own_token(
        cache_on, custom_app, db, make_user, make_ticket):
    app = custom_app(WTF_CSRF_ENABLED=True)
    junk = make_ticket(priority=3, summary="Junk")
    tokens, clients = [], []
    for _ in range(2):
        client = app.test_client()
        sign_in(client, make_user(roles=("dispatcher",)))
        page = soup(client.get("/dispatch/"))
        form = page.select_one("form#bulk-close")
        assert form.select_one('select[name="outcome"]') is not None
        tokens.append(form.select_one('input[name="csrf_token"]')["value"])
        clients.append(client)
    assert tokens[0] != tokens[1]
    refused = clients[0].post("/dispatch/bulk-close", data={
        "csrf_token": tokens[1], "ticket_ids": [junk.id], "outcome": "junk", "reason": "Flood"})
    assert refused.status_code == 400
    closed = clients[0].post("/dispatch/bulk-close", data={
        "csrf_token": tokens[0], "ticket_ids": [junk.id], "outcome": "junk", "reason": "Flood"})
    assert closed.status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, junk.id).status == CANCELLED


def escort_form(campus) -> dict:
    return {"from_place": str(campus["garage"].id), "to_place": str(campus["rail"].id),
            "when": "now", "party_size": "1", "phone": "(555) 010-1234", "name": "Pat Doe",
            "submission_key": "count-" + "b" * 20}


def test_an_escort_request_asks_the_database_nothing_about_its_places(app, client, db,
                                                                      campus, monkeypatch):
    """With the per-process cache of places on (as in production), the submit checks its
    two places against the cache, as the form's list does, and sends only its writes."""
    monkeypatch.setitem(app.config, "CHOICES_CACHE_SECONDS", 30)
    cache.clear()
    form = escort_form(campus)
    client.get("/escorts/")  # the page that was shown filled the cache
    with counted_queries() as sent:
        response = client.post("/escorts/", data=form)
    assert response.status_code == 303
    assert not [s for s in sent if re.search(r"\b(FROM|JOIN) location\b", s)], sent
    # the ticket, escort row and first event (one statement on PostgreSQL; on SQLite the
    # lowest id, app.models.tickets, then three INSERTs), with no savepoint and no NOTIFY
    # statement (a trigger sends it on PostgreSQL); the audit chain's head (locked; created
    # here, the first record) and the audit record, which moves the head by a trigger
    assert len(sent) <= 9, sent
    assert not [s for s in sent if s.startswith(("SAVEPOINT", "RELEASE"))], sent
    again = client.post("/escorts/", data=escort_form(campus))  # the same submission key
    assert again.status_code == 303
    assert db.session.scalar(select(func.count(EscortRequest.id))) == 1
    cache.clear()


def test_cached_place_lists_keep_each_language_its_own_labels(app, client, db, campus,
                                                             monkeypatch):
    """The place list is kept per process for CHOICES_CACHE_SECONDS: a Spanish page must
    not leave its labels to the next English one, nor the other way round."""
    monkeypatch.setitem(app.config, "CHOICES_CACHE_SECONDS", 30)
    cache.clear()

    def groups(headers) -> list[str]:
        page = soup(client.get("/escorts/", headers=headers))
        return [group["label"] for group in page.select("#from_place optgroup")]

    assert "No está en la lista" in groups(SPANISH)
    assert "Not in the list" in groups({"Accept-Language": "en"})
    assert "No está en la lista" in groups(SPANISH)
    cache.clear()


def test_a_board_stream_wakes_with_three_reads_of_the_log(db, make_ticket):
    """Every submit wakes every stream process, and each reads the log once for its board
    streams: the two ids' horizons and the new events, nothing more (it used to ask twice
    again whether more was waiting, which the horizons already tell)."""
    make_ticket(priority=2)
    start = events.newest_cursor()
    reference = make_ticket(priority=1, summary="Pushed to the board").reference
    db.session.close()
    with counted_queries() as sent:
        found, cursor, held = events.read_after(events.Listener(events.BOARD), start)
    assert [e.data["reference"] for e in found] == [reference]
    assert not held and cursor == events.newest_cursor()
    assert len(sent) == 3, sent
