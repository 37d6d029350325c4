"""Routes of the devices blueprint."""
from app.blueprints.devices import bp  # noqa: F401
