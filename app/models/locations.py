"""Campus places used by every location field."""
from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

LOCATION_KINDS = ("building", "garage", "transit", "landmark", "entrance")


class Location(db.Model):
    __tablename__ = "location"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="building")
    description: Mapped[str | None] = mapped_column(String(240))
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name
