"""Routes of the outreach blueprint."""
from app.blueprints.outreach import bp  # noqa: F401
