"""Requesting a security escort, once or recurring."""
from flask import Blueprint

bp = Blueprint("escorts", __name__, url_prefix="/escorts")

from app.blueprints.escorts import routes  # noqa: E402,F401
