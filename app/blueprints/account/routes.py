"""The member's own pages: a summary with links, profile details, password."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.blueprints.account import bp
from app.blueprints.account.forms import ChangePasswordForm, ProfileForm
from app.blueprints.auth.forms import NewFactorForm, SecondFactorForm
from app.blueprints.auth.safety import add_error, landing_page
from app.core.i18n import N_
from app.services import accounts, second_factor
from app.web.access import enrolling, member
from app.web.headers import no_store

# The member's pages in the other features.
MY_LINKS = (
    ("track.mine", N_("My requests"),
     N_("Escorts, reports and other requests you made while signed in.")),
    ("devices.mine", N_("My devices"), N_("Laptops and equipment you registered for lockdown.")),
    ("seminars.mine", N_("My seminars"), N_("Seminars you signed up for, with a way to cancel.")),
    ("seminars.history", N_("My training history"), N_("Seminars you attended.")),
    ("apb.subscribe", N_("APB newsletter"), N_("Subscribe to the All Points Bulletin.")),
)
# How the account page names the person's connection to the hospital.
AFFILIATION_NAMES = {"employee": N_("Employee"), "patient": N_("Patient"),
                     "visitor": N_("Visitor"), "other": N_("Other")}
# For employees: their clinical unit's requests (app/blueprints/units).
UNIT_LINKS = (
    ("units.index", N_("Unit requests"),
     N_("Book a patient standby, a consult, a watch or a pickup.")),
    ("units.my_unit", N_("My unit"), N_("Your unit's open requests, whoever made them.")),
)


@bp.route("/")
@member
def home():
    links = [
        {"url": url_for(endpoint), "label": _(label), "text": _(text)}
        for endpoint, label, text in MY_LINKS
        + (UNIT_LINKS if current_user.affiliation == "employee" else ())
    ]
    affiliation = AFFILIATION_NAMES.get(current_user.affiliation, current_user.affiliation)
    return render_template("account/home.html", user=current_user, links=links,
                           affiliation=_(affiliation), title=_("My account"))


@bp.route("/profile", methods=["GET", "POST"])
@member
def profile():
    no_store()
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            changed = accounts.update_profile(current_user, form.name.data, form.display_name.data,
                                              form.phone.data, form.affiliation.data)
        except accounts.AccountError as error:
            add_error(form, error.field or "name", error.message)
        else:
            flash(_("Your details have been saved.") if changed else _("Nothing was changed."),
                  "success")
            return redirect(url_for("account.home"))
    return render_template("account/profile.html", form=form, title=_("Your details"))


@bp.route("/password", methods=["GET", "POST"])
@member
def change_password():
    no_store()
    form = ChangePasswordForm()
    form.extra_guessable = [current_user.name, current_user.email]
    if form.validate_on_submit():
        try:
            problem = accounts.change_password(current_user, form.current_password.data,
                                               form.new_password.data)
        except accounts.AccountError as error:
            add_error(form, error.field or "new_password", error.message)
        else:
            if problem is None:
                flash(_("Your password has been changed. You were signed out on your other "
                        "devices."), "success")
                return redirect(url_for("account.home"))
            add_error(form, "current_password", problem)
    return render_template("account/password.html", form=form, title=_("Change your password"))


SETUP = "_totp_setup"


@bp.route("/two-step", methods=["GET", "POST"])
@enrolling
def two_factor():
    """Two-step sign-in: its state, and setting it up (QR code, secret, confirm with a code).

    The new secret waits in this session until a code from it is confirmed; the recovery
    codes are shown once, on the page that answers the confirmation.
    """
    no_store()
    setting_up = request.args.get("again") == "1" or not current_user.has_second_factor
    if not setting_up:
        return render_template("account/two_factor.html", user=current_user, setting_up=False,
                               codes_left=second_factor.unused_recovery_codes(current_user),
                               title=_("Two-step sign-in"))
    secret = session.get(SETUP) or second_factor.new_secret()
    session[SETUP] = secret
    form = NewFactorForm() if current_user.has_second_factor else SecondFactorForm()
    if form.validate_on_submit():
        codes = _confirm(form, secret)
        if codes:
            session.pop(SETUP, None)
            return render_template("account/recovery_codes.html", codes=codes,
                                   next_page=landing_page(current_user),
                                   title=_("Your recovery codes"))
    uri = second_factor.provisioning_uri(current_user, secret)
    return render_template("account/two_factor.html", user=current_user, setting_up=True,
                           form=form, secret=secret, qr=second_factor.qr_svg(uri),
                           title=_("Set up two-step sign-in"))


def _confirm(form, secret: str) -> list[str] | None:
    """The new recovery codes, or None with the problem shown on the form. Replacing a
    factor first needs a code of the current one, so a borrowed session cannot swap it."""
    if isinstance(form, NewFactorForm):
        problem = second_factor.check_fresh_code(current_user, form.current_code.data)
        if problem:
            add_error(form, "current_code", problem)
            return None
    try:
        return second_factor.confirm_enrolment(current_user, secret, form.code.data)
    except second_factor.SecondFactorError as error:
        add_error(form, "code", error.message)
        return None
