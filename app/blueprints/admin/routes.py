"""Routes of the admin blueprint."""
from app.blueprints.admin import bp  # noqa: F401
