"""Training seminars, registration and the trainers' pages."""
from flask import Blueprint

bp = Blueprint("seminars", __name__, url_prefix="/seminars")

from app.blueprints.seminars import routes  # noqa: E402,F401
