"""Unit requests for a clinical unit's employees: choose the unit once, book a standby, a
consult, an elopement-risk watch or a valuables pickup, and see the unit's open requests."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.track.links import just_made, to_confirmation
from app.blueprints.units import bp
from app.blueprints.units.forms import FORMS, ChooseUnitForm
from app.models.units import UNIT_KINDS
from app.services import units
from app.web.access import member
from app.web.rate_limits import TICKETS, form_limit


def _employee_only():
    """The page for a member who is not an employee (None for an employee)."""
    if units.may_ask(current_user):
        return None
    return render_template("units/employees_only.html", title=_("Unit requests")), 403


@bp.route("/")
@member
def index():
    refused = _employee_only()
    if refused:
        return refused
    if current_user.unit is None:
        return redirect(url_for(".choose_unit"))
    return render_template("units/index.html", title=_("Unit requests"), kinds=UNIT_KINDS,
                           unit=current_user.unit)


@bp.route("/unit", methods=["GET", "POST"])
@member
def choose_unit():
    refused = _employee_only()
    if refused:
        return refused
    form = ChooseUnitForm(unit_id=current_user.unit_id).load(units.units())
    if form.validate_on_submit():
        try:
            unit = units.choose_unit(current_user, form.unit_id.data)
        except units.UnitRequestError as error:
            form.unit_id.errors.append(str(error))
        else:
            flash(_("Your unit is %(unit)s.", unit=unit.path), "success")
            return redirect(url_for(".index"))
    status = 400 if form.errors else 200
    return render_template("units/choose_unit.html", form=form, title=_("Your unit")), status


def _form_page(slug: str, form=None, status: int = 200):
    cls = UNIT_KINDS[slug]
    unit = current_user.unit
    form = form or FORMS[slug]()
    form.load_rooms(unit, units.rooms_of(unit))
    return render_template("units/form.html", form=form, slug=slug, kind=cls, unit=unit,
                           title=_(cls.KIND_LABEL)), status


def _refilled(slug: str):
    if slug not in FORMS or not units.may_ask(current_user) or current_user.unit is None:
        abort(404)
    return _form_page(slug)[0]


@bp.route("/<slug>", methods=["GET", "POST"])
@member
@form_limit(TICKETS, _refilled)
def request_form(slug: str):
    if slug not in FORMS:
        abort(404)
    refused = _employee_only()
    if refused:
        return refused
    if current_user.unit is None:
        flash(_("Choose your unit first: it is remembered for your next requests."), "info")
        return redirect(url_for(".choose_unit"))
    form = FORMS[slug]()
    form.load_rooms(current_user.unit, units.rooms_of(current_user.unit))
    if not form.validate_on_submit():
        return _form_page(slug, form, 400 if form.is_submitted() else 200)
    try:
        opened = units.request_for_unit(slug, form.booking(), current_user,
                                        form.submission_key.data)
    except units.UnitRequestError as error:
        target = form._fields.get(error.field or "") or form.room_other
        target.errors = [*target.errors, str(error)]
        return _form_page(slug, form, 400)
    return to_confirmation(opened, "units.confirmation")


@bp.route("/confirmation/<reference>")
@member
def confirmation(reference: str):
    ticket, link = just_made(reference)
    return render_template("units/confirmation.html", ticket=ticket, link=link,
                           title=_("Request received"))


@bp.route("/mine")
@member
def my_unit():
    """The unit's open requests, whoever made them: the next shift sees what is booked."""
    refused = _employee_only()
    if refused:
        return refused
    if current_user.unit is None:
        return redirect(url_for(".choose_unit"))
    return render_template("units/mine.html", unit=current_user.unit,
                           requests=units.open_for_unit(current_user), title=_("My unit"))
