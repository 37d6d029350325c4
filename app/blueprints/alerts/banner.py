"""The alert banner of every page: which alerts to show this visitor, and hiding one.

Hiding lasts for the visit: a session cookie (no expiry) lists the hidden alerts' ids. The
hide button posts without a CSRF token, so that showing the banner never starts a session
(pages stay cacheable): a post another site makes is refused by its Sec-Fetch-Site or Origin
header instead; the worst a forged one could do is hide an alert, so that is enough.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Response, current_app, g, request
from flask_babel import gettext

from app.blueprints.alerts import bp
from app.models.alerts import CAMPUS_WIDE, SEVERITY_NAMES
from app.services import alert_banner

COOKIE = "hidden_alerts"
MAX_HIDDEN = 20
_IDS = re.compile(r"^\d{1,10}(\.\d{1,10}){0,19}$")


def hidden_ids() -> frozenset[int]:
    """The alerts this visitor hid (a malformed cookie hides nothing)."""
    raw = request.cookies.get(COOKIE, "")
    if not _IDS.match(raw):
        return frozenset()
    return frozenset(int(part) for part in raw.split("."))


def hide_cookie(response: Response, alert_id: int) -> None:
    ids = sorted(hidden_ids() | {alert_id})[-MAX_HIDDEN:]
    response.set_cookie(COOKIE, ".".join(str(i) for i in ids), httponly=True, samesite="Lax",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], path="/")


def same_site_post() -> bool:
    """False for a post another site made (browsers say so in these headers)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    # this site's own origin: SITE_URL's host and port, or an extra trusted host on its
    # default port (never the same host name on another port: another app)
    config = current_app.config
    ours = {urlsplit(config["SITE_URL"]).netloc, *config["EXTRA_TRUSTED_HOSTS"]}
    return origin is None or urlsplit(origin).netloc in ours


@bp.app_template_global("campus_alerts")
def campus_alerts() -> list[alert_banner.Notice]:
    """What base.html shows on every page, error pages included (from the copy alone when
    the database is known to be down)."""
    return alert_banner.notices(hidden=hidden_ids(), offline=bool(g.get("database_down")))


@bp.app_template_filter("alert_where")
def alert_where(where: str) -> str:
    """An alert's places in the page's language: "Campus-wide" is translated, the places'
    own names are not (the CAP feed keeps the English)."""
    return gettext(CAMPUS_WIDE) if where == CAMPUS_WIDE else where


@bp.app_template_filter("alert_severity")
def alert_severity(severity: str) -> str:
    """A severity's name in the page's (or the mail's) language."""
    return gettext(SEVERITY_NAMES[severity]) if severity in SEVERITY_NAMES else severity
