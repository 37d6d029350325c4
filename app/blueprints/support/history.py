"""Leave no confidential page one Back away after a quick exit.

Three habits, together, make the browser's Back and Forward land on the neutral site:

- Every person's page is no-store, so history navigation fetches it again.
- The exit endpoint sets a short-lived cookie (scoped to /support/, holding nothing but the
  flag) and any person's page requested with it answers a redirect to the neutral site: each
  confidential history entry, revisited, turns into the neutral site.
- Forms post and then redirect (post/redirect/get), so no history entry is a POST result
  (which a browser shows as "Confirm form resubmission", address and all). A form with
  errors is kept, encrypted, in the session for the one GET that shows it again.

With JavaScript, quick-exit.js also replaces instead of pushing (links within the section,
the exit itself), so the visit leaves as few entries as it can.
"""
from __future__ import annotations

import json

from flask import current_app, redirect, request, session, url_for
from werkzeug.datastructures import MultiDict

from app.core.crypto import seal, unseal

STASH = "support_form"
SENT = "support_sent"
# A stash larger than this stays out of the session cookie (browsers cap cookies at 4 KB);
# that one form then shows its errors in the POST response as before.
STASH_MAX = 2400


def exit_cookie() -> str:
    return current_app.config["DV_EXIT_COOKIE"]


def has_left() -> bool:
    """True when this browser used the quick exit in the last DV_EXIT_SECONDS."""
    return request.cookies.get(exit_cookie()) == "1"


def to_neutral():
    return redirect(current_app.config["DV_NEUTRAL_URL"], 303)


def leave():
    """The exit: mark this browser as having left, and go to the neutral site."""
    response = to_neutral()
    config = current_app.config
    response.set_cookie(exit_cookie(), "1", max_age=config["DV_EXIT_SECONDS"],
                        path=url_for("support.start"), samesite="Lax",
                        secure=config["SESSION_COOKIE_SECURE"], httponly=False)
    return response


def stash_errors():
    """Keep what was posted (encrypted) for the GET that shows the errors; None when it is
    too large for the session cookie."""
    items = [(key, value) for key, value in request.form.items(multi=True)]
    sealed = seal(json.dumps([request.path, items]))
    if len(sealed) > STASH_MAX:
        return None
    session[STASH] = sealed
    return redirect(request.full_path.rstrip("?"), 303)


def stashed_form() -> MultiDict | None:
    """What was posted to this page just before, once; None when nothing was."""
    sealed = session.pop(STASH, None)
    if not sealed:
        return None
    try:
        path, items = json.loads(unseal(sealed))
    except (ValueError, TypeError):
        return None
    return MultiDict(items) if path == request.path else None


def remember_sent(reference: str, token: str | None, mail_held: bool = False) -> None:
    session[SENT] = seal(json.dumps([reference, token, mail_held]))


def sent_once() -> tuple[str, str | None, bool] | None:
    """The confirmation to show once after a request was sent: reference, private token (None
    for a repeat), and whether the receipt mail was held back by the per-address limit."""
    sealed = session.pop(SENT, None)
    if not sealed:
        return None
    try:
        reference, token, mail_held = json.loads(unseal(sealed))
    except (ValueError, TypeError):
        return None
    return reference, token, bool(mail_held)
