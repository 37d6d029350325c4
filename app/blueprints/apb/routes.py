"""Routes of the apb blueprint."""
from app.blueprints.apb import bp  # noqa: F401
