"""Routes of the escorts blueprint."""
from app.blueprints.escorts import bp  # noqa: F401
