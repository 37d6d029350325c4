"""Virtual walks (the safety timer): start one, the walk page, members' saved walks."""
from flask import Blueprint

bp = Blueprint("walks", __name__, url_prefix="/walk")

from app.blueprints.walks import routes  # noqa: E402,F401
