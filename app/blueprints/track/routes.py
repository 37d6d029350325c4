"""Following a request: through its private link, or as a member under "My requests".

A reference alone opens nothing: the link's token is checked against its stored hash, and an
unknown reference and a wrong token get the same answer. Confidential (DV) tickets are
never shown here; their link is handed to the support blueprint's own page.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.blueprints.stream.live import live_attributes
from app.blueprints.track import bp
from app.blueprints.track.forms import CancelForm, FindForm, MessageForm
from app.core.i18n import lazy_gettext as _l
from app.core.tokens import normalise_reference
from app.extensions import db
from app.models.tickets import Ticket
from app.services import followup, visibility
from app.services.support import opted_in_ids as support_opted_in
from app.services.tickets import ticket_for_token
from app.web.access import member, public
from app.web.headers import no_store
from app.web.language import as_recorded
from app.web.rate_limits import REPLIES, form_limit

NOT_FOUND = (_l("We could not find a request with that reference and access code. Check both, "
             "or call dispatch."))


@dataclass(frozen=True)
class Followed:
    """A ticket the visitor may see, and the URLs of its page (link or member view)."""

    ticket: Ticket
    page: str
    message: str
    cancel: str


def _by_token(reference: str, token: str) -> Followed:
    no_store()
    ticket = ticket_for_token(reference, token)
    if ticket is None:
        abort(make_response(render_template("track/not_found.html", title=_("Request not found"),
                                            message=NOT_FOUND), 404))
    if not visibility.link_may_show(ticket):
        _confidential_elsewhere(reference, token)
    args = {"reference": ticket.reference, "token": token}
    return Followed(ticket, url_for("track.follow", **args),
                    url_for("track.follow_message", **args), url_for("track.follow_cancel", **args))


def _confidential_elsewhere(reference: str, token: str | None):
    """DV content never renders here: send the link to the support page, or nowhere."""
    if token and "support.follow" in current_app.view_functions:
        abort(redirect(url_for("support.follow", reference=reference, token=token), 303))
    abort(404)


def _mine(reference: str) -> Followed:
    no_store()
    ticket = db.session.scalar(select(Ticket).where(
        Ticket.reference == normalise_reference(reference),
        Ticket.requester_id == current_user.id))
    if ticket is None or not visibility.requester_may_follow(current_user, ticket):
        abort(404)
    args = {"reference": ticket.reference}
    return Followed(ticket, url_for("track.mine_detail", **args),
                    url_for("track.mine_message", **args), url_for("track.mine_cancel", **args))


def _page(followed: Followed, form: MessageForm | None = None, status: int = 200):
    """The follow-up page, in the language the request was made in unless the person chose
    another with the language link."""
    ticket = followed.ticket
    with as_recorded(ticket.language):
        return _render_page(followed, ticket, form), status


def _render_page(followed: Followed, ticket: Ticket, form: MessageForm | None) -> str:
    return render_template(
        "track/follow.html", ticket=ticket, urls=followed, form=form or MessageForm(),
        steps=followup.timeline(ticket), expected=followup.expected(ticket),
        question=followup.open_question(ticket),
        title=(_("Your report %(reference)s", reference=ticket.reference)
               if ticket.REQUESTER_NOUN == "report"
               else _("Your request %(reference)s", reference=ticket.reference)),
        live=live_attributes(ticket))


def _message(followed: Followed):
    form = MessageForm()
    if not form.validate_on_submit():
        return _page(followed, form, 400)
    try:
        followup.requester_message(followed.ticket, form.body.data, current_user)
    except followup.FollowupError as error:
        form.body.errors.append(str(error))
        return _page(followed, form, 400)
    flash(_("Your message has been sent to dispatch."), "success")
    return redirect(followed.page, 303)


def _cancel(followed: Followed):
    form = CancelForm()
    if not followed.ticket.is_open:
        flash(_("This request is already closed."), "warning")
        return redirect(followed.page, 303)
    if form.validate_on_submit():
        try:
            followup.requester_cancel(followed.ticket, current_user)
        except followup.FollowupError as error:
            flash(str(error), "error")
        else:
            flash(_("Your report is withdrawn. Dispatch has been told.") if _is_report(followed)
                  else _("Your request is cancelled. Dispatch has been told."), "success")
        return redirect(followed.page, 303)
    return render_template("track/cancel.html", ticket=followed.ticket, urls=followed,
                           form=form, title=_("Withdraw your report") if _is_report(followed)
                           else _("Cancel your request"))


def _is_report(followed: Followed) -> bool:
    return followed.ticket.REQUESTER_NOUN == "report"


@bp.route("/", methods=["GET", "POST"])
@public
def entry():
    no_store()
    form = FindForm()
    if form.validate_on_submit():
        found = form.reference_and_token()
        ticket = ticket_for_token(*found) if found else None
        if ticket is not None:
            return redirect(url_for("track.follow", reference=ticket.reference, token=found[1]),
                            303)
        if found:
            form.link.errors.append(NOT_FOUND)
    status = 400 if form.is_submitted() else 200
    return render_template("track/entry.html", form=form, title=_("Track a request")), status


@bp.route("/<reference>/<token>")
@public
def follow(reference: str, token: str):
    return _page(_by_token(reference, token))


def _cancel_page(followed: Followed):
    return render_template("track/cancel.html", ticket=followed.ticket, urls=followed,
                           form=CancelForm(), title=_("Cancel your request"))


@bp.route("/<reference>/<token>/message", methods=["POST"])
@public
@form_limit(REPLIES, lambda reference, token: _page(_by_token(reference, token)))
def follow_message(reference: str, token: str):
    return _message(_by_token(reference, token))


@bp.route("/<reference>/<token>/cancel", methods=["GET", "POST"])
@public
@form_limit(REPLIES, lambda reference, token: _cancel_page(_by_token(reference, token)))
def follow_cancel(reference: str, token: str):
    return _cancel(_by_token(reference, token))


@bp.route("/mine")
@member
def mine():
    tickets = db.session.scalars(
        select(Ticket).where(Ticket.requester_id == current_user.id,
                             visibility.not_confidential() | Ticket.id.in_(support_opted_in()))
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
    ).all()
    return render_template("track/mine.html", tickets=tickets, title=_("My requests"))


@bp.route("/mine/<reference>")
@member
def mine_detail(reference: str):
    return _page(_mine(reference))


@bp.route("/mine/<reference>/message", methods=["POST"])
@member
@form_limit(REPLIES, lambda reference: _page(_mine(reference)))
def mine_message(reference: str):
    return _message(_mine(reference))


@bp.route("/mine/<reference>/cancel", methods=["GET", "POST"])
@member
@form_limit(REPLIES, lambda reference: _cancel_page(_mine(reference)))
def mine_cancel(reference: str):
    return _cancel(_mine(reference))
