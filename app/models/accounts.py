"""People: accounts, staff roles and login sessions."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.crypto import EncryptedText
from app.extensions import db
from app.models.base import TimestampMixin, utcnow
from app.models.locations import Location

STAFF_ROLES = (
    "dispatcher", "officer", "advocate", "trainer", "editor", "supervisor", "admin",
)
# Roles whose accounts must have a second sign-in factor before they can do anything.
SECOND_FACTOR_ROLES = ("admin", "advocate")
AFFILIATIONS = ("employee", "patient", "visitor", "other")

# Roles one account may not hold together: the advocates' records are closed to admins,
# so an admin must not be able to grant themselves (or hold) the advocate role.
INCOMPATIBLE_ROLES = (frozenset({"admin", "advocate"}),)


def role_conflict(names) -> str | None:
    """Why this set of roles cannot go to one account, or None when it can."""
    for pair in INCOMPATIBLE_ROLES:
        if pair <= set(names):
            return ("One account cannot be both admin and advocate: advocates' records are "
                    "closed to admins. Use a separate account for each.")
    return None

user_roles = Table(
    "user_role",
    db.metadata,
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
    Column("role_id", ForeignKey("role.id", ondelete="CASCADE"), primary_key=True),
)


class Role(db.Model):
    __tablename__ = "role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)

    def __repr__(self) -> str:
        return f"<Role {self.name}>"


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    display_name: Mapped[str | None] = mapped_column(String(60))
    affiliation: Mapped[str] = mapped_column(String(20), default="other")
    phone: Mapped[str | None] = mapped_column(String(40))
    # The language the member reads ("en", "es"): set at registration, changed with the
    # language link while signed in; account mail is written in it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    # An employee's clinical unit, chosen once for unit requests (app.services.units).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None]
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # The second factor (RFC 6238 TOTP): the secret encrypted with FIELD_ENCRYPTION_KEY,
    # active once confirmed with a code; the last time step used, so a code works once.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_confirmed_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list[Role]] = relationship(secondary=user_roles, lazy="selectin")
    unit: Mapped[Location | None] = relationship(foreign_keys=[unit_id])

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        return self.is_active_account

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(role.name for role in self.roles)

    @property
    def is_staff(self) -> bool:
        return bool(self.role_names)

    @property
    def mail_language(self) -> str:
        """The language of mail about this account: the member's, English for staff (the
        division works in English)."""
        return "en" if self.is_staff else self.language

    def has_any_role(self, roles) -> bool:
        return bool(self.role_names & set(roles))

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None and self.totp_secret is not None

    @property
    def must_use_second_factor(self) -> bool:
        """Admins and advocates may do nothing until their second factor is set up."""
        return bool(self.role_names & set(SECOND_FACTOR_ROLES))

    @property
    def public_name(self) -> str:
        """The name shown to the public for an officer, e.g. "Officer Lee"."""
        return self.display_name or self.name

    session_token = None  # set per request by app.web.sessions, never stored

    def get_id(self) -> str | None:
        """Flask-Login keeps the random session token, not the user id (see app.web.sessions)."""
        return self.session_token

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class LoginSession(db.Model):
    """A server-side record of each login, so logout and disabling really end sessions.

    The cookie carries only the random session id; a copied cookie stops working as soon as
    its row is revoked.
    """

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()
