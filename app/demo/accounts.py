"""Demo staff and member accounts for `make run`, and the Role rows for every staff role.

Every demo account signs in with DEMO_PASSWORD; in development the demo admin and
advocate also have the published DEMO_TOTP_SECRET as their second factor
(`flask demo-totp EMAIL` prints the current code). The seeder skips the strength check (the
password is printed in the README, so it is not secret anyway) and logs nothing about it.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.core import passwords
from app.extensions import db
from app.models.accounts import STAFF_ROLES, Role, User
from app.models.base import utcnow

ORDER = 10
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (published demo password)
# The published demo TOTP secret of the demo admin and advocate, development only
# (DEMO_TOTP_ALLOWED): `flask demo-totp admin@demo.example` prints the current code, or add
# this key to any authenticator app.
DEMO_TOTP_SECRET = "DEMOPORTALTOTPDEMOPORTALTOTPDEMO"  # noqa: S105 (published, dev only)

# (email, full name, display name, roles, affiliation)
DEMO_ACCOUNTS = (
    ("admin@demo.example", "Alex Admin", None, ("admin",), "employee"),
    ("dispatcher@demo.example", "Dana Dispatcher", None, ("dispatcher",), "employee"),
    ("officer@demo.example", "Sam Lee", "Officer Lee", ("officer",), "employee"),
    ("officer2@demo.example", "Maria Diaz", "Officer Diaz", ("officer",), "employee"),
    ("advocate@demo.example", "Ari Advocate", None, ("advocate",), "employee"),
    ("trainer@demo.example", "Terry Trainer", None, ("trainer",), "employee"),
    ("editor@demo.example", "Eddie Editor", None, ("editor",), "employee"),
    ("supervisor@demo.example", "Sky Supervisor", None, ("supervisor",), "employee"),
    ("member@demo.example", "Morgan Member", None, (), "visitor"),
    # A nurse on unit 5B of the Research Tower (her unit is set by app/demo/units.py).
    ("nurse@demo.example", "Nina Nurse", None, (), "employee"),
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
        if current_app.config.get("DEMO_TOTP_ALLOWED") and user.must_use_second_factor:
            user.totp_secret, user.totp_confirmed_at = DEMO_TOTP_SECRET, utcnow()
        db.session.add(user)
    db.session.flush()


def current_demo_code(email: str) -> str:
    """The code a demo account's authenticator would show now; ValueError outside
    development or for an account that does not use the demo secret."""
    from app.services import second_factor

    if not current_app.config.get("DEMO_TOTP_ALLOWED"):
        raise ValueError("demo-totp works only in development (PORTAL_ENV=development).")
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or user.totp_secret != DEMO_TOTP_SECRET:
        raise ValueError(f"{email} is not a demo account with the demo second factor.")
    return second_factor.code_at(DEMO_TOTP_SECRET, second_factor.current_step())
