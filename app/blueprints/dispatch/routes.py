"""The dispatch console: the live queue, one ticket and its actions.

Each POST route validates its form and calls exactly one app.services.dispatch function.
A refused action re-renders the ticket page with the message and nothing changed; a
conflict (someone else changed the ticket) shows what changed, keeping what was typed.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.blueprints.dispatch import board, bp
from app.blueprints.dispatch.forms import (
    AcknowledgeForm,
    AssignForm,
    BulkCloseForm,
    CloseForm,
    MessageForm,
    MoveForm,
    NoteForm,
    PriorityForm,
    QueueFilterForm,
    move_choices,
)
from app.blueprints.dispatch.runner import run_action
from app.models.tickets import (
    ASSIGNED,
    CANCELLED,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    RESOLVED,
    STATUS_LABELS,
    TRANSITIONS,
    Ticket,
)
from app.services import dispatch, queue, visibility
from app.services.dispatch import OUTCOME_LABELS, DispatchError, TicketConflict
from app.services.officer_status import available_first
from app.web.access import roles_required

CONSOLE = ("dispatcher",)
# Who reads the board and the ticket pages: supervisors read only (every POST is CONSOLE).
READERS = ("dispatcher", "supervisor")

FORM_CLASSES = {
    "ack": AcknowledgeForm, "priority": PriorityForm, "assign": AssignForm, "move": MoveForm,
    "note": NoteForm, "message": MessageForm, "resolve": CloseForm, "cancel": CloseForm,
}


@bp.context_processor
def dispatch_context() -> dict:
    return {"status_labels": STATUS_LABELS, "transitions": TRANSITIONS}


# --- the queue --------------------------------------------------------------------------

def _filters_from(form: QueueFilterForm) -> queue.QueueFilters:
    """Only the fields that validated; a forged value is reported and ignored."""
    def ok(field):
        return None if field.errors else field.data

    return queue.QueueFilters(
        kind=ok(form.kind) or None, status=ok(form.status) or None,
        priority=ok(form.priority), location_id=ok(form.location_id), unit_id=ok(form.unit_id),
        officer_id=ok(form.officer_id), q=ok(form.q), overdue=bool(ok(form.overdue)),
    )


@bp.route("/", endpoint="queue")
@roles_required(*READERS)
def queue_view():
    form = QueueFilterForm(request.args).fill(
        queue.queue_kinds(), OPEN_STATUSES, queue.cached_choices("locations"),
        queue.cached_choices("officers"), queue.cached_choices("units"))
    if any(field.name in request.args for field in form):
        form.validate()  # without filters the form holds its defaults: nothing to check
    roles = [role.name for role in current_user.roles]
    return render_template(
        "dispatch/queue.html", title="Dispatch queue", form=form,
        board=board.board(_filters_from(form), roles),
        filters=board.filter_form(form, bool(request.args)),
        bulk_fields=board.bulk_close_fields(),
        may_act="dispatcher" in roles,
        refresh_seconds=current_app.config["DISPATCH_REFRESH_SECONDS"],
    )


@bp.route("/bulk-close", methods=["POST"])
@roles_required(*CONSOLE)
def bulk_close():
    """Close the ticked rows as duplicates or junk (a flood), all or none."""
    form = BulkCloseForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for(".queue"))
    try:
        closed = dispatch.bulk_close(form.ticket_ids.data, current_user, form.outcome.data,
                                     form.reason.data)
    except DispatchError as refused:
        flash(str(refused), "error")
    else:
        label = "duplicates" if form.outcome.data == "duplicate" else "junk"
        flash(f"{len(closed)} {'ticket' if len(closed) == 1 else 'tickets'} closed as "
              f"{label}.", "success")
    return redirect(url_for(".queue"))


# --- one ticket -------------------------------------------------------------------------

def console_ticket(ticket_id: int) -> Ticket:
    """The ticket, or 404 (unknown, or confidential: never on this board)."""
    ticket = dispatch.load_ticket(ticket_id, current_user)
    if ticket is None or not visibility.on_dispatch_board(current_user, ticket):
        abort(404)
    return ticket


def events_seen(ticket: Ticket) -> int:
    """How many of the ticket's events the page shows: what an action's form carries to
    tell what changed since (a count, not an event id: ids would show the gaps where
    events the page may not show, DV ones, were written)."""
    return len(ticket.events)


def _fresh(name: str, ticket: Ticket):
    """An unbound form for `name`, carrying the version the page shows."""
    current = {"priority": ticket.priority} if name == "priority" else {}
    return FORM_CLASSES[name](formdata=None, prefix=name, version=ticket.version,
                              seen_events=events_seen(ticket), **current)


def _bound(name: str):
    return FORM_CLASSES[name](prefix=name)


def _setup(name: str, form, ticket: Ticket):
    """Give a form the choices that depend on the ticket and the staff list."""
    if name == "assign":
        form.officer_id.choices = [(None, "Choose an officer…"),
                                   *available_first(queue.active_officers())]
    elif name == "move":
        allowed = TRANSITIONS[ticket.status] - set(CLOSED_STATUSES) - {ASSIGNED}
        form.status.choices = move_choices(sorted(allowed, key=list(OPEN_STATUSES).index))
    elif name in ("resolve", "cancel"):
        form.set_status(RESOLVED if name == "resolve" else CANCELLED)
    return form


def keep_current(form, ticket: Ticket) -> None:
    """After a conflict: keep what was typed, but carry the version now shown."""
    for field, value in ((form.version, ticket.version),
                         (form.seen_events, events_seen(ticket))):
        field.data, field.raw_data = value, [str(value)]


def render_ticket(ticket: Ticket, posted: str | None = None, form=None, error=None,
                  conflict: TicketConflict | None = None, status: int = 200):
    may_act = visibility.on_dispatch_board(current_user, ticket)
    forms = {name: _fresh(name, ticket) for name in FORM_CLASSES} if may_act else {}
    if posted:
        forms[posted] = form
    forms = {name: _setup(name, f, ticket) for name, f in forms.items()}
    if conflict is not None:
        keep_current(form, ticket)
    return render_template(
        "dispatch/ticket.html", title=f"{ticket.reference}: {ticket.KIND_LABEL}",
        ticket=ticket, forms=forms, posted=posted, error=error, conflict=conflict,
        clock=queue.ack_clock(ticket), outcome_labels=OUTCOME_LABELS,
        can_move=ticket.is_open, may_act=may_act,
    ), status


@bp.route("/tickets/<int:ticket_id>")
@roles_required(*READERS)
def ticket(ticket_id: int):
    found = queue.ticket_to_read(ticket_id, current_user)
    if found is None:
        abort(404)
    if found.unread_by_staff and visibility.on_dispatch_board(current_user, found):
        dispatch.mark_read(found.id, current_user)
        found = console_ticket(ticket_id)
    return render_ticket(found)


def act(ticket_id: int, name: str, call, success: str):
    """Validate the posted form `name`, run `call(form, ticket)`, and answer."""
    def done(found: Ticket):
        flash(success.format(ticket=found), "success")
        return redirect(url_for(".ticket", ticket_id=ticket_id))

    return run_action(ticket_id, console_ticket, lambda t: _setup(name, _bound(name), t), call,
                      lambda t, form, **answer: render_ticket(t, name, form, **answer), done)


def _seen(form):
    return {"version": form.version.data, "seen_events": form.seen_events.data}


@bp.route("/tickets/<int:ticket_id>/acknowledge", methods=["POST"])
@roles_required(*CONSOLE)
def acknowledge(ticket_id: int):
    return act(ticket_id, "ack",
               lambda f, t: dispatch.acknowledge(t.id, current_user, **_seen(f)),
               "Acknowledged.")


@bp.route("/tickets/<int:ticket_id>/priority", methods=["POST"])
@roles_required(*CONSOLE)
def change_priority(ticket_id: int):
    return act(ticket_id, "priority",
               lambda f, t: dispatch.change_priority(
                   t.id, current_user, priority=f.priority.data, reason=f.reason.data,
                   **_seen(f)),
               "Priority changed to P{ticket.priority}.")


@bp.route("/tickets/<int:ticket_id>/assign", methods=["POST"])
@roles_required(*CONSOLE)
def assign(ticket_id: int):
    return act(ticket_id, "assign",
               lambda f, t: dispatch.assign(t.id, current_user, officer=f.officer_id.data,
                                            **_seen(f)),
               "Assigned to {ticket.assigned_officer.public_name}.")


@bp.route("/tickets/<int:ticket_id>/move", methods=["POST"])
@roles_required(*CONSOLE)
def move(ticket_id: int):
    return act(ticket_id, "move",
               lambda f, t: dispatch.move(t.id, current_user, status=f.status.data,
                                          note=f.note.data, eta_minutes=f.eta_minutes.data,
                                          **_seen(f)),
               "Moved to {ticket.status_label}.")


@bp.route("/tickets/<int:ticket_id>/note", methods=["POST"])
@roles_required(*CONSOLE)
def add_note(ticket_id: int):
    return act(ticket_id, "note",
               lambda f, t: dispatch.add_note(t.id, current_user, f.body.data,
                                              f.for_shift_report.data),
               "Internal note added.")


@bp.route("/tickets/<int:ticket_id>/message", methods=["POST"])
@roles_required(*CONSOLE)
def message(ticket_id: int):
    return act(ticket_id, "message",
               lambda f, t: dispatch.message_requester(t.id, current_user, f.body.data),
               "Message sent to the requester.")


def _close(ticket_id: int, status: str):
    name = "resolve" if status == RESOLVED else "cancel"
    return act(ticket_id, name,
               lambda f, t: dispatch.close(t.id, current_user, status=status,
                                           outcome=f.outcome.data, detail=f.detail.data,
                                           **_seen(f)),
               "Resolved." if status == RESOLVED else "Cancelled.")


@bp.route("/tickets/<int:ticket_id>/resolve", methods=["POST"])
@roles_required(*CONSOLE)
def resolve(ticket_id: int):
    return _close(ticket_id, RESOLVED)


@bp.route("/tickets/<int:ticket_id>/cancel", methods=["POST"])
@roles_required(*CONSOLE)
def cancel(ticket_id: int):
    return _close(ticket_id, CANCELLED)


from app.blueprints.dispatch import history, officer_status, officers  # noqa: E402,F401
