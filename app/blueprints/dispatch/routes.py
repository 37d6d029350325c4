"""Routes of the dispatch blueprint."""
from app.blueprints.dispatch import bp  # noqa: F401
