"""Registering, verifying, signing in and out, password reset, staying signed in."""
from __future__ import annotations

import time

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.auth import bp, known_device
from app.blueprints.auth.forms import (
    EmailOnlyForm,
    ExtendSessionForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    SecondFactorForm,
)
from app.blueprints.auth.safety import add_error, landing_page, safe_next
from app.core.i18n import lazy_gettext as _l
from app.core.tokens import InvalidToken
from app.extensions import limiter
from app.services import accounts
from app.web import sessions
from app.web.access import member, must_enrol, public
from app.web.actor import current_actor
from app.web.headers import no_store
from app.web.language import page_language

TOO_MANY_SIGN_INS = _l("There have been too many sign-in attempts from this connection.")
TOO_MANY_EMAILS = _l("There have been too many requests for emails from this connection.")
PENDING = "_second_factor"
ENDED = {
    "idle": _l("You were signed out because there was no activity for a while. "
               "Please sign in again."),
    "expired": _l("Your session has ended. Please sign in again."),
}


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def email_limit() -> str:
    return current_app.config["ACCOUNT_EMAIL_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"], error_message=TOO_MANY_SIGN_INS)
def login():
    no_store()
    form = LoginForm(next=request.args.get("next", ""))
    ended = ENDED.get(session.pop("_ended", None))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(safe_next(form.next.data) or landing_page(current_user))
    unverified = None
    if form.validate_on_submit():
        result = accounts.login(form.email.data, form.password.data, known_device.client(),
                                current_actor())
        if result.outcome == "second_factor":
            session[PENDING] = {"u": result.user.id, "r": bool(form.remember.data),
                                "n": safe_next(form.next.data), "t": int(time.time())}
            return redirect(url_for("auth.second_factor"))
        if result.ok:
            return _signed_in(result, safe_next(form.next.data), bool(form.remember.data))
        add_error(form, "email", result.message)
        unverified = form.email.data if result.outcome == "unverified" else None
    resend = EmailOnlyForm(email=unverified, formdata=None) if unverified else None
    return render_template("auth/login.html", form=form, ended=ended, resend=resend,
                           title=_("Sign in"))


def _signed_in(result: accounts.LoginResult, next_path: str | None, remember: bool):
    sessions.begin(result.user, remember=remember)
    flash(_("You are signed in as %(name)s.", name=result.user.name), "success")
    target = url_for("account.two_factor") if must_enrol(result.user) else (
        next_path or landing_page(result.user))
    return known_device.remember(redirect(target), result.user.id, result.device)


def _pending() -> dict | None:
    """The sign-in waiting for its second factor, while it is still recent."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("u"), int):
        return None
    age = time.time() - (pending.get("t") or 0)
    if not 0 <= age <= current_app.config["SECOND_FACTOR_PENDING_SECONDS"]:
        session.pop(PENDING, None)
        return None
    return pending


@bp.route("/login/code", methods=["GET", "POST"])
@public
@limiter.limit(login_limit, methods=["POST"], error_message=TOO_MANY_SIGN_INS)
def second_factor():
    """The second step of signing in: a code from the authenticator app or a recovery code."""
    no_store()
    pending = _pending()
    if pending is None:  # nothing waiting (or too old): say so, with the way back
        return render_template("auth/second_factor.html", form=None, title=_("Sign in again"),
                               expired=accounts.MESSAGES["expired"])
    form = SecondFactorForm()
    if form.validate_on_submit():
        result = accounts.complete_sign_in(pending["u"], form.code.data, known_device.client(),
                                           current_actor())
        if result.ok:
            return _signed_in(result, pending.get("n"), bool(pending["r"]))
        if result.outcome == "expired":
            session.pop(PENDING, None)
            flash(result.message, "info")
            return redirect(url_for("auth.login"))
        add_error(form, "code", result.message)
    return render_template("auth/second_factor.html", form=form, title=_("Enter your code"))


@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(email_limit, methods=["POST"], error_message=TOO_MANY_EMAILS)
def register():
    no_store()
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register(form.name.data, form.email.data, form.affiliation.data,
                              form.password.data, page_language())
        except accounts.AccountError as error:
            add_error(form, error.field or "name", error.message)
        else:
            return _check_email(form.email.data, "register")
    return render_template("auth/register.html", form=form, title=_("Create an account"))


def _check_email(email: str, why: str):
    session["check_email"] = {"email": email[:254], "why": why}
    return redirect(url_for("auth.check_email"))


@bp.route("/check-email")
@public
def check_email():
    sent = session.get("check_email") or {}
    return render_template("auth/check_email.html", email=sent.get("email"), why=sent.get("why"),
                           title=_("Check your email"))


@bp.route("/verify/<token>")
@public
def verify(token: str):
    no_store()
    try:
        user = accounts.verify_email(token)
    except InvalidToken as error:
        return _bad_link("verify", error), 400
    return render_template("auth/verified.html", user=user, title=_("Email address confirmed"))


def _bad_link(kind: str, error: InvalidToken) -> str:
    form = EmailOnlyForm(formdata=None)
    title = _("This link has expired") if error.expired else _("This link does not work")
    return render_template("auth/bad_link.html", kind=kind, expired=error.expired, form=form,
                           title=title)


@bp.route("/verify/resend", methods=["GET", "POST"])
@public
@limiter.limit(email_limit, methods=["POST"], error_message=TOO_MANY_EMAILS)
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        accounts.resend_verification(form.email.data)
        return _check_email(form.email.data, "verify")
    return render_template("auth/resend.html", form=form,
        title=_("Send the confirmation link again"))


@bp.route("/forgot-password", methods=["GET", "POST"])
@public
@limiter.limit(email_limit, methods=["POST"], error_message=TOO_MANY_EMAILS)
def forgot_password():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return _check_email(form.email.data, "reset")
    return render_template("auth/forgot.html", form=form, title=_("Reset your password"))


@bp.route("/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    no_store()
    try:
        user = accounts.user_for_reset_token(token)
    except InvalidToken as error:
        return _bad_link("reset", error), 400
    form = ResetPasswordForm()
    form.extra_guessable = [user.name, user.email]
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except InvalidToken as error:
            return _bad_link("reset", error), 400
        except accounts.AccountError as error:
            add_error(form, "password", error.message)
        else:
            sessions_end_here()
            flash(_("Your password has been changed and you were signed out everywhere. "
                  "Please sign in with your new password."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form, title=_("Choose a new password"))


def sessions_end_here() -> None:
    """After a reset every session row is revoked; forget this browser's cookie too."""
    session.pop("_user_id", None)
    session.pop("_fresh", None)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    accounts.logout(current_user)
    sessions.end()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/session/extend", methods=["POST"])
@member
def extend_session():
    """"Stay signed in": JSON for the warning dialog's script, a redirect back without it."""
    form = ExtendSessionForm()
    accounts.extend_session(current_user)
    wants = request.accept_mimetypes.best_match(["text/html", "application/json"])
    if wants == "application/json":
        return jsonify(seconds_left=sessions.seconds_left(current_user))
    flash(_("You are still signed in."), "success")
    return redirect(safe_next(form.next.data) or landing_page(current_user))


@bp.app_context_processor
def password_advice() -> dict:
    from app.blueprints.auth.forms import CHOOSING_HINT

    return {"password_hint": CHOOSING_HINT}
