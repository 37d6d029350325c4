"""What a page needs to open its live stream: the URL and the cursor it was rendered at."""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from app.models.tickets import Ticket
from app.services import events


@dataclass(frozen=True)
class LiveAttributes:
    url: str
    since: str
    staff: bool = False


def live_attributes(ticket: Ticket | None = None, endpoint: str | None = None,
                    since: events.Cursor | None = None) -> LiveAttributes:
    """For a requester's `ticket` (a signed stream ticket, never the private token), or
    for a staff stream `endpoint` ("stream.board", "stream.officer", "stream.advocate").
    `since`: the cursor the page's content was read at, when the caller knows it."""
    from app.blueprints.stream.routes import stream_ticket_url

    since = (since or events.newest_cursor()).token(fresh=True)
    url = stream_ticket_url(ticket.id) if ticket is not None else url_for(endpoint)
    return LiveAttributes(url, since, staff=ticket is None)
