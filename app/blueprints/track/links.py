"""Remembering a just-made private link in the person's own session, briefly.

The raw token exists only at the moment a ticket is opened. A confirmation page is shown
after a redirect (so reloading it does not resubmit), and a double submit must show the
same confirmation, so the link is kept in the signed session cookie for a short while.
Any ticket kind's confirmation page uses `just_made` to show the reference and link.
"""
from __future__ import annotations

import time

from flask import flash, redirect, session, url_for
from flask_babel import gettext

from app.core.i18n import N_
from app.services.followup import follow_up_url
from app.services.tickets import Opened, ticket_for_token
from app.web.headers import no_store

KEY = "recent_links"
KEEP_SECONDS = 2 * 3600
KEEP_COUNT = 3


def remember_link(reference: str, token: str) -> None:
    now = int(time.time())
    links = {ref: entry for ref, entry in session.get(KEY, {}).items()
             if isinstance(entry, list) and len(entry) == 2 and now - entry[1] < KEEP_SECONDS}
    links[reference] = [token, now]
    newest = sorted(links.items(), key=lambda item: item[1][1])[-KEEP_COUNT:]
    session[KEY] = dict(newest)


def remembered_token(reference: str) -> str | None:
    entry = session.get(KEY, {}).get(reference)
    if not isinstance(entry, list) or len(entry) != 2:
        return None
    token, saved = entry
    if int(time.time()) - int(saved) >= KEEP_SECONDS:
        return None
    return token


def just_made(reference: str, lookup=ticket_for_token):
    """(ticket, private link) for the browser that just made `reference`, else (None, None).

    For confirmation pages: marks the response no-store, since it shows the private link.
    `lookup(reference, token)` finds the ticket (a kind may pass its own)."""
    no_store()
    token = remembered_token(reference)
    ticket = lookup(reference, token) if token else None
    link = follow_up_url(ticket.reference, token) if ticket else None
    return ticket, link


HELD_MAIL = N_("We did not email you about this request: that address has had several "
               "emails from us recently. Keep the private link on this page to follow your "
               "request.")


def flash_held_mail(opened: Opened) -> None:
    """Tell the person when their confirmation mail was skipped (the address's quota)."""
    if opened.mail_held:
        flash(gettext(HELD_MAIL), "warning")


def to_confirmation(opened: Opened, endpoint: str):
    """After a form opened a ticket: keep its private link for the confirmation page, say
    when the confirmation mail was held, and redirect there (303: a reload does not post)."""
    if opened.token:
        remember_link(opened.reference, opened.token)
    flash_held_mail(opened)
    return redirect(url_for(endpoint, reference=opened.reference), 303)
