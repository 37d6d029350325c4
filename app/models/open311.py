"""Open311 GeoReport v2: the keys other systems file requests with, and what is published.

An API key is shown once when it is made; only its SHA-256 is stored (like a follow-up
token), with a short prefix so admins can tell keys apart. A revoked key stays listed (the
audit trail names it) and is refused from the next request on, by every worker, because
every POST reads the key from the database.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class ApiKey(db.Model):
    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class PublishedService(db.Model):
    """The admin's choice for one Open311 service code; a code without a row takes its
    default (app.services.open311.SERVICES)."""

    __tablename__ = "open311_service"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    published: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
