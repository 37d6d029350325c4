"""gunicorn's access log without client addresses or follow-up tokens.

`RedactingLogger` (used by gunicorn.conf.py) rewrites the atoms of each access-log line
before formatting: every client address (remote address, X-Forwarded-For, X-Real-IP,
Forwarded) becomes "-", and the request line, path, query, Referer and every other header or
environ value pass through app.ops.logging.redact, which replaces the token of every private link
(/track/<ref>/<token>, /verify/<token>, ...) and token-like query values with [redacted].
An anonymous reporter is then traceable neither by address nor by link.
"""
from __future__ import annotations

from gunicorn.glogging import Logger

from app.ops.logging import redact

ADDRESS_ATOMS = {"h", "{x-forwarded-for}i", "{x-real-ip}i", "{forwarded}i",
                 "{remote_addr}e", "{http_x_forwarded_for}e", "{http_x_real_ip}e",
                 "{http_forwarded}e"}
# No %(h)s: the client address is never written; no user agent or referrer either.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if name in ADDRESS_ATOMS:
                atoms[name] = "-"
            elif isinstance(value, str) and name not in {"t", "s", "m", "H"}:
                atoms[name] = redact(value)
        return atoms
