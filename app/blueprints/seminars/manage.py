"""The trainers' pages: seminars, sessions, rosters, attendance, messages, cancelling."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.blueprints.seminars import bp
from app.blueprints.seminars.forms import (
    ActionForm,
    CancelSessionForm,
    MessageForm,
    SeminarForm,
    SessionForm,
)
from app.core.csv_export import csv_response
from app.core.timezones import to_local, to_utc
from app.extensions import db
from app.models.seminars import Seminar, SeminarSession
from app.services import seminar_admin as admin
from app.services import seminars as service
from app.services.seminars import SeminarError
from app.web.access import roles_required
from app.web.templating import localtime


def _seminar(seminar_id: int) -> Seminar:
    return db.session.get(Seminar, seminar_id) or abort(404)


def _session(session_id: int) -> SeminarSession:
    return db.session.get(SeminarSession, session_id) or abort(404)


@bp.route("/manage")
@roles_required("trainer")
def manage():
    seminars = list(db.session.scalars(select(Seminar).order_by(Seminar.title)))
    return render_template("seminars/manage/index.html", title="Seminars admin",
                           seminars=seminars, seats_left=service.seats_left)


def _seminar_data(form: SeminarForm) -> admin.SeminarData:
    return admin.SeminarData(
        title=form.title.data, description=form.description.data, audience=form.audience.data,
        topic=form.topic.data, duration_minutes=form.duration_minutes.data,
        active=form.active.data, slug=form.slug.data or "")


def _seminar_form_page(form, seminar=None, error=None, status=200):
    title = f"Edit {seminar.title}" if seminar else "New seminar"
    return render_template("seminars/manage/seminar_form.html", title=title, form=form,
                           seminar=seminar, error=error), status


def _save_seminar(form: SeminarForm, seminar: Seminar | None):
    if not form.validate_on_submit():
        return _seminar_form_page(form, seminar, status=400 if request.method == "POST" else 200)
    try:
        saved = admin.save_seminar(current_user, _seminar_data(form),
                                   seminar.id if seminar else None)
    except SeminarError as error:
        return _seminar_form_page(form, seminar, error=str(error), status=400)
    flash(f"Seminar “{saved.title}” saved.", "success")
    return redirect(url_for(".manage"))


@bp.route("/manage/seminars/new", methods=["GET", "POST"])
@roles_required("trainer")
def new_seminar():
    return _save_seminar(SeminarForm(), None)


@bp.route("/manage/seminars/<int:seminar_id>/edit", methods=["GET", "POST"])
@roles_required("trainer")
def edit_seminar(seminar_id: int):
    seminar = _seminar(seminar_id)
    form = SeminarForm(obj=seminar) if request.method == "GET" else SeminarForm()
    return _save_seminar(form, seminar)


def _trainer_choices(form: SessionForm) -> None:
    form.trainer_id.choices = [SelectChoice("", "Not decided")] + [
        SelectChoice(str(t.id), t.public_name) for t in admin.trainers()]


def _session_data(form: SessionForm) -> admin.SessionData:
    return admin.SessionData(
        starts_at=to_utc(form.starts_at.data), ends_at=to_utc(form.ends_at.data),
        capacity=form.capacity.data, place=form.place.data, online_url=form.online_url.data,
        trainer_id=int(form.trainer_id.data) if form.trainer_id.data else None,
        reminder_hours=form.reminder_hours.data)


def _save_session(form: SessionForm, seminar: Seminar, session: SeminarSession | None):
    _trainer_choices(form)
    page = {"form": form, "seminar": seminar, "session": session,
            "title": "Edit session" if session else f"New session: {seminar.title}"}
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("seminars/manage/session_form.html", **page), status
    try:
        saved = admin.save_session(current_user, seminar.id, _session_data(form),
                                   session.id if session else None)
    except SeminarError as error:
        return render_template("seminars/manage/session_form.html", error=str(error),
                               **page), 400
    flash("Session saved.", "success")
    return redirect(url_for(".roster", session_id=saved.id))


@bp.route("/manage/seminars/<int:seminar_id>/sessions/new", methods=["GET", "POST"])
@roles_required("trainer")
def new_session(seminar_id: int):
    return _save_session(SessionForm(new=True), _seminar(seminar_id), None)


@bp.route("/manage/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required("trainer")
def edit_session(session_id: int):
    session = _session(session_id)
    form = SessionForm(new=False)
    if request.method == "GET":
        form = SessionForm(new=False, data={
            "starts_at": to_local(session.starts_at).replace(tzinfo=None),
            "ends_at": to_local(session.ends_at).replace(tzinfo=None),
            "capacity": session.capacity, "place": session.place,
            "online_url": session.online_url, "reminder_hours": session.reminder_hours,
            "trainer_id": str(session.trainer_id or "")})
    return _save_session(form, session.seminar, session)


@bp.route("/manage/sessions/<int:session_id>")
@roles_required("trainer")
def roster(session_id: int):
    session = _session(session_id)
    people = sorted(session.registrations,
                    key=lambda r: (r.arrival is None, r.arrival or 0, r.id))
    return render_template("seminars/manage/roster.html", title=f"Roster: {session.seminar.title}",
                           session=session, people=people, waitlist=service.waitlist(session.id),
                           seats_left=service.seats_left(session), form=ActionForm())


@bp.route("/manage/sessions/<int:session_id>/attendance", methods=["POST"])
@roles_required("trainer")
def attendance(session_id: int):
    session = _session(session_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    ids = {int(v) for v in request.form.getlist("attended")[:10000] if v.isdigit()}
    count = admin.mark_attendance(current_user, session.id, ids)
    flash(f"Attendance saved: {count} attended.", "success")
    return redirect(url_for(".roster", session_id=session.id))


@bp.route("/manage/sessions/<int:session_id>/roster.csv")
@roles_required("trainer")
def roster_csv(session_id: int):
    session = _session(session_id)
    return csv_response(admin.ROSTER_HEADER, admin.roster_rows(session, localtime),
                        f"roster-{session.id}.csv")


@bp.route("/manage/sessions/<int:session_id>/message", methods=["GET", "POST"])
@roles_required("trainer")
def message(session_id: int):
    session = _session(session_id)
    form = MessageForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("seminars/manage/message.html", title="Message registrants",
                               session=session, form=form), status
    count = admin.message_registrants(current_user, session.id, form.subject.data,
                                      form.body.data)
    flash(f"Message queued for {count} people.", "success")
    return redirect(url_for(".roster", session_id=session.id))


@bp.route("/manage/sessions/<int:session_id>/cancel", methods=["GET", "POST"])
@roles_required("trainer")
def cancel_session(session_id: int):
    session = _session(session_id)
    form = CancelSessionForm()
    if not form.validate_on_submit() or session.is_cancelled:
        status = 400 if request.method == "POST" else 200
        return render_template("seminars/manage/cancel.html", title="Cancel session",
                               session=session, form=form), status
    count = admin.cancel_session(current_user, session.id, form.reason.data or "")
    flash(f"Session cancelled; {count} people told by email.", "success")
    return redirect(url_for(".roster", session_id=session.id))
