"""Counters of failed sign-ins, one row per scope: a client, an account on one client, an account.

Each row is keyed by the SHA-256 of its scope ("client|203.0.113.9",
"pair|<address hash>|device:<id>", "account|<address hash>"), so neither an address nor an
email is stored, and an address without an account counts exactly like one with. A row
counts the failures of its current window; at its limit it is locked until `locked_until`.
`notified_at` marks the burst the account's owner has been emailed about.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.base import utcnow


class LoginCounter(db.Model):
    __tablename__ = "login_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    notified_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
