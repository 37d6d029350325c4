"""Friendly error pages, and a 503 when the database stays busy."""
from __future__ import annotations

import logging

from flask import Flask, g, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.core.database import is_database_busy, is_database_unavailable
from app.core.i18n import lazy_gettext as _l
from app.extensions import db, login_manager
from app.web.headers import no_store

log = logging.getLogger(__name__)

TITLES = {
    400: _l("We could not understand that request"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("That action is not allowed here"),
    413: _l("That upload is too large"),
    409: _l("This changed while you were working on it"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("The service is busy"),
}


# Form fields never shown back on the "form expired" page, by name fragment.
NEVER_ECHO = ("password", "token", "secret", "passphrase", "_key")
KEEP_AT_MOST = 5000


def kept_form_values() -> list[tuple[str, str]]:
    """What the person typed into an expired form, minus secrets, so nothing is lost.

    Multi-valued fields keep every value. The submission key is kept too (not shown), so a
    resubmission still counts as the same form and cannot create a second record.
    """
    kept = []
    for name, value in request.form.items(multi=True):
        lowered = name.lower()
        if lowered == "csrf_token" or not value.strip():
            continue
        if any(part in lowered for part in NEVER_ECHO) and lowered != "submission_key":
            continue
        kept.append((name[:60], value[:KEEP_AT_MOST]))
    return kept


def render_error(code: int, **context):
    context.setdefault("title", TITLES.get(code, _l("Error")))
    return render_template("errors/error.html", code=code, **context), code


RETRY_AFTER_SECONDS = 5


def _discard_session() -> None:
    """Forget the request's transaction and user: the error page must not need the database
    (a lost connection would fail it again), so it is shown as to a signed-out visitor."""
    try:
        db.session.rollback()
    except Exception:  # the connection is gone; the pool replaces it on the next checkout
        log.debug("rollback after a database error failed", exc_info=True)
    g._login_user = login_manager.anonymous_user()
    g.database_down = True  # the alert banner shows its last copy without asking


def database_unavailable_page():
    """The friendly 503: try again shortly, the emergency number, and on a form what was
    typed, kept so it can be sent again (on DV pages kept but not shown: someone may be
    watching the screen; the quick exit stays)."""
    kept = kept_form_values() if request.method == "POST" else []
    if kept or request.blueprint == "support":
        no_store()  # it holds what was typed, which may be confidential
    if request.blueprint == "support":
        body = render_template("support/unavailable.html", kept=kept, title=TITLES[503])
    else:
        body = render_template("errors/error.html", code=503, title=TITLES[503], kept=kept)
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        no_store()  # it holds what was typed, which may be confidential
        # The DV section never shows what was typed (someone may be watching the screen)
        # and keeps its quick exit and safety note.
        template = "support/expired.html" if request.blueprint == "support" else "errors/csrf.html"
        return render_template(template, kept=kept_form_values(),
                               title=_l("Your form has expired"), reason=error.description), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:  # e.g. a rate limit's own page (app/web/rate_limits.py)
            return error.response
        return render_error(error.code, description=error.description)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def database_error(error: Exception):
        _discard_session()
        if is_database_busy(error) or is_database_unavailable(error):
            log.warning("database %s: %s %s",
                        "busy" if is_database_busy(error) else "unavailable",
                        request.method, request.path)
            return database_unavailable_page()
        log.exception("database error")
        return render_error(500)

    @app.errorhandler(StaleDataError)
    def stale_write(error: StaleDataError):
        """Someone else changed the same record first (the versioned UPDATE matched no row):
        nothing was saved. Dispatch pages show what changed; anything else lands here."""
        db.session.rollback()
        return render_error(409, description=_l("Someone else changed it first, so nothing "
                            "was saved. Go back, reload the page and try again."))

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
