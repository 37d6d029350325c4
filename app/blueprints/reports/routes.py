"""Reporting a concern: safety guidance first, then the form; photos; dispatch's close."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.reports import bp
from app.blueprints.reports.forms import (
    AddPhotosForm,
    CloseReportForm,
    ReportForm,
    add_photos_form,
    close_form_for,
    report_details,
    report_form,
)
from app.blueprints.track.links import just_made, to_confirmation
from app.core import uploads
from app.models.reports import CATEGORIES, GUIDANCE, OUTCOMES
from app.services import dispatch, reports
from app.web.access import public, roles_required
from app.web.headers import no_store
from app.web.rate_limits import TICKETS, UPLOADS, form_limit
from app.web.uploads import serve_photo

STAFF_PHOTO_ROLES = ("dispatcher", "officer", "supervisor")

# The forms that other blueprints' pages show (the dispatch ticket page, the follow-up page).
bp.add_app_template_global(close_form_for, "report_close_form")
bp.add_app_template_global(add_photos_form, "report_add_photos_form")
CONSOLE = ("dispatcher",)


def _actor():
    return current_user._get_current_object() if current_user.is_authenticated else None


def _render_form(category: str, form: ReportForm, status: int = 200):
    return render_template(
        "reports/form.html", form=form, category=category, label=_(CATEGORIES[category]),
        guidance=GUIDANCE[category], title=_("Report: %(what)s", what=_(CATEGORIES[category])),
        max_photos=current_app.config["REPORT_MAX_PHOTOS"],
        max_photo_size=uploads.megabytes(current_app.config["UPLOAD_MAX_BYTES"]),
    ), status


@bp.route("/")
@public
def start():
    return render_template("reports/start.html", categories=CATEGORIES, guidance=GUIDANCE,
                           title=_("Report a concern"))


def _refilled(category: str):
    """The report form again with what was sent (the rate limit's answer; no photo decoded)."""
    if category not in CATEGORIES:
        abort(404)
    return _render_form(category, report_form())


@bp.route("/<category>", methods=["GET", "POST"])
@public
@form_limit(TICKETS, _refilled)
def report(category: str):
    if category not in CATEGORIES:
        abort(404)
    form = report_form()
    if not form.is_submitted():
        return _render_form(category, form)
    if not form.validate():
        return _render_form(category, form, 400)
    try:
        opened = reports.submit_report(report_details(category, form), _actor(), form.prepared)
    except reports.ReportError as error:
        form.description.errors.append(str(error))
        return _render_form(category, form, 400)
    return to_confirmation(opened, "reports.sent")


@bp.route("/sent/<reference>")
@public
def sent(reference: str):
    """The reference and private link, shown to the browser that sent the report."""
    report, link = just_made(reference, reports.report_for_token)
    return render_template("reports/sent.html", report=report, link=link,
                           title=_("Report sent") if report else _("Report received"))


def _followed_report(reference: str, token: str):
    no_store()
    report = reports.report_for_token(reference, token)
    if report is None:
        abort(404)
    return report


def _photos_page(reference: str, token: str):
    report = _followed_report(reference, token)
    page = url_for("track.follow", reference=report.reference, token=token)
    return render_template("reports/add_photos.html", report=report, form=AddPhotosForm(),
                           back=page, title=_("Add photos to your report"))


@bp.route("/<reference>/<token>/photos", methods=["GET", "POST"])
@public
@form_limit(UPLOADS, _photos_page)
def add_photos(reference: str, token: str):
    report = _followed_report(reference, token)
    form = AddPhotosForm()
    page = url_for("track.follow", reference=report.reference, token=token)
    if not form.is_submitted() or not report.is_open:
        return render_template("reports/add_photos.html", report=report, form=form, back=page,
                               title=_("Add photos to your report"))
    if form.validate():
        try:
            reports.add_photos(reference, token, form.prepared)
        except reports.ReportError as error:
            form.photos.errors.append(str(error))
        else:
            flash(_("Thank you: your photos have been sent to dispatch."), "success")
            return redirect(page, 303)
    return render_template("reports/add_photos.html", report=report, form=form, back=page,
                           title=_("Add photos to your report")), 400


@bp.route("/photo/<int:photo_id>")
@roles_required(*STAFF_PHOTO_ROLES)
def photo(photo_id: int):
    """A report photo, for staff only: never cached, never sniffed, shown inline."""
    found = reports.photo_for_staff(photo_id, current_user)
    if found is None:
        abort(404)
    return serve_photo(found.stored_name, found.download_name, found.content_type)


def _ticket_page(ticket_id: int) -> str:
    return url_for("dispatch.ticket", ticket_id=ticket_id)


@bp.route("/<int:ticket_id>/close", methods=["POST"])
@roles_required(*CONSOLE)
def close_report(ticket_id: int):
    if dispatch.load_ticket(ticket_id, current_user) is None:
        abort(404)
    form = CloseReportForm()
    if not form.validate():
        messages = [str(e) for errors in form.errors.values() for e in errors]
        flash(" ".join(messages) or "Check the close form.", "error")
        return redirect(_ticket_page(ticket_id), 303)
    try:
        closed = reports.close_report(
            ticket_id, current_user, form.version.data, form.outcome.data,
            agency=form.agency.data, duplicate_reference=form.duplicate_reference.data)
    except dispatch.TicketConflict:
        flash("This report changed while you were looking at it. Check the latest "
              "history, then close it again.", "error")
    except dispatch.DispatchError as refused:
        flash(str(refused), "error")
    else:
        flash(f"{closed.reference} closed: {OUTCOMES[closed.outcome].lower()}.", "success")
    return redirect(_ticket_page(ticket_id), 303)
