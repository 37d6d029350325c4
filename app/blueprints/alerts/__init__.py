"""Urgent campus alerts: the banner's hide button, archive, feeds (Atom, CAP 1.2),
subscriptions, and the dispatchers' and supervisors' pages to issue and update alerts."""
from flask import Blueprint

bp = Blueprint("alerts", __name__, url_prefix="/alerts")

from app.blueprints.alerts import banner, manage, routes  # noqa: E402,F401
