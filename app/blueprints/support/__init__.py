"""Confidential domestic-violence assistance and the advocates' queue."""
from flask import Blueprint

bp = Blueprint("support", __name__, url_prefix="/support")

from app.blueprints.support import access, counts, routes  # noqa: E402,F401
