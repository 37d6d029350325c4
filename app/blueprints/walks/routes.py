"""Virtual walks: the start form, the walk page and its buttons, members' saved walks.

The walk page is opened by its private link (/walk/<token>): the token is checked against
its stored hash, and an unknown or ended walk gets the same answer. Every answer that shows
a walk is no-store.
"""
from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.track.links import remember_link, remembered_token
from app.blueprints.walks import bp
from app.blueprints.walks.forms import ButtonForm, PositionForm, SavedStartForm, WalkForm
from app.core.i18n import lazy_gettext as _l
from app.models.base import utcnow
from app.models.walks import VirtualWalk
from app.services import saved_walks, walks
from app.web.access import member, public
from app.web.forms import scope_ids
from app.web.headers import no_store
from app.web.language import as_recorded
from app.web.rate_limits import HELP, REPLIES, WALKS, form_limit

NOT_FOUND = _l("This walk has ended, or the link is not complete. If you need help, call now.")


def _start_page(form: WalkForm | None = None, status: int = 200):
    if form is None:
        form = WalkForm()
        form.load_places()
    saved = saved_walks.saved_walks(current_user) if current_user.is_authenticated else []
    starts = {item.id: scope_ids(SavedStartForm(formdata=None), item.id) for item in saved}
    return render_template("walks/start.html", form=form, saved=saved, starts=starts,
                           buttons=ButtonForm(),
                           title=_("Start a virtual walk")), status


def _details(form: WalkForm, places) -> walks.WalkDetails:
    return walks.WalkDetails(origin=places[0], destination=places[1], minutes=form.minutes.data,
                             phone=form.phone.data, name=form.name.data,
                             emergency_phone=form.emergency_phone.data)


def _to_walk(started: walks.Started):
    """To the walk's page. Its token is kept briefly in this browser's session (as a
    ticket's confirmation link is), so a double submit, whose second answer is the one the
    browser shows, still leads to the walk instead of leaving it running unseen."""
    key = f"walk:{started.walk.id}"
    token = started.token or remembered_token(key)
    if token is None:
        flash(_("Your walk had already started. Use the link you were given."), "warning")
        return redirect(url_for("walks.start"), 303)
    remember_link(key, token)
    return redirect(url_for("walks.walk", token=token), 303)


@bp.route("/", methods=["GET", "POST"])
@public
@form_limit(WALKS, lambda: _start_page())
def start():
    form = WalkForm()
    form.load_places()
    if not form.is_submitted():
        form.prefill()
        if current_user.is_authenticated:
            form.name.data, form.phone.data = current_user.name, current_user.phone
        return _start_page(form)
    places = form.checked()
    if places is None:
        return _start_page(form, 400)
    try:
        key = form.submission_key.data or None
        if form.save.data and current_user.is_authenticated:
            started = saved_walks.save_and_start(current_user, _details(form, places), key)
        else:
            started = walks.start_walk(_details(form, places), current_user, key)
    except walks.WalkError as error:
        form.from_place.errors.append(str(error))
        return _start_page(form, 400)
    return _to_walk(started)


@bp.route("/ended")
@public
def ended():
    return render_template("walks/ended.html", title=_("You are safe"))


def _walk_or_404(token: str) -> VirtualWalk:
    no_store()
    walk = walks.walk_for_token(token)
    if walk is None:
        abort(make_response(render_template("walks/not_found.html", title=_("Walk not found"),
                                            message=NOT_FOUND), 404))
    return walk


def _walk_page(token: str, status: int = 200):
    """The walk page, in the language the walk was started in unless the person chose
    another with the language link (a Spanish walk reopened in another browser)."""
    walk = _walk_or_404(token)
    with as_recorded(walk.language):
        return _render_walk(walk, token, status)


def _render_walk(walk: VirtualWalk, token: str, status: int):
    now = utcnow()
    seconds_left = max(0, int((walk.deadline_at - now).total_seconds()))
    return render_template(
        "walks/walk.html", walk=walk, token=token, buttons=ButtonForm(),
        seconds_left=seconds_left, extensions_left=max(
            0, current_app.config["WALK_MAX_EXTENSIONS"] - walk.extensions),
        title=_("Your walk") if walk.is_running else _("Dispatch has been alerted")), status


@bp.route("/<token>")
@public
def walk(token: str):
    return _walk_page(token)


def _button(token: str, action):
    """Run `action(walk)` (CSRF is checked before any view), show a refusal as a message."""
    walk = _walk_or_404(token)
    with as_recorded(walk.language):  # its messages in the walk's language, as its page
        try:
            return action(walk)
        except walks.WalkError as error:
            flash(str(error), "error")
    return redirect(url_for("walks.walk", token=token), 303)


@bp.route("/<token>/safe", methods=["POST"])
@public
@form_limit(REPLIES, _walk_page)
def safe(token: str):
    def end(walk: VirtualWalk):
        if walks.end_safely(walk.id, current_user):
            return redirect(url_for("walks.ended"), 303)
        flash(_("Dispatch has been told that you are safe."), "success")
        return redirect(url_for("walks.walk", token=token), 303)

    return _button(token, end)


@bp.route("/<token>/more-time", methods=["POST"])
@public
@form_limit(REPLIES, _walk_page)
def more_time(token: str):
    def extend(walk: VirtualWalk):
        walks.add_time(walk.id)
        flash(_("Five more minutes added."), "success")
        return redirect(url_for("walks.walk", token=token), 303)

    return _button(token, extend)


@bp.route("/<token>/help", methods=["POST"])
@public
@form_limit(HELP, _walk_page)
def help_now(token: str):
    def call(walk: VirtualWalk):
        walks.help_now(walk.id, current_user)
        return redirect(url_for("walks.walk", token=token), 303)

    return _button(token, call)


@bp.route("/<token>/position", methods=["POST"])
@public
@form_limit(REPLIES, _walk_page)
def position(token: str):
    walk = _walk_or_404(token)
    form = PositionForm()
    if not form.validate_on_submit():
        return {"error": _("That position could not be read.")}, 400
    try:
        walks.share_position(walk.id, form.latitude.data, form.longitude.data,
                             form.accuracy.data)
    except walks.WalkError as error:
        return {"error": str(error)}, 400
    return {"kept": True}


@bp.route("/<token>/position/stop", methods=["POST"])
@public
@form_limit(REPLIES, _walk_page)
def stop_position(token: str):
    def stop(walk: VirtualWalk):
        walks.stop_sharing(walk.id)
        flash(_("Your location is no longer shared, and the one we had is erased."), "success")
        return redirect(url_for("walks.walk", token=token), 303)

    return _button(token, stop)


@bp.route("/saved/<int:saved_id>/start", methods=["POST"])
@member
@form_limit(WALKS, lambda saved_id: _start_page())
def start_saved(saved_id: int):
    form = SavedStartForm()
    form.validate()
    try:
        started = saved_walks.start_saved(current_user, saved_id, form.submission_key.data)
    except walks.WalkError as error:  # e.g. one of its places was retired since
        flash(str(error), "error")
        return redirect(url_for("walks.start"), 303)
    if started is None:
        abort(404)
    return _to_walk(started)


@bp.route("/saved/<int:saved_id>/delete", methods=["POST"])
@member
def delete_saved(saved_id: int):
    if not saved_walks.delete_saved(current_user, saved_id):
        abort(404)
    else:
        flash(_("The saved walk is deleted."), "success")
    return redirect(url_for("walks.start"), 303)

