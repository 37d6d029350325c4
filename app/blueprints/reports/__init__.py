"""Reports of suspicious packages, persons and substances."""
import logging
import re

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/report")

_ADDRESS = re.compile(r"^\S+ - - ")


class NoReporterAddress(logging.Filter):
    """Werkzeug's access log starts each line with the client address; for report pages
    (anonymous reports, photos) the address is replaced by "-" so no log keeps it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if " /report/" in message and _ADDRESS.match(message):
            record.msg, record.args = _ADDRESS.sub("- - - ", message), None
        return True


@bp.record_once
def _hide_reporter_addresses(_state) -> None:
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, NoReporterAddress) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(NoReporterAddress())


from app.blueprints.reports import routes  # noqa: E402,F401
