"""Demo data for `make run`.

Each domain has a module here with `ORDER` (an int: accounts and locations come first) and
`seed()`; `seed_all` runs them in order, committing after each. The seeders are not
meant to run twice (a second run would register the same devices, book the same escorts
again), so `seed_all` refuses a database that already holds the demo accounts.
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


class DemoAlreadyLoaded(Exception):
    """The demo accounts are already there: seeding again would duplicate the demo."""


def demo_loaded() -> bool:
    from app.demo.accounts import DEMO_ACCOUNTS

    emails = [account[0] for account in DEMO_ACCOUNTS]
    return bool(db.session.scalar(select(func.count(User.id)).where(User.email.in_(emails))))


def seed_all(only_if_empty: bool = False) -> bool:
    """Load the demo; False when `only_if_empty` and the database has users.

    Raises DemoAlreadyLoaded (and writes nothing) when the demo accounts exist."""
    if only_if_empty and db.session.scalar(select(func.count(User.id))):
        return False
    if demo_loaded():
        raise DemoAlreadyLoaded(
            "Demo data is already loaded: nothing was added. "
            "To start again from an empty database: make clean && make run.")
    for seed in seeders():
        seed()
        db.session.commit()
    return True
