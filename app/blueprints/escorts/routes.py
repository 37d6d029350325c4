"""Requesting a security escort, and members' recurring escorts."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.escorts import bp
from app.blueprints.escorts.forms import EscortForm, RecurringForm, SkipForm
from app.blueprints.track.links import just_made, to_confirmation
from app.core.timezones import local_today
from app.services import escorts
from app.web.access import member, public
from app.web.rate_limits import TICKETS, form_limit


def _render_form(form: EscortForm, status: int = 200):
    return render_template("escorts/new.html", form=form, title=_("Request an escort")), status


def _refilled():
    form = EscortForm()
    form.load_places()
    return _render_form(form)


@bp.route("/", methods=["GET", "POST"])
@public
@form_limit(TICKETS, _refilled)
def new():
    form = EscortForm()
    form.load_places()
    if current_user.is_authenticated and not form.is_submitted():
        form.name.data = current_user.name
        form.email.data = current_user.email
        form.phone.data = current_user.phone
    if not form.is_submitted():
        return _render_form(form)
    checked = form.checked()
    if checked is None:
        return _render_form(form, 400)
    places, requested_for = checked
    try:
        opened = escorts.request_escort(escorts.EscortDetails(
            origin=places[0], destination=places[1], requested_for=requested_for,
            party_size=form.party_size.data, needs=form.needs.data, phone=form.phone.data,
            name=form.name.data, email=form.email.data),
            actor=current_user, submission_key=form.submission_key.data or None)
    except escorts.EscortError as error:
        form.from_place.errors.append(str(error))
        return _render_form(form, 400)
    return to_confirmation(opened, "escorts.confirmation")


@bp.route("/confirmation/<reference>")
@public
def confirmation(reference: str):
    """The reference and private link, shown to the browser that made the request."""
    ticket, link = just_made(reference)
    return render_template("escorts/confirmation.html", ticket=ticket, link=link,
                           title=_("Escort requested") if ticket else _("Request received"))


@bp.route("/recurring")
@member
def recurring():
    items = escorts.list_recurring(current_user)
    today = local_today()
    upcoming = {item.id: escorts.upcoming(item, today) for item in items if item.active}
    return render_template("escorts/recurring.html", items=items, upcoming=upcoming,
                           title=_("Recurring escorts"))


def _recurring_page(form: RecurringForm | None = None):
    if form is None:
        form = RecurringForm()
        form.load_places()
    return render_template("escorts/recurring_new.html", form=form,
                           title=_("Set up a recurring escort"))


@bp.route("/recurring/new", methods=["GET", "POST"])
@member
@form_limit(TICKETS, _recurring_page)
def recurring_new():
    form = RecurringForm()
    form.load_places()
    if not form.is_submitted():
        form.phone.data = current_user.phone
        form.start_date.data = local_today()
    if form.validate_on_submit() and (places := form.places()) is not None:
        try:
            escorts.create_recurring(current_user, escorts.RecurringDetails(
                origin=places[0], destination=places[1],
                time_of_day=form.time.data, weekdays=set(form.weekdays.data),
                start_date=form.start_date.data, end_date=form.end_date.data,
                party_size=form.party_size.data, needs=form.needs.data, phone=form.phone.data))
        except escorts.EscortError as error:
            form.from_place.errors.append(str(error))
        else:
            flash(_("Your recurring escort is saved. Each one reaches dispatch shortly before "
                  "its time."), "success")
            return redirect(url_for("escorts.recurring"), 303)
    return _recurring_page(form), 400 if form.is_submitted() else 200


@bp.route("/recurring/<int:recurring_id>/skip", methods=["POST"])
@member
def recurring_skip(recurring_id: int):
    if escorts.recurring_of(current_user, recurring_id) is None:
        abort(404)
    form = SkipForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the upcoming dates to skip."), "error")
        return redirect(url_for("escorts.recurring"), 303)
    try:
        escorts.skip_occurrence(current_user, recurring_id, form.day.data)
    except escorts.EscortError as error:
        flash(str(error), "error")
    else:
        flash(_("Skipped %(day)s. The other days are unchanged.",
                day=format_date(form.day.data, "EEEE d MMMM")), "success")
    return redirect(url_for("escorts.recurring"), 303)


@bp.route("/recurring/<int:recurring_id>/cancel", methods=["POST"])
@member
def recurring_cancel(recurring_id: int):
    if escorts.recurring_of(current_user, recurring_id) is None:
        abort(404)
    try:
        escorts.cancel_recurring(current_user, recurring_id)
    except escorts.EscortError as error:
        flash(str(error), "error")
    else:
        flash(_("Your recurring escort is cancelled. No more escorts will be scheduled from it."),
              "success")
    return redirect(url_for("escorts.recurring"), 303)
