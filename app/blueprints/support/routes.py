"""Routes of the support blueprint."""
from app.blueprints.support import bp  # noqa: F401
