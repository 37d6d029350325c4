"""Small helpers the auth and account views share: where `next` may lead, form errors."""
from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from flask_wtf import FlaskForm

MAX_NEXT_LENGTH = 2000


def safe_next(target: object) -> str | None:
    """`target` when it is a path on this site, else None.

    Refused: anything but a string, absolute URLs (https://, javascript:, data:),
    scheme-relative ones (//evil, /\\evil, which browsers read as //evil), backslashes,
    whitespace and control characters anywhere (browsers strip some of them, which can turn
    "/\\t/evil" into "//evil").
    """
    if not isinstance(target, str) or not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if "\\" in target or any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def add_error(form: FlaskForm, field_name: str, message: str) -> None:
    """Show a service's refusal on the form, beside the field it concerns."""
    field = form[field_name] if field_name in form else next(iter(form))
    field.errors = [*field.errors, message]


# Where each kind of account starts its shift after signing in, first match wins.
LANDING_PAGES = (
    ("dispatcher", "dispatch.queue"),
    ("officer", "dispatch.my_assignments"),
    ("advocate", "support.queue"),
    ("trainer", "seminars.manage"),
    ("editor", "apb.manage"),
    ("supervisor", "dashboard.home"),
    ("admin", "admin.users"),
)


def landing_page(user) -> str:
    """The page a person lands on after signing in when no `next` was asked for."""
    from flask import url_for

    for role, endpoint in LANDING_PAGES:
        if role in user.role_names:
            return url_for(endpoint)
    return url_for("account.home")
