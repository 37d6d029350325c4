"""Logs that are safe to keep: one line per record, no passwords, tokens or session ids.

`SafeLogFilter` rewrites each record's message before any handler writes it:
- CR and LF become the two characters \\r and \\n, so text a user typed (a path, a name)
  cannot forge a second log line;
- values of sensitive keys (password=..., "token": "...", Authorization: ...) become
  [redacted];
- the token of every private-link route (/track/<ref>/<token>, /verify/<token>, /walk/<token>, ...),
  whatever its length, anything that looks like a random token or signed link inside a URL
  path (a segment of 24 or more URL-safe characters) and long query values become
  [redacted];
- werkzeug's request log (the development server) loses its leading client address.

gunicorn's access log goes through the same `redact` (app/ops/access_log.py, gunicorn.conf.py).

`init_logging` installs it on the root handler (and Flask's), so records from every logger,
werkzeug's request log included, pass through it.
"""
from __future__ import annotations

import logging
import re

from flask import Flask
from flask.logging import default_handler

SENSITIVE_KEYS = (
    "password", "passwd", "new_password", "current_password", "secret",
    "token", "csrf_token", "session", "session_token", "authorization", "cookie",
    "api_key", "apikey", "remember_token", "mail_password", "secret_key",
)
_KEYS = "|".join(re.escape(k) for k in sorted(SENSITIVE_KEYS, key=len, reverse=True))
_KEY_VALUE = re.compile(
    r"""(?P<key>["']?\b[\w-]*(?:""" + _KEYS + r""")[\w-]*\b["']?\s*[:=]\s*)"""
    r"""(?P<value>"[^"]*"|'[^']*'|Bearer\s+\S+|Basic\s+\S+|[^\s,;&}\]]+)""",
    re.IGNORECASE,
)
_PATH_TOKEN = re.compile(r"(?<=/)[A-Za-z0-9_\-.]{24,}")
# The <token> segment of every private-link route, whatever its length (references stay
# readable); tests/security/test_access_log.py checks every route with a <token> is covered.
_SEGMENT = r"[^/?#\s\"']+"
_TOKEN_SEGMENT = re.compile(
    r"(?P<prefix>/(?:track/(?!mine/)" + _SEGMENT + r"|report/(?!sent/)" + _SEGMENT
    + r"|support/follow/" + _SEGMENT + r"|verify|reset|seminars/confirm"
    r"|seminars/registration|apb/(?:confirm|unsubscribe|resubscribe)"
    r"|walk(?=/(?!saved/|ended\b))|alerts/(?:subscribe/confirm|unsubscribe))/)" + _SEGMENT
)
# Query values that could be a token or an encoded private link.
_QUERY_VALUE = re.compile(r"(?P<key>[?&][^=&\s#\"']+=)[A-Za-z0-9_\-.%~+]{16,}")
# The client address werkzeug's development server puts first on each request line.
_LEADING_ADDRESS = re.compile(r"^\S+ - - \[")
REDACTED = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def redact(text: str) -> str:
    """`text` with sensitive values and path tokens replaced, and line breaks escaped."""
    text = _KEY_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    text = _TOKEN_SEGMENT.sub(lambda m: m.group("prefix") + REDACTED, text)
    text = _QUERY_VALUE.sub(lambda m: m.group("key") + REDACTED, text)
    text = _PATH_TOKEN.sub(REDACTED, text)
    return escape_line_breaks(text)


def escape_line_breaks(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")


class SafeLogFilter(logging.Filter):
    """Rewrites every record's message (see the module docstring); never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_portal_safe", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        if record.name.startswith("werkzeug"):  # its request log: no client address
            message = _LEADING_ADDRESS.sub("- - - [", message)
        record.msg = redact(message)
        record.args = None
        record._portal_safe = True
        return True


def init_logging(app: Flask) -> None:
    """One-line, redacted logs on stderr (or the handlers the host already set up)."""
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
    ours = logging.getLogger("app")  # every module of the portal logs under app.*
    if ours.level == logging.NOTSET:
        ours.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    for handler in [*root.handlers, default_handler]:
        if not any(isinstance(f, SafeLogFilter) for f in handler.filters):
            handler.addFilter(SafeLogFilter())
    app.logger  # noqa: B018  (created now, Flask sees the root handler and adds no second one)
