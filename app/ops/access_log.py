"""gunicorn's access log without client addresses or follow-up tokens.

`RedactingLogger` (used by gunicorn.conf.py) rewrites the atoms of each access-log line
before formatting, deny by default: an atom is written only when it is known to be safe.
Times, sizes, status, method and protocol are written as they are; the request line, path,
query, Referer, user agent and a few plain headers pass through app.ops.logging.redact,
which replaces the token of every private link (/track/<ref>/<token>, /verify/<token>, ...)
and token-like query values with [redacted]. Every other atom is "-": the client address
and every address header whatever a proxy calls it (X-Forwarded-For, CF-Connecting-IP,
True-Client-IP, ...), cookies, credentials, environ values, response headers but two. An
anonymous reporter is then traceable neither by address nor by link.
"""
from __future__ import annotations

import functools
import re

from gunicorn.glogging import Logger

from app.ops.logging import redact

# No %(h)s: the client address is never written; no user agent or referrer either.
ACCESS_LOG_FORMAT = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'


# Time, status, method, protocol, sizes, durations, process id: nothing to hide.
PLAIN_ATOMS = frozenset({"t", "s", "m", "H", "b", "B", "D", "T", "M", "L", "p"})
# What may hold a private link's token, written redacted: the request line, path, query,
# referrer, user agent and the plain headers an operator may want.
REDACTED_ATOMS = frozenset({"r", "U", "q", "f", "a", "{referer}i", "{user-agent}i",
                            "{host}i", "{accept-language}i", "{content-type}i",
                            "{content-length}i", "{content-type}o", "{content-length}o"})
_ATOM = re.compile(r"%\(([^)]+)\)s")


@functools.cache
def used_atoms(log_format: str) -> frozenset[str]:
    """The atoms `log_format` writes, as gunicorn names them (headers and environ lower
    case)."""
    return frozenset(name.lower() if name.startswith("{") else name
                     for name in _ATOM.findall(log_format))


class RedactingLogger(Logger):
    """Only the atoms the format writes are kept, each made safe; gunicorn writes "-" for
    any other. So a handler that reads the record's arguments sees nothing unsafe either,
    and the few atoms of a line are redacted, not the forty headers and environ values of
    every request (which cost about 5% of an escort submit's CPU)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {name: _safe(name, atoms[name])
                for name in used_atoms(self.cfg.access_log_format) if name in atoms}


def _safe(name: str, value):
    if name in PLAIN_ATOMS:
        return value
    if name in REDACTED_ATOMS:
        return redact(value) if isinstance(value, str) else value
    return "-"
