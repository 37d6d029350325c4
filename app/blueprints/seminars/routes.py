"""Routes of the seminars blueprint."""
from app.blueprints.seminars import bp  # noqa: F401
