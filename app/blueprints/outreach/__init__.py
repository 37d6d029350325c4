"""Outreach requests: presentations, surveys, security details."""
from flask import Blueprint

bp = Blueprint("outreach", __name__, url_prefix="/outreach")

from app.blueprints.outreach import routes  # noqa: E402,F401
