"""Registering, verifying, signing in and out, password reset. (Skeleton: to be completed.)"""
from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user

from app import sessions
from app.access import member, public
from app.blueprints.auth import bp
from app.database import use_case


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    return render_template("auth/placeholder.html", title="Sign in")


@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    return render_template("auth/placeholder.html", title="Create an account")


@bp.route("/logout", methods=["POST"])
@public
def logout():
    use_case(sessions.end)()
    return redirect(url_for("main.home"))


@bp.route("/session/extend", methods=["POST"])
@member
def extend_session():
    sessions.touch(current_user)
    return jsonify(seconds_left=sessions.seconds_left(current_user))
