"""Administration: users and roles, locations, the audit log."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.blueprints.admin import locations, routes  # noqa: E402,F401
