"""The ALERT lockdown registry: devices, lockdown and theft."""
from flask import Blueprint

bp = Blueprint("devices", __name__, url_prefix="/devices")

from app.blueprints.devices import routes  # noqa: E402,F401
