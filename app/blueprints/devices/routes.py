"""The ALERT registry: the program page, members' devices, staff lookup and the report."""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.blueprints.devices import bp
from app.blueprints.devices.forms import (
    ConfirmForm,
    DeviceForm,
    LockdownForm,
    LockRecordForm,
    LookupForm,
    RecoveredForm,
    StolenForm,
    lock_form_for,
)
from app.core import uploads
from app.core.csv_export import csv_response
from app.core.timezones import to_utc
from app.extensions import db
from app.models.devices import Device
from app.services import alert_report, device_lockdown, device_theft, devices, dispatch, visibility
from app.web.access import member, public, roles_required
from app.web.forms import location_choices
from app.web.headers import no_store
from app.web.hostile import MAX_ID, int_arg
from app.web.rate_limits import TICKETS, UPLOADS, form_limit
from app.web.uploads import serve_photo

STAFF = tuple(sorted(visibility.DEVICE_STAFF))
# The lock form the dispatch ticket page shows for each device of a lockdown request.
bp.add_app_template_global(lock_form_for, "lock_record_form")


def _user():
    return current_user._get_current_object()


@bp.route("/")
@public
def alert():
    return render_template(
        "devices/alert.html",
        figures=alert_report.public_figures(),
        title=_("ALERT: Awareness Lets Everyone Reduce Theft"),
    )


@bp.route("/mine")
@member
def mine():
    return render_template(
        "devices/mine.html", devices=devices.devices_of(_user()), title=_("My devices")
    )


def _details(form: DeviceForm) -> devices.DeviceDetails:
    return devices.DeviceDetails(
        device_type=form.device_type.data,
        make=form.make.data,
        model=form.model.data,
        serial=form.serial.data,
        asset_tag=form.asset_tag.data or None,
        department=form.department.data,
        location_id=form.location_id.data,
        room=form.room.data,
    )


def _photo(form: DeviceForm):
    upload = form.photo.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    return uploads.prepare(uploads.read_limited(upload.stream, limit), "The photo")


def _register_page():
    form = DeviceForm()
    form.location_id.choices = location_choices(with_other=False)
    return render_template("devices/form.html", form=form, device=None,
                           title=_("Register a device"))


@bp.route("/register", methods=["GET", "POST"])
@member
@form_limit(UPLOADS, _register_page)
def register_device():
    form = DeviceForm()
    form.location_id.choices = location_choices(with_other=False)
    if form.validate_on_submit():
        try:
            device = devices.register_device(_user(), _details(form), _photo(form))
        except (devices.DeviceError, uploads.UploadError) as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Registered: %(device)s, number %(number)s.",
                    device=f"{device.make} {device.model}", number=device.registration_number),
                  "success")
            return redirect(url_for("devices.mine"))
    return render_template(
        "devices/form.html", form=form, device=None, title=_("Register a device")
    ), 200


@bp.route("/<int:device_id>/edit", methods=["GET", "POST"])
@member
def edit_device(device_id: int):
    device = _own_or_404(device_id, "edit")
    form = DeviceForm(obj=device)
    form.location_id.choices = location_choices(with_other=False)
    if form.validate_on_submit():
        try:
            devices.update_device(_user(), device_id, _details(form))
        except devices.DeviceError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("devices.mine"))
    return render_template("devices/form.html", form=form, device=device, title=_("Edit a device"))


def _own_or_404(device_id: int, action: str) -> Device:
    try:
        return devices.owned_device(_user(), device_id, action)
    except devices.DeviceError:
        abort(404)


@bp.route("/<int:device_id>/retire", methods=["GET", "POST"])
@member
def retire_device(device_id: int):
    device = _own_or_404(device_id, "retire")
    form = ConfirmForm()
    if form.validate_on_submit():
        devices.retire_device(_user(), device_id)
        flash(_("%(device)s is retired from the registry.",
                device=f"{device.make} {device.model}"), "success")
        return redirect(url_for("devices.mine"))
    return render_template("devices/retire.html", form=form, device=device,
                           title=_("Retire a device"))


@bp.route("/<int:device_id>/card")
@member
def card(device_id: int):
    return render_template(
        "devices/card.html", device=_own_or_404(device_id, "card"),
        title=_("ALERT registration card"),
    )


def _lockdown_form():
    form = LockdownForm()
    lockable = devices.lockable_devices(_user())
    form.devices.choices = [
        SelectChoice(d.id, _("%(device)s (serial %(serial)s)", device=f"{d.make} {d.model}",
                                serial=d.serial)) for d in lockable
    ]
    form.location_id.choices = location_choices(with_other=False)
    return form, lockable


def _lockdown_page():
    form, lockable = _lockdown_form()
    return render_template("devices/lockdown.html", form=form, lockable=lockable,
                           title=_("Request a lockdown installation"))


@bp.route("/lockdown", methods=["GET", "POST"])
@member
@form_limit(TICKETS, _lockdown_page)
def request_lockdown():
    form, lockable = _lockdown_form()
    if request.method == "GET" and (device := int_arg("device", 0, 0, MAX_ID)):
        form.devices.data = [device]
    if form.validate_on_submit():
        try:
            opened = device_lockdown.request_lockdown(
                _user(),
                form.devices.data or [],
                form.preferred_times.data,
                form.location_id.data,
                form.room.data,
                form.submission_key.data,
            )
        except devices.DeviceError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Lockdown requested: reference %(reference)s. Dispatch will contact you to "
                    "arrange a time.", reference=opened.ticket.reference), "success")
            return redirect(url_for("devices.mine"))
    return render_template(
        "devices/lockdown.html",
        form=form,
        lockable=lockable,
        title=_("Request a lockdown installation"),
    )


