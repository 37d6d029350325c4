"""Following a request through its private link."""
from flask import Blueprint

bp = Blueprint("track", __name__, url_prefix="/track")

from app.blueprints.track import routes  # noqa: E402,F401
