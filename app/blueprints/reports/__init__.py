"""Reports of suspicious packages, persons and substances."""
from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/report")

from app.blueprints.reports import routes  # noqa: E402,F401
