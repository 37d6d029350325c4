"""Campus alerts for everyone: hide one from the banner, the archive, one alert, the Atom
feed, the CAP 1.2 index and documents, and email subscriptions."""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

from flask import abort, current_app, make_response, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.alerts import bp
from app.blueprints.alerts.banner import hide_cookie, same_site_post
from app.blueprints.apb.forms import ActionForm, SubscribeForm
from app.blueprints.auth.safety import safe_next
from app.core import tokens
from app.extensions import csrf
from app.models.base import utcnow
from app.services import alert_sending, alerts
from app.web.access import public
from app.web.hostile import int_arg
from app.web.language import as_recorded
from app.web.rate_limits import SIGNUPS, form_limit

CAP_TYPE = "application/cap+xml"


@bp.route("/<int:alert_id>/hide", methods=["POST"])
@public
@csrf.exempt  # no token, so pages keep no session for it; cross-site posts are refused
def hide(alert_id: int):
    """Hide one alert from the banner for the rest of the visit (a session cookie)."""
    if not same_site_post():
        abort(403)
    response = redirect(safe_next(request.form.get("next")) or "/", code=303)
    hide_cookie(response, alert_id)
    return response


@bp.route("/")
@public
def archive():
    page = alerts.archive(int_arg("page", 1))
    return render_template("alerts/archive.html", page=page, title=_("Campus alerts"))


@bp.route("/<int:alert_id>")
@public
def alert(alert_id: int):
    found = alerts.public_alert(alert_id)
    if found is None:
        abort(404)
    return render_template("alerts/alert.html", alert=found, successor=alerts.successor(found),
                           now=utcnow(), title=found.headline)


def _xml(body: str, mimetype: str):
    response = make_response(body)
    response.mimetype = mimetype
    return response


@bp.route("/feed.atom")
@public
def feed():
    return _xml(render_template("alerts/feed.xml", alerts=alerts.latest()),
                "application/atom+xml")


@bp.route("/cap.atom")
@public
def cap_index():
    """The Atom index of active alerts, each entry linking to its CAP 1.2 document."""
    return _xml(render_template("alerts/cap_index.xml", alerts=alerts.active_alerts()),
                "application/atom+xml")


@bp.route("/<int:alert_id>/cap.xml")
@public
def cap(alert_id: int):
    found = alerts.public_alert(alert_id)
    if found is None:
        abort(404)
    return _xml(render_template("alerts/cap.xml", alert=found, sender=_cap_sender()), CAP_TYPE)


@bp.app_template_filter("captime")
def captime(value: datetime) -> str:
    """A stored (naive UTC) time as CAP 1.2 writes it: seconds, and "+00:00" for UTC."""
    return value.replace(microsecond=0, tzinfo=UTC).isoformat()


def _cap_sender() -> str:
    """CAP <sender>: the site's host name (no spaces, commas or reserved characters)."""
    return urlsplit(current_app.config["SITE_URL"]).hostname or "portal"


def _subscribe_page(form: SubscribeForm | None = None):
    return render_template("alerts/subscribe.html", form=form or SubscribeForm(),
                           title=_("Campus alerts by email"))


@bp.route("/subscribe", methods=["GET", "POST"])
@public
@form_limit(SIGNUPS, _subscribe_page)
def subscribe():
    form = SubscribeForm()
    if request.method == "GET" and current_user.is_authenticated:
        form.email.data = current_user.email
    if form.validate_on_submit():
        alert_sending.subscribe(form.email.data, current_user)
        return render_template("alerts/subscribe_sent.html", title=_("Check your email"))
    return _subscribe_page(form)


@bp.route("/subscribe/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_subscription(token: str):
    """In the language they subscribed in, unless they chose another (opened from the mail)."""
    try:
        subscriber = alert_sending.subscriber_for_confirm(token)
    except tokens.InvalidToken as error:
        return _bad_link(error)
    with as_recorded(subscriber.language):
        return _confirm(token)


def _confirm(token: str):
    form = ActionForm()
    if form.validate_on_submit():
        try:
            alert_sending.confirm_subscription(token)
        except tokens.InvalidToken as error:
            return _bad_link(error)
        return render_template("alerts/subscribed.html", title=_("You will get campus alerts"))
    return render_template("alerts/confirm.html", form=form,
                           title=_("Confirm: campus alerts by email"))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def unsubscribe(token: str):
    """GET asks; POST (our button, or a mail client's RFC 8058 one-click) unsubscribes."""
    try:
        subscriber = alert_sending.subscriber_for_unsubscribe(token)
        if request.method == "POST":
            subscriber = alert_sending.unsubscribe(token)
    except tokens.InvalidToken as error:
        return _bad_link(error)
    with as_recorded(subscriber.language):
        return render_template("alerts/unsubscribe.html", subscriber=subscriber,
                               title=_("Stop campus alerts by email"))


def _bad_link(error: tokens.InvalidToken):
    return render_template("alerts/bad_link.html", expired=error.expired,
                           title=_("This link does not work")), 400

