"""The public side of seminars: catalogue, registration, confirmation, cancellation,
a member's own registrations and training history, and the calendar file."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app.blueprints.seminars import bp
from app.blueprints.seminars.forms import ActionForm, VisitorForm
from app.extensions import db
from app.models.base import utcnow
from app.models.seminars import (
    ATTENDED,
    AUDIENCES,
    SEATED_STATUSES,
    TOPICS,
    Registration,
    Seminar,
    SeminarSession,
)
from app.services import seminars as service
from app.services.seminar_calendar import session_calendar
from app.web.access import member, public
from app.web.headers import no_store
from app.web.hostile import text_arg
from app.web.language import as_recorded
from app.web.rate_limits import SIGNUPS, form_limit


def _upcoming(seminar_id: int | None = None, topic: str = "", audience: str = ""):
    query = (select(SeminarSession).join(SeminarSession.seminar)
             .where(SeminarSession.starts_at > utcnow(), SeminarSession.cancelled_at.is_(None),
                    Seminar.active.is_(True))
             .order_by(SeminarSession.starts_at))
    if seminar_id is not None:
        query = query.where(SeminarSession.seminar_id == seminar_id)
    if topic in TOPICS:
        query = query.where(Seminar.topic == topic)
    if audience in AUDIENCES:
        query = query.where(Seminar.audience == audience)
    return list(db.session.scalars(query.limit(200)))


def _seats_left(sessions) -> dict[int, int]:
    ids = [s.id for s in sessions]
    taken = dict(db.session.execute(
        select(Registration.session_id, func.count(Registration.id))
        .where(Registration.session_id.in_(ids), Registration.status.in_(SEATED_STATUSES))
        .group_by(Registration.session_id)
    ).all()) if ids else {}
    return {s.id: max(0, s.capacity - taken.get(s.id, 0)) for s in sessions}


def _open_session(session_id: int) -> SeminarSession:
    session = db.session.get(SeminarSession, session_id)
    if session is None or not session.seminar.active:
        abort(404)
    return session


@bp.route("/")
@public
def catalogue():
    topic, audience = text_arg("topic", 40), text_arg("audience", 20)
    sessions = _upcoming(topic=topic, audience=audience)
    return render_template("seminars/catalogue.html", title=_("Training seminars"),
                           sessions=sessions, seats=_seats_left(sessions), topics=TOPICS,
                           audiences=AUDIENCES, topic=topic, audience=audience)


@bp.route("/<slug>")
@public
def detail(slug: str):
    seminar = db.session.scalar(select(Seminar).where(Seminar.slug == slug[:80],
                                                      Seminar.active.is_(True)))
    if seminar is None:
        abort(404)
    sessions = _upcoming(seminar.id)
    mine = {}
    if current_user.is_authenticated:
        mine = {r.session_id: r for r in service.registrations_of(current_user) if r.is_active}
    return render_template("seminars/detail.html", title=seminar.title, seminar=seminar,
                           sessions=sessions, seats=_seats_left(sessions), mine=mine)


@bp.route("/sessions/<int:session_id>/calendar.ics")
@public
def session_ics(session_id: int):
    session = _open_session(session_id)
    response = Response(session_calendar(session), mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="seminar-{session.id}.ics"')
    return response


def _register_page(session, form, error=None, status=200):
    return render_template("seminars/register.html", title=_("Register: %(title)s",
        title=session.seminar.title),
                           session=session, form=form, error=error,
                           seats_left=service.seats_left(session),
                           may_attend=service.may_attend(session, _user())), status


def _user():
    return current_user if current_user.is_authenticated else None


def _refilled(session_id: int):
    form = ActionForm() if current_user.is_authenticated else VisitorForm()
    return _register_page(_open_session(session_id), form)


@bp.route("/sessions/<int:session_id>/register", methods=["GET", "POST"])
@public
@form_limit(SIGNUPS, _refilled)
def register(session_id: int):
    session = _open_session(session_id)
    form = ActionForm() if current_user.is_authenticated else VisitorForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return _register_page(session, form, status=status)
    try:
        if current_user.is_authenticated:
            outcome = service.register_member(session.id, current_user)
        else:
            outcome = service.register_visitor(session.id, form.name.data, form.email.data)
    except service.SeminarError as error:
        return _register_page(session, form, error=str(error), status=400)
    if outcome.registration.status == "pending":
        return redirect(url_for(".check_email", session_id=session.id))
    flash(_outcome_message(outcome), "success")
    return redirect(url_for(".mine"))


def _outcome_message(outcome: service.Outcome) -> str:
    title = outcome.registration.session.seminar.title
    if outcome.registration.status == "waitlisted":
        return _("The session is full: you are on the waitlist for %(title)s, in position "
                 "%(position)s. We will email you if a seat frees up.",
                 title=title, position=outcome.position)
    return _("Your place is confirmed for %(title)s. We have emailed you the details.",
             title=title)


@bp.route("/sessions/<int:session_id>/check-email")
@public
def check_email(session_id: int):
    session = _open_session(session_id)
    return render_template("seminars/check_email.html", title=_("Check your email"),
                           session=session)


def _invalid_link(message: str):
    no_store()
    return render_template("seminars/link_invalid.html", title=_("This link does not work"),
                           message=message), 404


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
def confirm(token: str):
    no_store()
    registration = service.registration_for_confirm_token(token)
    if registration is None:
        return _invalid_link(_("This confirmation link is not valid or has expired. "
                             "Please register again."))
    with as_recorded(registration.language):
        return _confirm(registration)


def _confirm(registration):
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("seminars/confirm.html", title=_("Confirm your place"),
                               registration=registration, form=form)
    try:
        outcome = service.confirm(registration.id)
    except service.SeminarError as error:
        return _invalid_link(str(error))
    return render_template("seminars/result.html", title=_("Your registration"),
                           registration=outcome.registration, position=outcome.position)


@bp.route("/registration/<token>/cancel", methods=["GET", "POST"])
@public
def cancel_link(token: str):
    no_store()
    registration = service.registration_for_token(token)
    if registration is None:
        return _invalid_link(_("This cancellation link is not valid any more. Use the link in "
                             "the most recent email from us, or sign in to your account."))
    with as_recorded(registration.language):
        return _cancel_by_link(registration, token)


def _cancel_by_link(registration, token: str):
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("seminars/cancel.html", title=_("Cancel your place"),
                               registration=registration, form=form,
                               position=service.waitlist_position(registration))
    try:
        registration = service.cancel_with_token(token)
    except service.SeminarError as error:
        return _invalid_link(str(error))
    return render_template("seminars/cancelled.html", title=_("Registration cancelled"),
                           registration=registration)


@bp.route("/mine")
@member
def mine():
    registrations = [r for r in service.registrations_of(current_user) if r.status != ATTENDED]
    positions = {r.id: service.waitlist_position(r) for r in registrations}
    return render_template("seminars/mine.html", title=_("My seminars"),
                           registrations=registrations, positions=positions,
                           form=ActionForm(), now=utcnow())


@bp.route("/mine/<int:registration_id>/cancel", methods=["POST"])
@member
def cancel_mine(registration_id: int):
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        registration = service.cancel_mine(registration_id, current_user)
    except service.SeminarError as error:
        flash(str(error), "error")
        return redirect(url_for(".mine"))
    flash(_("Your registration for %(title)s is cancelled.",
            title=registration.session.seminar.title),
          "success")
    return redirect(url_for(".mine"))


@bp.route("/history")
@member
def history():
    attended = [r for r in service.registrations_of(current_user) if r.status == ATTENDED]
    return render_template("seminars/history.html", title=_("My training history"),
                           registrations=attended)


from app.blueprints.seminars import manage  # noqa: E402,F401
