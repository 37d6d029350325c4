"""Unit requests: what a clinical unit's staff book (standby, consult, elopement-risk watch,
valuables pickup), and the "My unit" page."""
from flask import Blueprint

bp = Blueprint("units", __name__, url_prefix="/units")

from app.blueprints.units import routes  # noqa: E402,F401
