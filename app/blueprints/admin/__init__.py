"""Administration: users and roles, locations, the audit log, the Open311 API keys."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from app.blueprints.admin import locations, open311, routes  # noqa: E402,F401
