"""Demo data for `make run`.

Each domain has a module here with `ORDER` (an int: accounts and locations come first) and
`seed()`; `seed_all` runs them in order, committing after each.
"""

from __future__ import annotations

import importlib
import pkgutil

from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import User


def seeders() -> list:
    modules = [
        importlib.import_module(f"{__name__}.{m.name}") for m in pkgutil.iter_modules(__path__)
    ]
    return [m.seed for m in sorted(modules, key=lambda m: (m.ORDER, m.__name__))]


def seed_all(only_if_empty: bool = False) -> bool:
    if only_if_empty and db.session.scalar(select(func.count(User.id))):
        return False
    for seed in seeders():
        seed()
        db.session.commit()
    return True
