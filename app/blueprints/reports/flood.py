"""Flood control for anonymous reports, without ever turning away an emergency.

The count lives in Flask-Limiter's storage (memory in development, Redis in production, so
every worker shares it), under a keyed hash of the client address: the address itself is
never stored, not even in the limiter. Only reports actually taken count. A limited client
is not shown a bare 429: the view shows the form again with what was written, a message,
and the emergency and dispatch numbers. If the limiter's storage is down, reports go through.
"""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app, request
from flask_login import current_user
from limits import parse_many

from app.extensions import limiter

log = logging.getLogger(__name__)
NAMESPACE = "report-submit"


def applies(anonymous: bool) -> bool:
    """Anonymous reports and visitors without an account are limited; members naming
    themselves are not."""
    if not current_app.config.get("RATELIMIT_ENABLED"):
        return False
    return anonymous or not current_user.is_authenticated


def _client_key() -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    address = (request.remote_addr or "unknown").encode()
    return hmac.new(secret, b"report-flood:" + address, hashlib.sha256).hexdigest()[:32]


def _strategy():
    try:
        return limiter.limiter
    except AssertionError:  # the limiter was never enabled in this process
        return None


def _items():
    return parse_many(current_app.config["REPORT_RATE_LIMIT"])


def is_flooded() -> bool:
    strategy = _strategy()
    if strategy is None:
        return False
    key = _client_key()
    try:
        return any(not strategy.test(item, NAMESPACE, key) for item in _items())
    except Exception:  # noqa: BLE001 - an unreachable store must not block a report
        log.warning("report flood check skipped: limiter storage unavailable")
        return False


def count_submission() -> None:
    strategy = _strategy()
    if strategy is None:
        return
    key = _client_key()
    try:
        for item in _items():
            strategy.hit(item, NAMESPACE, key)
    except Exception:  # noqa: BLE001
        log.warning("report flood count skipped: limiter storage unavailable")
