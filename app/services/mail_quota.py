"""How many unrequested emails one address may get: a mail to an address someone typed
(it may not be theirs) is sent only while that address is under RATELIMIT_MAIL_PER_ADDRESS.

The count lives in Flask-Limiter's store (Redis in production, shared by every worker),
under a keyed hash of the address. If the store cannot be reached, the mail is sent.
"""
from __future__ import annotations

import logging

from flask import current_app
from limits import parse_many

from app.core.tokens import keyed
from app.extensions import limiter
from app.services import outbox

log = logging.getLogger(__name__)
NAMESPACE = "mail-to"


def may_mail(address: str) -> bool:
    """Count one mail to `address`; False when it has had its share already."""
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return True
    try:
        strategy = limiter.limiter
    except AssertionError:  # the limiter was never initialised in this process
        return True
    key = keyed(NAMESPACE, address.strip().lower())
    items = parse_many(current_app.config["RATELIMIT_MAIL_PER_ADDRESS"])
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    args = [prefix, NAMESPACE, key] if prefix else [NAMESPACE, key]
    try:  # each hit is one atomic step in the store: no two workers both get the last one
        return all([strategy.hit(item, *args) for item in items])
    except Exception:  # noqa: BLE001 - an unreachable store must not lose the mail
        log.warning("mail quota skipped: limiter storage unavailable")
        return True


def enqueue_typed(to: str, template: str, subject: str, **kwargs) -> bool:
    """`outbox.enqueue` for a typed address, if its quota allows; True when queued."""
    if not may_mail(to):
        log.info("mail to a typed address skipped: quota reached (%s)", template)
        return False
    outbox.enqueue(to, template, subject, **kwargs)
    return True
