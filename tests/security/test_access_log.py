"""Anonymous means no address anywhere: the access log keeps neither client addresses nor
the private tokens of follow-up links (gunicorn.conf.py, app/ops/access_log.py,
app/ops/logging.py)."""
from __future__ import annotations

import datetime
import io
import logging
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from app.ops.logging import SafeLogFilter

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "Zq3xV9kLmN0pR2sT4uW6yA8bC1dE3fG5hJ7kL9mN0pQ"  # tokens.new_token() shape
SHORT = "abc123"  # a token-route segment is a secret whatever its length
ADDRESS, FORWARDED = "203.0.113.77", "198.51.100.23"
PATHS = [
    f"/track/RPT-7K3Q9M/{TOKEN}",
    f"/track/ESC-7K3Q9M/{SHORT}/cancel",
    f"/report/RPT-7K3Q9M/{TOKEN}/photos",
    f"/support/follow/DV-7K3Q9M/{SHORT}",
    f"/verify/{SHORT}",
    f"/seminars/registration/{TOKEN}/cancel",
    f"/apb/unsubscribe/{SHORT}",
    f"/track/?token={SHORT}&link=http://x/track/RPT-7K3Q9M/{TOKEN}",
]


class KeepRecords(logging.Handler):
    """What a handler of the access log is given (a JSON formatter reads record.args)."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def gunicorn_logger(log_format: str | None = None, *extra: logging.Handler):
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name in ("access_log_format", "logger_class", "accesslog"):
        cfg.set(name, settings[name])
    if log_format:
        cfg.set("access_log_format", log_format)
    logger = cfg.logger_class(cfg)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger.access_log.handlers = [handler, *extra]
    return logger, stream


SECRET_HEADERS = [("CF-CONNECTING-IP", ADDRESS), ("TRUE-CLIENT-IP", ADDRESS),
                  ("X-CLIENT-IP", ADDRESS), ("COOKIE", f"session={TOKEN}"),
                  ("AUTHORIZATION", f"Bearer {TOKEN}"), ("X-ORIGINAL-URL", f"/verify/{TOKEN}")]


def access_line(path: str, log_format: str | None = None, *extra: logging.Handler,
                headers: tuple = (), response_headers: tuple = ()) -> str:
    logger, stream = gunicorn_logger(log_format, *extra)
    raw_path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET", "RAW_URI": path, "PATH_INFO": raw_path,
        "QUERY_STRING": query, "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": ADDRESS,
        "HTTP_REFERER": f"https://portal.example.org{path}", "HTTP_USER_AGENT": "Mozilla/5.0",
        "HTTP_X_FORWARDED_FOR": FORWARDED,
    }
    environ.update({f"HTTP_{name.replace('-', '_')}": value for name, value in headers})
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", FORWARDED), ("REFERER", path),
                                       *headers])
    response = SimpleNamespace(status="200 OK", sent=1234, headers=list(response_headers))
    logger.access(response, request, environ, datetime.timedelta(milliseconds=12))
    return stream.getvalue()


@pytest.mark.parametrize("path", PATHS)
def test_the_access_log_line_has_no_address_and_no_token(path):
    line = access_line(path)
    assert "GET" in line and "200" in line, line
    assert ADDRESS not in line and FORWARDED not in line
    assert TOKEN not in line and f"/{SHORT}" not in line and f"={SHORT}" not in line, line
    assert "[redacted]" in line


def test_an_operator_who_logs_more_atoms_still_gets_no_address_and_no_token():
    line = access_line(f"/track/RPT-7K3Q9M/{TOKEN}", '%(h)s %({x-forwarded-for}i)s '
                       '%({X-Real-IP}i)s %(f)s %(a)s %(U)s %(q)s "%(r)s" %(s)s')
    assert ADDRESS not in line and FORWARDED not in line and TOKEN not in line, line
    assert "Mozilla/5.0" in line and "/track/RPT-7K3Q9M/[redacted]" in line


def test_a_header_the_logger_does_not_know_is_never_written():
    """Deny by default: a proxy's own address header (Cloudflare's, Akamai's), the cookie,
    the credentials, a response's Set-Cookie, an environ value: an operator who adds any
    of them to the format gets "-", not the value."""
    line = access_line("/escorts/", '%({cf-connecting-ip}i)s %({true-client-ip}i)s '
                       '%({x-client-ip}i)s %({cookie}i)s %({authorization}i)s '
                       '%({x-original-url}i)s %({set-cookie}o)s %({http_cf_connecting_ip}e)s '
                       '%({http_cookie}e)s %(u)s "%(r)s" %(s)s',
                       headers=tuple(SECRET_HEADERS),
                       response_headers=(("Set-Cookie", f"session={TOKEN}; HttpOnly"),))
    assert ADDRESS not in line and TOKEN not in line and "session=" not in line, line
    assert '"GET /escorts/ HTTP/1.1" 200' in line


def test_a_log_handler_is_given_no_address_and_no_token_in_the_record():
    kept = KeepRecords()
    access_line(f"/track/?token={SHORT}&link=/track/RPT-7K3Q9M/{TOKEN}", None, kept)
    [record] = kept.records
    given = repr(record.args) + repr(record.__dict__)
    assert ADDRESS not in given and FORWARDED not in given, given
    assert TOKEN not in given and f"={SHORT}" not in given, given


def test_the_request_path_stays_readable_for_operators():
    line = access_line(f"/track/RPT-7K3Q9M/{TOKEN}")
    assert "/track/RPT-7K3Q9M/[redacted]" in line


def test_every_route_with_a_token_is_redacted_whatever_the_token(app):
    from app.ops.logging import redact

    rules = [r for r in app.url_map.iter_rules() if "token" in r.arguments]
    assert rules
    for rule in rules:
        values = {name: (SHORT if name == "token" else "RPT-7K3Q9M") for name in rule.arguments}
        path = rule.build(values)[1]
        assert SHORT not in redact(f"GET {path} HTTP/1.1"), rule.rule


def test_the_development_server_request_log_keeps_no_address():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SafeLogFilter())
    werkzeug = logging.getLogger("werkzeug.test-access")
    werkzeug.addHandler(handler)
    werkzeug.propagate = False
    try:
        werkzeug.warning('%s - - [01/Dec/2026 10:00:00] "%s" %s -', ADDRESS,
                         f"GET /report/RPT-7K3Q9M/{TOKEN}/photos HTTP/1.1", "200")
    finally:
        werkzeug.removeHandler(handler)
    line = stream.getvalue()
    assert ADDRESS not in line and TOKEN not in line and "/report/RPT-7K3Q9M/" in line


def test_make_and_docs_start_gunicorn_with_the_config():
    makefile = (ROOT / "Makefile").read_text()
    readme = (ROOT / "README.md").read_text()
    for text in (makefile, readme):
        for command in re.findall(r"gunicorn [^\n`]*", text):
            if "wsgi:app" in command:
                assert re.search(r"-c gunicorn(_live)?\.conf\.py", command) or (
                    "--config" in command), command
    assert "gunicorn.conf.py" in readme
    # The stream server's config (/live/*) logs through the same redacting logger.
    live = (ROOT / "gunicorn_live.conf.py").read_text()
    assert 'logger_class = "app.ops.access_log.RedactingLogger"' in live
    assert "access_log_format = ACCESS_LOG_FORMAT" in live
