"""Demo staff and member accounts for `make run`, and the Role rows for every staff role.

Every demo account signs in with DEMO_PASSWORD. The seeder skips the strength check (the
password is printed in the README, so it is not secret anyway) and logs nothing about it.
"""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.accounts import STAFF_ROLES, Role, User
from app.models.base import utcnow
from app.services import passwords

ORDER = 10
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo password)

# (email, full name, display name, roles, affiliation)
DEMO_ACCOUNTS = (
    ("admin@demo.example", "Alex Admin", None, ("admin",), "employee"),
    ("dispatcher@demo.example", "Dana Dispatcher", None, ("dispatcher",), "employee"),
    ("officer@demo.example", "Sam Lee", "Officer Lee", ("officer",), "employee"),
    ("officer2@demo.example", "Maria Diaz", "Officer Diaz", ("officer",), "employee"),
    ("advocate@demo.example", "Ari Advocate", None, ("advocate",), "employee"),
    ("trainer@demo.example", "Terry Trainer", None, ("trainer",), "employee"),
    ("editor@demo.example", "Eddie Editor", None, ("editor",), "employee"),
    ("member@demo.example", "Morgan Member", None, (), "visitor"),
)


def _roles() -> dict[str, Role]:
    existing = {role.name: role for role in db.session.scalars(select(Role))}
    for name in STAFF_ROLES:
        if name not in existing:
            existing[name] = Role(name=name)
            db.session.add(existing[name])
    return existing


def seed() -> None:
    roles = _roles()
    for email, name, display_name, role_names, affiliation in DEMO_ACCOUNTS:
        if db.session.scalar(select(User).where(User.email == email)) is not None:
            continue
        user = User(
            email=email,
            name=name,
            display_name=display_name,
            affiliation=affiliation,
            password_hash=passwords.hash_password(DEMO_PASSWORD),
            email_verified_at=utcnow(),
        )
        user.roles = [roles[r] for r in role_names]
        db.session.add(user)
    db.session.flush()
