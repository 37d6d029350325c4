"""Who is acting: the account (or nobody), the client's address, user agent and language.

The web layer builds an `Actor` for each request (app.web.actor) and binds it here for the
request's duration; services take an Actor (or plain values) and never look at the request.
Outside a request (the worker, the CLI, a test calling a service) nobody is bound: the
audit trail then records no address.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None  # the User, or None / an anonymous user for a visitor
    address: str | None = None  # the client's address, as the proxy settings trust it
    user_agent: str = ""
    language: str = "en"  # the language of the page the person acted on

    @property
    def account(self):
        """The signed-in User, or None."""
        user = self.user
        return user if user is not None and getattr(user, "is_authenticated", False) else None

    @property
    def session_token(self) -> str | None:
        """The raw token of the session this browser holds now (replaced at sign-in)."""
        return getattr(self.account, "session_token", None)


NOBODY = Actor()
_bound: ContextVar[Actor | None] = ContextVar("portal_actor", default=None)


def bound() -> Actor:
    """The Actor the web layer bound for this request, or NOBODY."""
    return _bound.get() or NOBODY


def bind(actor: Actor | None) -> object:
    """Bind `actor` (returns the token `unbind` takes)."""
    return _bound.set(actor)


def unbind(token: object) -> None:
    _bound.reset(token)


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    token = bind(actor)
    try:
        yield actor
    finally:
        unbind(token)
