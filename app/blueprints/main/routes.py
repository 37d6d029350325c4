"""Home, the services directory and the guidance pages."""
from flask import render_template

from app.access import public
from app.blueprints.main import bp


@bp.route("/")
@public
def home():
    return render_template("main/home.html")


@bp.route("/services")
@public
def services():
    return render_template("main/services.html")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("main/accessibility.html", title="Accessibility")


@bp.route("/privacy")
@public
def privacy():
    return render_template("main/privacy.html", title="Privacy")
