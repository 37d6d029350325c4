"""Sign-in failure counting that slows whoever fails, not the account's owner.

Three counters (rows of LoginCounter, keyed by the SHA-256 of their scope) count failures:

- per client address: one address trying many accounts;
- per account on one client (the client is the owner's known device when the browser
  carries one, else the address): someone guessing one account from one place;
- per account: a guess spread over many addresses. This one only stops clients the account
  has never signed in from, and never stops a sign-in that also needs a second factor.

A browser that has signed in to an account before carries a signed "known device" cookie for
it; such a browser is judged only by its own pair counter, so a stranger elsewhere (or on
the same network) who types the owner's address fifty times does not lock the owner out.

The rows are read with SELECT ... FOR UPDATE in key order (PostgreSQL) inside a use case's
BEGIN IMMEDIATE (SQLite), so counts are exact across workers.
"""
from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.database import use_case
from app.extensions import db
from app.models.base import utcnow
from app.models.login_throttle import LoginCounter
from app.ops.jobs import periodic

SCOPES = ("client", "pair", "account")


@dataclass(frozen=True)
class Client:
    """Who is knocking: the connection's address and the known-device ids its browser holds."""

    address: str | None = None
    devices: tuple[tuple[int, str], ...] = ()

    def device_for(self, user_id: int | None) -> str | None:
        return next((device for uid, device in self.devices if uid == user_id), None)


@dataclass(frozen=True)
class Burst:
    """The moment an account's counter reached its limit: tell the owner once."""

    failures: int
    minutes: int
    network: str


def email_hash(email: str) -> str:
    return _digest((email or "").strip().lower())


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def network_of(address: str | None) -> str:
    """A rough "from where" for a person: the /24 (IPv4) or /48 (IPv6), never the address."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "an unknown network"
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _keys(email: str, client: Client, device: str | None) -> dict[str, str]:
    account = email_hash(email)
    place = f"device:{device}" if device else f"address:{client.address}"
    return {
        "client": _digest(f"client|{client.address}"),
        "pair": _digest(f"pair|{account}|{place}"),
        "account": _digest(f"account|{account}"),
    }


def _limits() -> dict[str, int]:
    config = current_app.config
    return {"client": config["LOGIN_CLIENT_MAX_FAILURES"], "pair": config["LOGIN_MAX_FAILURES"],
            "account": config["LOGIN_ACCOUNT_MAX_FAILURES"]}


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


def is_blocked(email: str, client: Client, device: str | None, second_factor: bool) -> bool:
    """Whether this attempt is refused before its password is even checked."""
    return _blocked(_rows(_keys(email, client, device)), device, second_factor)


def _blocked(rows: dict[str, LoginCounter], device: str | None, second_factor: bool) -> bool:
    now = utcnow()
    if _locked(rows["pair"], now):
        return True
    if device:
        return False  # the owner's own browser: other people's failures do not count here
    return _locked(rows["client"], now) or (_locked(rows["account"], now) and not second_factor)


def _locked(row: LoginCounter, now: datetime) -> bool:
    return row.locked_until is not None and row.locked_until > now


def record_failure(email: str, client: Client, device: str | None,
                   second_factor: bool = False) -> tuple[bool, Burst | None]:
    """Count one failure on every scope. Returns whether this client is now held back, and
    a Burst when the account's counter has just filled (its owner is told once per burst)."""
    now, limits = utcnow(), _limits()
    rows = _rows(_keys(email, client, device))
    for scope, row in rows.items():
        _count(row, limits[scope], now)
    account, burst = rows["account"], None
    if account.locked_until and account.notified_at is None:
        account.notified_at = now
        burst = Burst(account.failures, current_app.config["LOGIN_LOCK_MINUTES"],
                      network_of(client.address))
    return _blocked(rows, device, second_factor), burst


def _count(row: LoginCounter, limit: int, now: datetime) -> None:
    if not _locked(row, now) and now - row.window_started_at > _window():
        row.failures, row.window_started_at, row.notified_at = 0, now, None
        row.locked_until = None
    row.failures = (row.failures or 0) + 1
    if row.failures >= limit and not _locked(row, now):
        row.locked_until = now + _window()


def forget(email: str, client: Client, device: str | None, scopes=("pair",)) -> None:
    """Clear counters after a success: the pair on sign-in, the account on a password reset."""
    keys = _keys(email, client, device)
    db.session.execute(delete(LoginCounter).where(
        LoginCounter.key.in_([keys[s] for s in scopes])))


def count_key_failure(scope: str) -> bool:
    """Count a failure on a named counter of its own (e.g. the change-password form);
    True when that counter is now locked."""
    row = _rows({"own": _digest(scope)})["own"]
    now = utcnow()
    _count(row, current_app.config["LOGIN_MAX_FAILURES"], now)
    return _locked(row, now)


def _rows(keys: dict[str, str]) -> dict[str, LoginCounter]:
    by_key = {key: _row(key) for key in sorted(set(keys.values()))}  # lock in key order
    return {scope: by_key[key] for scope, key in keys.items()}


def _row(key: str) -> LoginCounter:
    query = select(LoginCounter).where(LoginCounter.key == key).with_for_update()
    row = db.session.scalars(query.execution_options(populate_existing=True)).first()
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LoginCounter(key=key, failures=0, window_started_at=utcnow())
            db.session.add(row)
    except IntegrityError:  # another request inserted it first
        row = db.session.scalars(query.execution_options(populate_existing=True)).one()
    return row


@periodic("accounts.purge_login_throttle", every_seconds=3600)
@use_case
def purge_login_throttle() -> int:
    """Forget failure counts once they no longer matter (a day)."""
    cutoff = utcnow() - timedelta(days=1)
    result = db.session.execute(delete(LoginCounter).where(LoginCounter.updated_at < cutoff))
    return result.rowcount or 0
