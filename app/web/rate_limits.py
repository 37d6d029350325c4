"""Flood control for every public form that opens a ticket or sends mail.

Built on Flask-Limiter only: a shared limit per group of forms (settings in config.py,
RATELIMIT_*_LIMIT), counted per client on POST only: a signed-in member by account,
anyone else by address (`client_key`; a keyed hash either way, so the limiter's store,
Redis in production, never holds an address or an account id).

Every POST counts, accepted or not. Flask-Limiter's `deduct_when` only *tests* the limit
before the view and *hits* it afterwards, so five simultaneous requests would all pass a
limit of five with one left; a plain hit is one atomic step in the store (Redis: one Lua
script for the moving window), so exactly N of any number of simultaneous requests pass.
The limits are sized for a person who corrects a few mistakes.

When a limit is reached the form is shown again with what was typed, a message with the
emergency and dispatch numbers, status 429 and Retry-After (`breached`); on DV pages the
page keeps its quick exit and safety note, since it is the same template.
"""
from __future__ import annotations

import functools
import time
from collections.abc import Callable

from flask import current_app, g, make_response, request
from flask_login import current_user

from app.core.tokens import keyed
from app.extensions import limiter

# Groups of forms that share one count per client, and the setting that holds their limit.
TICKETS = ("tickets", "RATELIMIT_TICKET_LIMIT")  # escorts, reports, DV, outreach, devices
REPLIES = ("replies", "RATELIMIT_REPLY_LIMIT")  # follow-up messages, DV replies, cancels, walks
SIGNUPS = ("signups", "RATELIMIT_SIGNUP_LIMIT")  # seminar places, APB subscriptions
UPLOADS = ("uploads", "RATELIMIT_UPLOAD_LIMIT")  # photos added to a report
WALKS = ("walks", "RATELIMIT_WALK_LIMIT")  # starting a virtual walk
HELP = ("help", "RATELIMIT_HELP_LIMIT")  # a walk's Help now (its own count: never spent elsewhere)


def client_key() -> str:
    """Who is counted: a signed-in member by their account, anyone else by address (the
    real one behind PROXY_FIX_X_FOR proxies). A hospital's staff often reach the portal
    through one address (its NAT or proxy): counted by address, one ward's requests would
    spend every colleague's count, and a visitor's too."""
    if current_user.is_authenticated:
        return keyed("member", str(current_user.id))
    return keyed("client", request.remote_addr or "unknown")


def form_limit(group: tuple[str, str], render: Callable) -> Callable:
    """Decorator: `group`'s shared limit on this view's POSTs; when it is reached,
    `render(**view_args)` (the view's own form page, filled from request.form) answers."""
    scope, setting = group
    return limiter.shared_limit(
        lambda: current_app.config[setting], scope=scope, key_func=client_key,
        methods=["POST"], on_breach=functools.partial(breached, render),
    )


def breached(render: Callable, request_limit) -> object:
    """The 429 answer: the form again, with the "too many" panel (see base.html)."""
    retry_after = max(1, int(request_limit.reset_at - time.time()))
    g.rate_limited = {"minutes": max(1, round(retry_after / 60))}
    response = make_response(render(**(request.view_args or {})))
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


def is_rate_limited() -> bool:
    return bool(g.get("rate_limited"))
