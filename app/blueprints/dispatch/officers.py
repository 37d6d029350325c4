"""Officers' part of dispatch: their open assignments, on a phone-sized page.

An officer sees and acts on the tickets assigned to them only; any other ticket id is a 404.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from app.blueprints.dispatch import bp
from app.blueprints.dispatch.forms import CloseForm, OfficerStepForm
from app.blueprints.dispatch.runner import run_action
from app.models.tickets import EN_ROUTE, ON_SCENE, RESOLVED, TRANSITIONS, Ticket
from app.services import dispatch, queue, visibility
from app.web.access import roles_required
from app.web.forms import scope_ids

OFFICER_STEPS = (EN_ROUTE, ON_SCENE)


def own_ticket(ticket_id: int) -> Ticket:
    ticket = dispatch.load_ticket(ticket_id, current_user)
    if ticket is None or not visibility.on_officer_page(current_user, ticket):
        abort(404)
    return ticket


def next_steps(ticket: Ticket) -> list[str]:
    return [s for s in OFFICER_STEPS if s in TRANSITIONS[ticket.status]]


def _forms(ticket: Ticket, posted: str | None = None, form=None, card: bool = False) -> dict:
    """The officer's forms for `ticket`; on a page of cards (`card`), their ids carry the
    ticket id so that no two cards share one."""
    from app.blueprints.dispatch.routes import events_seen

    seen = {"version": ticket.version, "seen_events": events_seen(ticket)}
    forms = {
        step: OfficerStepForm(formdata=None, prefix=step, **seen)
        for step in next_steps(ticket)
    }
    forms["resolve"] = CloseForm(formdata=None, prefix="resolve", **seen).set_status(RESOLVED)
    if posted:
        forms[posted] = form
    if card:
        forms = {name: scope_ids(f, ticket.id) for name, f in forms.items()}
    return forms


@bp.route("/mine")
@roles_required("officer")
def my_assignments():
    tickets = queue.officer_assignments(current_user)
    return render_template("dispatch/mine.html", title="My assignments", tickets=tickets,
                           forms={t.id: _forms(t, card=True) for t in tickets}, data_refresh=30)


def render_officer_ticket(ticket: Ticket, posted=None, form=None, error=None, conflict=None,
                          status: int = 200):
    forms = _forms(ticket, posted, form)
    if conflict is not None:
        from app.blueprints.dispatch.routes import keep_current

        keep_current(form, ticket)
    return render_template("dispatch/officer_ticket.html", title=ticket.reference,
                           ticket=ticket, forms=forms, posted=posted, error=error,
                           conflict=conflict, may_act=True), status


@bp.route("/mine/<int:ticket_id>")
@roles_required("officer")
def officer_ticket(ticket_id: int):
    return render_officer_ticket(own_ticket(ticket_id))


def _officer_act(ticket_id: int, posted: str, form, call, success: str):
    def done(_ticket: Ticket):
        flash(success, "success")
        if posted == "resolve":
            return redirect(url_for(".my_assignments"))
        return redirect(url_for(".officer_ticket", ticket_id=ticket_id))

    return run_action(ticket_id, own_ticket, lambda _t: form, call,
                      lambda t, f, **answer: render_officer_ticket(t, posted, f, **answer), done)


@bp.route("/mine/<int:ticket_id>/<step>", methods=["POST"])
@roles_required("officer")
def officer_move(ticket_id: int, step: str):
    """`step` is en_route or on_scene; anything else is not a page."""
    if step not in OFFICER_STEPS:
        abort(404)
    return _officer_act(
        ticket_id, step, OfficerStepForm(prefix=step),
        lambda f, t: dispatch.move(t.id, current_user, f.version.data, step, note=f.note.data,
                                   eta_minutes=f.eta_minutes.data,
                                   seen_events=f.seen_events.data),
        "Marked en route." if step == EN_ROUTE else "Marked on scene.")


@bp.route("/mine/<int:ticket_id>/resolve", methods=["POST"])
@roles_required("officer")
def officer_resolve(ticket_id: int):
    return _officer_act(
        ticket_id, "resolve", CloseForm(prefix="resolve").set_status(RESOLVED),
        lambda f, t: dispatch.close(t.id, current_user, f.version.data, RESOLVED,
                                    f.outcome.data, f.detail.data,
                                    seen_events=f.seen_events.data),
        "Resolved. Thank you.")
