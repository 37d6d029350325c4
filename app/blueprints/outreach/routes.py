"""Outreach requests: ask for a presentation, a security survey, event coverage or help
with a patient's valuables. Each opens a P3 service ticket that dispatch works."""
from __future__ import annotations

from flask import abort, render_template
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.outreach import bp
from app.blueprints.outreach.forms import FORMS, request_values
from app.blueprints.track.links import just_made, to_confirmation
from app.models.outreach import SERVICE_TYPES
from app.services import outreach
from app.web.access import public
from app.web.rate_limits import TICKETS, form_limit

# Patient valuables became a unit request (a valuables pickup): the old address says so,
# with the unit form for staff and the number to call for patients and visitors.
MOVED_TO_UNITS = "valuables"


@bp.route("/")
@public
def request_form():
    return render_template("outreach/index.html", title=_("Outreach requests"),
                           types=outreach.OPEN_TYPES)


def _prefill(form) -> None:
    if current_user.is_authenticated and not form.is_submitted():
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
        form.contact_phone.data = current_user.phone


def _refilled(service_type: str):
    if service_type not in FORMS:
        abort(404)
    return render_template("outreach/form.html", form=FORMS[service_type](),
                           service_type=service_type, title=_(SERVICE_TYPES[service_type]))


@bp.route("/<service_type>", methods=["GET", "POST"])
@public
@form_limit(TICKETS, _refilled)
def request_type(service_type: str):
    if service_type == MOVED_TO_UNITS:
        return render_template("units/valuables_moved.html",
                               title=_("Valuables pickups have moved"))
    if service_type not in FORMS:
        abort(404)
    form = FORMS[service_type]()
    _prefill(form)
    page = {"form": form, "service_type": service_type, "title": _(SERVICE_TYPES[service_type])}
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("outreach/form.html", **page), status
    fields, contact = request_values(form)
    try:
        opened = outreach.request_service(service_type, fields, contact, current_user,
                                          form.submission_key.data)
    except outreach.OutreachError as error:
        return render_template("outreach/form.html", error=str(error), **page), 400
    return to_confirmation(opened, "outreach.confirmation")


@bp.route("/confirmation/<reference>")
@public
def confirmation(reference: str):
    """The reference and private link, shown to the browser that made the request."""
    ticket, link = just_made(reference)
    return render_template("outreach/confirmation.html", ticket=ticket, link=link,
                           title=_("Request received"))
