"""All models, imported here so that Alembic and the app see every table.

Core models are imported by name; every other module of this package (one per domain) is
imported automatically, so adding app/models/<domain>.py is enough.
"""
import importlib
import pkgutil

from app.models.accounts import STAFF_ROLES, LoginSession, Role, User, user_roles
from app.models.audit import AuditChainHead, AuditEvent
from app.models.locations import Location
from app.models.outbox import OutboxMessage
from app.models.tickets import Ticket, TicketEvent

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

__all__ = [
    "STAFF_ROLES",
    "AuditChainHead",
    "AuditEvent",
    "Location",
    "LoginSession",
    "OutboxMessage",
    "Role",
    "Ticket",
    "TicketEvent",
    "User",
    "user_roles",
]
