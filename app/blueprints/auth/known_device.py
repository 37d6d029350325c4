"""The "known device" cookie: which accounts have signed in from this browser before.

A signed (SECRET_KEY, itsdangerous), HttpOnly, long-lived cookie holding up to
MAX_ACCOUNTS (user id, random device id) pairs, newest first, renewed at each sign-in. It
grants nothing by itself: it only tells the throttle that this browser is one the account's
owner has used, so other people's failures elsewhere do not hold it back.
"""
from __future__ import annotations

from flask import Response, current_app, request

from app.core import tokens
from app.services.login_throttle import Client

COOKIE = "portal_known_device"
PURPOSE = "known-device"
MAX_ACCOUNTS = 10


def _max_age() -> int:
    return current_app.config["KNOWN_DEVICE_DAYS"] * 86400


def _pairs() -> tuple[tuple[int, str], ...]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return ()
    try:
        payload = tokens.unsign(PURPOSE, raw, _max_age())
    except tokens.InvalidToken:
        return ()
    if not isinstance(payload, list):
        return ()
    return tuple((p[0], p[1]) for p in payload[:MAX_ACCOUNTS]
                 if isinstance(p, list) and len(p) == 2 and isinstance(p[0], int)
                 and isinstance(p[1], str) and len(p[1]) <= 64)


def client() -> Client:
    """This request as the throttle sees it: its address and its known-device pairs."""
    return Client(address=request.remote_addr, devices=_pairs())


def remember(response: Response, user_id: int, device: str | None) -> Response:
    """Keep (or renew) this browser as a known device of `user_id`."""
    if device is None:
        return response
    pairs = [[user_id, device]] + [[u, d] for u, d in _pairs() if u != user_id]
    response.set_cookie(
        COOKIE, tokens.sign(PURPOSE, pairs[:MAX_ACCOUNTS]), max_age=_max_age(),
        httponly=True, samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"],
        path="/")
    return response
