"""The APB newsletter: archive, feed, subscriptions and editing."""
from flask import Blueprint

bp = Blueprint("apb", __name__, url_prefix="/apb")

from app.blueprints.apb import routes  # noqa: E402,F401
