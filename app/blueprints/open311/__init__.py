"""Open311 GeoReport v2 at /open311/v2/: other systems file and follow public requests.

Clients are programs, not browsers: POSTs carry an api_key instead of a CSRF token (and no
cookie is read for them), answers are XML or JSON by extension, and every error is an
Open311 `errors` document with 400, 403, 404 or 429.
"""
from flask import Blueprint

from app.extensions import csrf

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
csrf.exempt(bp)

from app.blueprints.open311 import routes  # noqa: E402,F401
