"""Demo data for `make run`: each domain adds its own seeder to SEEDERS, in order."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import User

SEEDERS: list = []


def seed_all(only_if_empty: bool = False) -> bool:
    if only_if_empty and db.session.scalar(select(func.count(User.id))):
        return False
    for seeder in SEEDERS:
        seeder()
        db.session.commit()
    return True
