"""Friendly error pages, and a 503 when the database stays busy."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.database import is_database_busy
from app.extensions import db
from app.headers import no_store

log = logging.getLogger(__name__)

TITLES = {
    400: "We could not understand that request",
    403: "You do not have access to this page",
    404: "Page not found",
    405: "That action is not allowed here",
    413: "That upload is too large",
    429: "Too many attempts",
    500: "Something went wrong on our side",
    503: "The service is busy",
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
    context.setdefault("title", TITLES.get(code, "Error"))
    return render_template("errors/error.html", code=code, **context), code


def init_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        no_store()  # it holds what was typed, which may be confidential
        # The DV section never shows what was typed (someone may be watching the screen)
        # and keeps its quick exit and safety note.
        template = "support/expired.html" if request.blueprint == "support" else "errors/csrf.html"
        return render_template(template, kept=kept_form_values(),
                               title="Your form has expired", reason=error.description), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:  # e.g. a rate limit's own page (app/rate_limits.py)
            return error.response
        return render_error(error.code, description=error.description)

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        db.session.rollback()
        if is_database_busy(error):
            log.warning("database busy: %s", request.path)
            response = render_error(503)
            return response[0], 503, {"Retry-After": "5"}
        log.exception("database error")
        return render_error(500)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return render_error(500)
