"""One way to run a ticket action from a page: the dispatcher's console and the officer's
pages both go through `run_action`.

Load the ticket (the page's own loader: a 404 for a ticket that page may not show),
validate the posted form, call exactly one service function, and answer: the page again
with 400 for a form error or a refusal (DispatchError), with 409 and what changed for a
conflict (TicketConflict), or the page's own answer after success.
"""
from __future__ import annotations

from collections.abc import Callable

from app.models.tickets import Ticket
from app.services.dispatch import DispatchError, TicketConflict


def run_action(ticket_id: int, load: Callable[[int], Ticket], form_for: Callable[[Ticket], object],
               call: Callable[[object, Ticket], object], render: Callable[..., object],
               done: Callable[[Ticket], object]):
    """`render(ticket, form, error=None, conflict=None, status=...)` draws the page."""
    ticket = load(ticket_id)
    form = form_for(ticket)
    if not form.validate_on_submit():
        return render(ticket, form, status=400)
    try:
        call(form, ticket)
    except TicketConflict as conflict:
        return render(load(ticket_id), form, conflict=conflict, status=409)
    except DispatchError as refused:
        return render(load(ticket_id), form, error=str(refused), status=400)
    return done(ticket)
