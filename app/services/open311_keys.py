"""Open311 API keys: made once (the raw key is shown to whoever made it, never stored),
named, listed and revoked by admins; every check reads the database, so a revocation holds
on every worker from the next request on.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from app.core import tokens
from app.core.database import use_case
from app.extensions import db
from app.models.accounts import User
from app.models.base import utcnow
from app.models.open311 import ApiKey
from app.services import audit

KEY_PREFIX = "o311_"
NAME_MAX = 80
NAME_PATTERN = re.compile(r"^[\w .,()'&/+-]{1,80}$")
# A key is KEY_PREFIX and 43 URL-safe characters; anything much longer is not one of ours.
KEY_MAX = 100


class ApiKeyError(ValueError):
    """A key name that cannot be used; the message is shown to the admin."""


@dataclass(frozen=True)
class NewKey:
    key: ApiKey
    raw: str  # shown once


def _clean_name(name: str | None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ApiKeyError("Give the key a name: the system that will use it.")
    if not NAME_PATTERN.match(name):
        raise ApiKeyError(f"Use letters, digits and simple punctuation, at most {NAME_MAX} "
                        "characters.")
    return name


def _name_taken(name: str, except_id: int | None = None) -> bool:
    query = select(ApiKey.id).where(func.lower(ApiKey.name) == name.lower())
    if except_id is not None:
        query = query.where(ApiKey.id != except_id)
    return db.session.scalar(query) is not None


@use_case
def create_key(name: str, actor: User | None) -> NewKey:
    """A new key for the system `name`; the raw key is in the result and nowhere else."""
    name = _clean_name(name)
    if _name_taken(name):
        raise ApiKeyError(f"There is already a key named {name}.")
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name, key_hash=tokens.hash_token(raw), prefix=raw[:len(KEY_PREFIX) + 4],
                 created_by_id=actor.id if actor is not None else None)
    db.session.add(key)
    db.session.flush()
    audit.record("open311.key_created", actor, "api_key", key.id, detail=f"name={name}")
    return NewKey(key, raw)


def active_key(raw: str | None) -> ApiKey | None:
    """The unrevoked key `raw` is, read from the database now; None for anything else."""
    if not raw or len(raw) > KEY_MAX or not raw.startswith(KEY_PREFIX):
        return None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == tokens.hash_token(raw)))
    return key if key is not None and key.active else None


def list_keys() -> list[ApiKey]:
    return list(db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None),
                                                           ApiKey.name)))


def get_key(key_id: int) -> ApiKey | None:
    return db.session.get(ApiKey, key_id)


@use_case
def rename_key(key_id: int, name: str, actor: User) -> ApiKey:
    key = db.session.get(ApiKey, key_id)
    if key is None:
        raise ApiKeyError("There is no such key.")
    name = _clean_name(name)
    if _name_taken(name, except_id=key.id):
        raise ApiKeyError(f"There is already a key named {name}.")
    old, key.name = key.name, name
    audit.record("open311.key_renamed", actor, "api_key", key.id, detail=f"from={old} to={name}")
    return key


@use_case
def revoke_key(key_id: int, actor: User | None) -> ApiKey:
    """Refuse the key from now on (idempotent: revoking twice keeps the first time)."""
    key = db.session.get(ApiKey, key_id)
    if key is None:
        raise ApiKeyError("There is no such key.")
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        audit.record("open311.key_revoked", actor, "api_key", key.id, detail=f"name={key.name}")
    return key
