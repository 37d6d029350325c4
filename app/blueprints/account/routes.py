"""The member's own pages: a summary with links, profile details, password."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from app.access import member
from app.blueprints.account import bp
from app.blueprints.account.forms import ChangePasswordForm, ProfileForm
from app.blueprints.auth.safety import add_error
from app.headers import no_store
from app.services import accounts

# The member's pages in the other features.
MY_LINKS = (
    ("track.mine", "My requests", "Escorts, reports and other requests you made while signed in."),
    ("devices.mine", "My devices", "Laptops and equipment you registered for lockdown."),
    ("seminars.mine", "My seminars", "Seminars you signed up for, with a way to cancel."),
    ("seminars.history", "My training history", "Seminars you attended."),
    ("apb.subscribe", "APB newsletter", "Subscribe to the All Points Bulletin."),
)


@bp.route("/")
@member
def home():
    links = [
        {"url": url_for(endpoint), "label": label, "text": text}
        for endpoint, label, text in MY_LINKS
    ]
    return render_template("account/home.html", user=current_user, links=links,
                           title="My account")


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
            flash("Your details have been saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("account.home"))
    return render_template("account/profile.html", form=form, title="Your details")


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
                flash("Your password has been changed. You were signed out on your other devices.",
                      "success")
                return redirect(url_for("account.home"))
            add_error(form, "current_password", problem)
    return render_template("account/password.html", form=form, title="Change your password")
