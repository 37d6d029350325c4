"""Helpers shared by every model: UTC time and the timestamp mixin.

Times are stored as naive UTC on every database (SQLite has no time zones) and shown in the
site's time zone by the `localtime` template filter.
"""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
