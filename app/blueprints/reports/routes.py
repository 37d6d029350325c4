"""Routes of the reports blueprint."""
from app.blueprints.reports import bp  # noqa: F401
