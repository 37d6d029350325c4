"""The web side of `Actor`: built from the request, bound while the request runs."""
from __future__ import annotations

import contextlib

from flask import Flask, g, request
from flask_login import current_user

from app.core import actor as actors
from app.core.actor import Actor
from app.web.language import page_language


def current_actor() -> Actor:
    """This request's account, client address and user agent."""
    user = current_user._get_current_object() if current_user else None
    return Actor(user=user, address=request.remote_addr,
                 user_agent=(request.user_agent.string or "")[:200], language=page_language())


def init_actor(app: Flask) -> None:
    """Bind the client's address and user agent while each request runs (the audit trail
    records the address without the services reading the request)."""

    @app.before_request
    def bind_client() -> None:
        g._actor_token = actors.bind(Actor(address=request.remote_addr,
                                           user_agent=(request.user_agent.string or "")[:200],
                                           language=page_language()))

    @app.teardown_request
    def unbind_client(_error=None) -> None:
        token = g.pop("_actor_token", None)
        if token is not None:
            with contextlib.suppress(ValueError):  # bound in another context (a stream)
                actors.unbind(token)
