"""All models, imported here so that Alembic and the app see every table."""
from app.models.accounts import STAFF_ROLES, LoginSession, Role, User, user_roles
from app.models.audit import AuditChainHead, AuditEvent
from app.models.locations import Location
from app.models.outbox import OutboxMessage
from app.models.tickets import Ticket, TicketEvent

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
