"""The live streams: replay after Last-Event-ID, who gets which event, and when a stream ends.

Streams are read through the test client as the browser would (text/event-stream), against
the real database; nothing is mocked.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models.accounts import LoginSession
from app.models.base import utcnow
from app.models.tickets import TicketEvent
from app.services import dispatch, events
from tests.fixtures.live import read_sse, ticket_events
from tests.fixtures.support import assert_no_secrets

pytestmark = pytest.mark.usefixtures("live_config")


def open_stream(client, url, last_event_id=None):
    headers = {"Last-Event-ID": last_event_id} if last_event_id else {}
    return client.get(url, headers=headers, buffered=False)


def cursor_now(db) -> str:
    db.session.commit()
    cursor = events.newest_cursor().token()
    db.session.commit()
    return cursor


@pytest.fixture()
def officer(make_user):
    return make_user(roles=("officer",), display_name="Officer X")


def test_board_stream_sends_sse_with_retry_and_event_ids(db, login_as, make_ticket):
    desk = login_as("dispatcher")
    since = cursor_now(db)
    ticket = make_ticket(priority=1)
    raw: list[str] = []
    response = open_stream(desk, f"/live/board?since={since}")
    assert response.mimetype == "text/event-stream"
    got = read_sse(response, until=lambda e: ticket_events(e), raw=raw)
    assert raw[0].startswith("retry: ")
    event = ticket_events(got)[0]
    first = db.session.scalar(select(TicketEvent.id).where(TicketEvent.ticket_id == ticket.id))
    assert events.Cursor.from_token(event.id).ticket == first
    assert event.data["reference"] == ticket.reference and event.data["priority"] == 1


def test_reconnect_with_last_event_id_replays_every_missed_event_once_in_order(
        db, login_as, make_ticket):
    desk = login_as("dispatcher")
    since = cursor_now(db)
    first = make_ticket(summary="First")
    seen = ticket_events(read_sse(open_stream(desk, f"/live/board?since={since}"),
                                  until=lambda e: ticket_events(e)))
    assert [e.data["reference"] for e in seen] == [first.reference]
    # The stream drops; three things happen meanwhile.
    missed = [make_ticket(summary=f"Missed {n}") for n in range(3)]
    dispatch.acknowledge(missed[0].id, desk.user, None)
    replayed = ticket_events(read_sse(open_stream(desk, "/live/board", seen[-1].id),
                                      until=lambda e: len(ticket_events(e)) >= 4, seconds=2))
    assert [(e.data["reference"], e.data["kind"]) for e in replayed] == [
        (missed[0].reference, "created"), (missed[1].reference, "created"),
        (missed[2].reference, "created"), (missed[0].reference, "status")]
    ids = [events.Cursor.from_token(e.id).ticket for e in replayed]
    assert ids == sorted(ids) and len(set(ids)) == 4
    # Resuming from the last one sends nothing again.
    again = read_sse(open_stream(desk, "/live/board", replayed[-1].id), seconds=0.8)
    assert ticket_events(again) == []


def test_dispatcher_stream_never_carries_a_dv_event(db, login_as, make_ticket,
                                                   make_dv_request):
    desk = login_as("dispatcher")
    since = cursor_now(db)
    make_dv_request()
    make_ticket(confidential=True, summary="Secret case")
    public = make_ticket(summary="Public escort")
    raw: list[str] = []
    got = ticket_events(read_sse(open_stream(desk, f"/live/board?since={since}"),
                                 until=lambda e: any(x.data["reference"] == public.reference
                                                     for x in ticket_events(e)), raw=raw))
    assert [e.data["reference"] for e in got] == [public.reference]
    assert_no_secrets("\n".join(raw))
    assert "Secret case" not in "\n".join(raw)


def test_advocate_stream_carries_the_dv_queue_only(db, login_as, make_ticket, make_dv_request):
    advocate = login_as("advocate")
    since = cursor_now(db)
    make_ticket(summary="Board escort")
    dv, _token = make_dv_request()
    got = ticket_events(read_sse(open_stream(advocate, f"/live/advocate?since={since}"),
                                 until=lambda e: ticket_events(e)))
    assert [e.data["ticket_id"] for e in got] == [dv.id]


def test_officer_stream_never_carries_another_officers_ticket(db, login_as, make_user,
                                                              make_ticket):
    mine_client = login_as("officer")
    other = make_user(roles=("officer",))
    desk = login_as("dispatcher")
    since = cursor_now(db)
    theirs = make_ticket(summary="Theirs", status="acknowledged")
    mine = make_ticket(summary="Mine", status="acknowledged")
    dispatch.assign(theirs.id, desk.user, None, officer=other.id)
    dispatch.assign(mine.id, desk.user, None, officer=mine_client.user.id)
    got = ticket_events(read_sse(
        open_stream(mine_client, f"/live/mine?since={since}"),
        until=lambda e: any(x.data["kind"] == "assignment" for x in ticket_events(e))))
    assert {e.data["ticket_id"] for e in got} == {mine.id}
    assert any(e.data["kind"] == "assignment" for e in got)


def test_requester_stream_carries_only_their_ticket_and_only_what_their_page_shows(
        db, client, login_as, make_ticket):
    desk = login_as("dispatcher")
    mine = make_ticket(summary="My escort", token=True)
    other = make_ticket(summary="Someone else", token=True)
    page = client.get(f"/track/{mine.reference}/{mine.raw_token}").get_data(as_text=True)
    url = events_url(page)
    assert mine.raw_token not in url
    dispatch.add_note(mine.id, desk.user, "internal: caller sounded drunk")
    dispatch.acknowledge(other.id, desk.user, None)
    dispatch.message_requester(mine.id, desk.user, "Which door are you at?")
    raw: list[str] = []
    got = ticket_events(read_sse(open_stream(client, url), raw=raw,
                                 until=lambda e: ticket_events(e)))
    assert [e.data["kind"] for e in got] == ["message_out"]
    assert got[0].data["step"]["body"] == "Which door are you at?"
    text = "\n".join(raw)
    assert "drunk" not in text and other.reference not in text


def test_dv_follow_page_is_live_with_the_advocates_messages_and_nothing_internal(
        db, client, login_as, make_dv_request):
    from app.services import support

    advocate = login_as("advocate")
    mine, token = make_dv_request()
    other, _ = make_dv_request()
    page = client.get(f"/support/follow/{mine.reference}/{token}").get_data(as_text=True)
    url = events_url(page)
    assert token not in url and "/support/" not in url
    support.add_note(mine.id, advocate.user, "internal: safety plan drafted")
    support.message_person(other.id, advocate.user, "For the other person")
    support.message_person(mine.id, advocate.user, "Is Tuesday at 3 safe to call?")
    raw: list[str] = []
    got = ticket_events(read_sse(open_stream(client, url), raw=raw,
                                 until=lambda e: ticket_events(e)))
    assert [e.data["kind"] for e in got] == ["message_out"]
    assert got[0].data["step"] == {
        "at": got[0].data["step"]["at"], "kind": "message_out",
        "text": "Message from the advocate", "body": "Is Tuesday at 3 safe to call?"}
    assert got[0].data["officer"] is None and got[0].data["status_label"] == "Open"
    text = "\n".join(raw)
    assert "safety plan" not in text and "other person" not in text
    assert other.reference not in text
    assert_no_secrets(text)


def events_url(page: str) -> str:
    import re

    found = re.search(r'data-live-stream="([^"]+)" data-live-since="([^"]+)"', page)
    assert found, "the page names its stream"
    return f"{found.group(1)}?since={found.group(2)}"


def test_requester_stream_ticket_that_expired_or_was_forged_gets_nothing(
        db, client, app, make_ticket):
    mine = make_ticket(token=True)
    page = client.get(f"/track/{mine.reference}/{mine.raw_token}").get_data(as_text=True)
    url = events_url(page)
    forged = url.replace("/live/ticket/", "/live/ticket/x")
    got = read_sse(open_stream(client, forged), seconds=0.5)
    assert [e.type for e in got] == ["end"]
    app.config["LIVE_TICKET_SECONDS"], kept = -1, app.config["LIVE_TICKET_SECONDS"]
    try:
        got = read_sse(open_stream(client, url), seconds=0.5)
    finally:
        app.config["LIVE_TICKET_SECONDS"] = kept
    assert [e.type for e in got] == ["end"]


def _session_row(db, user):
    db.session.commit()
    return db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).one()


def test_stream_opened_with_a_revoked_or_idle_session_gets_nothing(db, login_as, make_ticket):
    desk = login_as("dispatcher")
    make_ticket(priority=1)
    db.session.execute(update(LoginSession).where(LoginSession.user_id == desk.user.id)
                       .values(revoked_at=utcnow()))
    db.session.commit()
    response = open_stream(desk, f"/live/board?since={events.Cursor().token()}")
    assert response.status_code in (302, 401, 403)
    assert "data:" not in response.get_data(as_text=True)
    idle = login_as("dispatcher")
    db.session.execute(update(LoginSession).where(LoginSession.user_id == idle.user.id)
                       .values(last_seen_at=utcnow() - timedelta(hours=2)))
    db.session.commit()
    response = open_stream(idle, f"/live/board?since={events.Cursor().token()}")
    assert "data:" not in response.get_data(as_text=True)


@pytest.mark.parametrize("how", ["sign_out", "idle", "role_revoked"])
def test_an_open_stream_ends_when_the_session_ends(db, login_as, make_ticket, how):
    desk = login_as("dispatcher")
    response = open_stream(desk, "/live/board")
    first = next(iter(response.response))  # the stream is open (retry line)
    assert b"retry" in first
    if how == "sign_out":
        db.session.execute(update(LoginSession).where(LoginSession.user_id == desk.user.id)
                           .values(revoked_at=utcnow()))
    elif how == "idle":
        db.session.execute(update(LoginSession).where(LoginSession.user_id == desk.user.id)
                           .values(last_seen_at=utcnow() - timedelta(hours=2)))
    else:
        user = db.session.merge(desk.user)
        user.roles = [r for r in user.roles if r.name != "dispatcher"]
    db.session.commit()
    make_ticket(priority=1, summary="After the end")
    got = read_sse(response, until=lambda e: any(x.type == "end" for x in e))
    assert got[-1].type == "end"
    assert ticket_events(got) == []


def test_holding_a_stream_and_its_heartbeats_never_count_as_activity(db, login_as):
    desk = login_as("dispatcher")
    before = utcnow() - timedelta(minutes=5)
    db.session.execute(update(LoginSession).where(LoginSession.user_id == desk.user.id)
                       .values(last_seen_at=before))
    db.session.commit()
    raw: list[str] = []
    read_sse(open_stream(desk, "/live/board"), seconds=0.7, raw=raw)
    assert any(block.startswith(": heartbeat") for block in raw)
    assert _session_row(db, desk.user).last_seen_at == before


def test_an_officer_whose_ticket_is_reassigned_is_told_once_and_then_nothing_more(
        db, login_as, make_user, make_ticket):
    first = login_as("officer")
    second = make_user(roles=("officer",))
    desk = login_as("dispatcher")
    ticket = make_ticket(status="acknowledged")
    dispatch.assign(ticket.id, desk.user, None, officer=first.user.id)
    since = cursor_now(db)
    dispatch.assign(ticket.id, desk.user, None, officer=second.id)
    dispatch.add_note(ticket.id, desk.user, "now the second officer's")
    got = ticket_events(read_sse(open_stream(first, f"/live/mine?since={since}"), seconds=1))
    assert [(e.data["ticket_id"], e.data["kind"], e.data["officer_id"]) for e in got] == [
        (ticket.id, "assignment", second.id)]
