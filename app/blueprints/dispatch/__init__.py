"""The dispatch console and the officers' assignments."""
from flask import Blueprint

bp = Blueprint("dispatch", __name__, url_prefix="/dispatch")

from app.blueprints.dispatch import routes  # noqa: E402,F401
