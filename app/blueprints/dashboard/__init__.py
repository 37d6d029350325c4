"""The operations dashboard and the shift report: supervisors and admins."""
from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from app.blueprints.dashboard import routes, shift_report  # noqa: E402,F401
