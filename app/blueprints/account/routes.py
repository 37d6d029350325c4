"""The member's own pages. (Skeleton: to be completed.)"""
from flask import render_template

from app.access import member
from app.blueprints.account import bp


@bp.route("/")
@member
def home():
    return render_template("account/home.html", title="My account")
