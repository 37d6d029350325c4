"""The stream routes: who may open which channel, and where a stream resumes.

A stream resumes after the browser's Last-Event-ID header (a reconnect), else after the
`since` cursor the page was rendered with, else from now. Staff streams end when the
session does (sign-out, idle timeout, role revoked: checked every
LIVE_SESSION_CHECK_SECONDS); opening or holding one is never activity.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import current_user

from app.blueprints.stream import bp
from app.blueprints.stream.sse import ended, message, stream
from app.core import tokens
from app.extensions import db
from app.models.tickets import Ticket
from app.services import events
from app.web import sessions
from app.web.access import public, roles_required

STREAM_TICKET = "live-stream"


def resume_cursor() -> events.Cursor:
    return (events.Cursor.from_token(request.headers.get("Last-Event-ID"))
            or events.Cursor.from_token(request.args.get("since"))
            or events.newest_cursor())


def _staff_stream(channel: str):
    raw, user_id = current_user.session_token, current_user.id
    allowed_roles = events.CHANNEL_ROLES[channel]

    def still_allowed() -> bool:
        user = sessions.still_valid(raw)
        return user is not None and user.id == user_id and user.has_any_role(allowed_roles)

    listener = events.Listener(channel, user_id=user_id)
    return stream(listener, resume_cursor(), still_allowed)


@bp.route("/board")
@roles_required(*events.CHANNEL_ROLES[events.BOARD])
def board():
    return _staff_stream(events.BOARD)


@bp.route("/mine")
@roles_required(*events.CHANNEL_ROLES[events.OFFICER])
def officer():
    return _staff_stream(events.OFFICER)


@bp.route("/advocate")
@roles_required(*events.CHANNEL_ROLES[events.ADVOCATE])
def advocate():
    return _staff_stream(events.ADVOCATE)


# --- a requester's ticket -----------------------------------------------------------------

def stream_ticket_url(ticket_id: int) -> str:
    """The stream URL for a follow-up page already authorised (private token or member):
    a short-lived signed ticket, so the private token never appears in it."""
    return url_for("stream.requester", ticket=tokens.sign(STREAM_TICKET, ticket_id))


@bp.route("/ticket/<ticket>")
@public
def requester(ticket: str):
    try:
        ticket_id = tokens.unsign(STREAM_TICKET, ticket, current_app.config["LIVE_TICKET_SECONDS"])
    except tokens.InvalidToken:
        return ended("ticket")
    found = db.session.get(Ticket, ticket_id) if isinstance(ticket_id, int) else None
    if found is None:
        return ended("ticket")
    found_id, renew_every = found.id, current_app.config["LIVE_TICKET_SECONDS"] / 2
    state = {"renewed": 0.0}

    def renew() -> str | None:
        import time

        now = time.monotonic()
        if now - state["renewed"] < renew_every:
            return None
        state["renewed"] = now
        return message("renew", {"url": stream_ticket_url(found_id)})

    listener = events.Listener(events.REQUESTER, ticket_id=found_id)
    return stream(listener, resume_cursor(), lambda: True, renew)


sessions.PASSIVE_ENDPOINTS.update({"stream.board", "stream.officer", "stream.advocate",
                                   "stream.requester"})