def _stolen_page(device_id: int):
    device = _own_or_404(device_id, "stolen")
    form = StolenForm()
    form.location_id.choices = location_choices(with_other=False)
    return render_template("devices/stolen.html", form=form, device=device,
                           title=_("Report a device stolen"))


@bp.route("/<int:device_id>/stolen", methods=["GET", "POST"])
@member
@form_limit(TICKETS, _stolen_page)
def report_stolen(device_id: int):
    device = _own_or_404(device_id, "stolen")
    form = StolenForm()
    form.location_id.choices = location_choices(with_other=False)
    if form.validate_on_submit():
        try:
            opened = device_theft.report_stolen(
                _user(),
                device_id,
                device_theft.Theft(to_utc(form.last_seen_at.data), form.location_id.data,
                                   form.where.data, form.description.data or ""),
                form.submission_key.data,
            )
        except devices.DeviceError as error:
            form.form_errors.append(str(error))
        else:
            flash(_("Theft reported: reference %(reference)s. Follow it under My requests.",
                    reference=opened.ticket.reference), "success")
            return redirect(url_for("devices.mine"))
    return render_template(
        "devices/stolen.html", form=form, device=device, title=_("Report a device stolen")
    )


# Staff ---------------------------------------------------------------------------------


@bp.route("/lookup")
@roles_required(*STAFF)
def lookup():
    form = LookupForm(request.args)
    found, error = None, None
    if form.q.data:
        try:
            found = devices.lookup(_user(), form.q.data)
        except devices.DeviceError as problem:
            error = str(problem)
    no_store()
    return render_template(
        "devices/lookup.html", form=form, found=found, error=error, title="Device lookup"
    )


@bp.route("/staff/<int:device_id>")
@roles_required(*STAFF)
def staff_device(device_id: int):
    device = devices.view_device(_user(), device_id)
    if device is None:
        abort(404)
    no_store()
    return render_template(
        "devices/staff_device.html",
        device=device,
        form=RecoveredForm(),
        title=f"Device {device.registration_number}",
    )


@bp.route("/staff/<int:device_id>/recovered", methods=["POST"])
@roles_required(*STAFF)
def mark_recovered(device_id: int):
    form = RecoveredForm()
    if not form.validate_on_submit():
        flash("Keep the note under 1,000 characters, without control characters.", "error")
    else:
        try:
            device_theft.mark_recovered(_user(), device_id, form.note.data or "")
        except devices.DeviceError as error:
            flash(str(error), "error")
        else:
            flash("Marked recovered. The owner has been told.", "success")
    return redirect(url_for("devices.staff_device", device_id=device_id))


@bp.route("/staff/<int:device_id>/photo")
@roles_required(*STAFF)
def photo(device_id: int):
    device = db.session.get(Device, device_id)
    if device is None or not device.photo_name:
        abort(404)
    return serve_photo(device.photo_name, f"{device.registration_number}-label.jpg")


@bp.route("/lockdowns/<int:ticket_id>/lock", methods=["POST"])
@roles_required("officer", "dispatcher")
def record_lock(ticket_id: int):
    form = LockRecordForm()
    device_id = int(form.device_id.data) if (form.device_id.data or "").isdigit() else 0
    if not form.validate_on_submit():
        flash("Enter the lock ID and the date it was installed.", "error")
    else:
        try:
            device_lockdown.record_lock(
                ticket_id, _user(), device_id, form.lock_id.data, form.locked_on.data
            )
        except device_lockdown.NotYourLockdown:
            abort(404)
        except dispatch.TicketConflict:
            flash("This lockdown request changed while you were looking at it: check it "
                  "and record the lock again.", "error")
        except devices.DeviceError as error:
            flash(str(error), "error")
        else:
            flash("Lock recorded.", "success")
    return redirect(_back_to_ticket(ticket_id))


def _back_to_ticket(ticket_id: int) -> str:
    if (
        current_user.has_any_role({"dispatcher"})
        and "dispatch.ticket" in current_app.view_functions
    ):
        return url_for("dispatch.ticket", ticket_id=ticket_id)
    if "dispatch.officer_ticket" in current_app.view_functions:
        return url_for("dispatch.officer_ticket", ticket_id=ticket_id)
    return url_for("devices.lookup")


@bp.route("/report")
@roles_required("admin", "supervisor")
def report():
    data = alert_report.build_report()
    return render_template(
        "devices/report.html",
        report=data,
        chart=alert_report.chart_bars(data),
        title="ALERT report",
    )


@bp.route("/report.svg")
@roles_required("admin", "supervisor")
def report_chart():
    data = alert_report.build_report()
    body = render_template("devices/chart.svg", chart=alert_report.chart_bars(data))
    return Response(body, mimetype="image/svg+xml")


@bp.route("/report.csv")
@roles_required("admin", "supervisor")
def report_csv():
    rows = list(alert_report.build_report().rows())
    return csv_response(
        ["department", "month", "registered", "locked_down", "stolen"], rows, "alert-report.csv"
    )
