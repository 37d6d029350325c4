"""Security headers on every response, error pages included; production settings."""
from __future__ import annotations

import pytest

from app import create_app
from app.extensions import db as _db
from tests.security.test_errors import make_error_app, post_while_the_database_is_busy

PRODUCTION_ENV = ("SECRET_KEY", "DATABASE_URL", "FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY")


def assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives.get("script-src") == "'self'"
    assert directives.get("frame-ancestors") == "'none'"
    assert directives.get("object-src") == "'none'"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") in ("same-origin", "no-referrer",
                                                        "strict-origin-when-cross-origin")


@pytest.fixture()
def error_app(app):
    made = make_error_app(app.config["SQLALCHEMY_DATABASE_URI"], MAX_CONTENT_LENGTH=1024)
    yield made
    with made.app_context():
        _db.engine.dispose()


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/no/such/page", None, 404),
        ("POST", "/_test/abort/404", None, 405),
        ("POST", "/_test/form", {"story": "x" * 5000}, 413),
        ("GET", "/_test/crash", None, 500),
        ("GET", "/_test/abort/403", None, 403),
        ("GET", "/_test/abort/429", None, 429),
        ("GET", "/static/css/site.css", None, 200),
    ],
)
def test_every_response_carries_the_security_headers(error_app, method, path, data, status):
    response = error_app.test_client().open(path, method=method, data=data)
    assert response.status_code == status
    assert_security_headers(response)
    assert "Strict-Transport-Security" not in response.headers, "HSTS only in production"


def test_the_expired_form_page_carries_them_too(app):
    made = make_error_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    response = made.test_client().post("/_test/form", data={"name": "Ann"})
    assert response.status_code == 400
    assert_security_headers(response)
    with made.app_context():
        _db.engine.dispose()


def test_the_busy_database_page_carries_them_too(tmp_path):
    busy, response = post_while_the_database_is_busy(tmp_path)
    with busy.app_context():
        _db.engine.dispose()
    assert response.status_code == 503
    assert_security_headers(response)


def test_cookies_are_httponly_and_samesite(error_app):
    response = error_app.test_client().get("/_test/session")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture()
def production_env(monkeypatch, tmp_path, isolated_limiter):
    monkeypatch.setenv("SECRET_KEY", "a-production-secret-for-this-test-only-" + "x" * 20)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.sqlite3'}")
    monkeypatch.setenv("FIELD_ENCRYPTION_KEY", "dGVzdGluZy1rZXktMzItYnl0ZXMtbG9uZy1lbm91Z2g=")
    monkeypatch.setenv("AUDIT_HMAC_KEY", "a-production-audit-key-for-this-test-only-xxxxxx")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    return monkeypatch


def make_production_app():
    app = create_app("production")

    from app.web.access import public

    @public
    def remember():
        from flask import session

        session["seen"] = True
        return "ok"

    app.add_url_rule("/_test/session", "remember", remember)
    return app


def test_production_sends_hsts_and_secure_cookies(production_env):
    app = make_production_app()
    response = app.test_client().get("/_test/session", base_url=app.config["SITE_URL"])
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    assert_security_headers(response)
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


def test_production_never_runs_in_debug(production_env):
    production_env.setenv("FLASK_DEBUG", "1")
    app = make_production_app()
    assert app.debug is False
    assert app.config["DEBUG"] is False


def test_production_keeps_rate_limits_in_redis(production_env):
    app = make_production_app()
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert app.config["RATELIMIT_ENABLED"] is True


@pytest.mark.parametrize("missing", PRODUCTION_ENV)
def test_production_refuses_to_start_without_its_secrets(production_env, missing):
    production_env.delenv(missing)
    with pytest.raises(RuntimeError, match=missing):
        create_app("production")



@pytest.mark.parametrize("bad_key", ["not-a-key", "c2hvcnQ=", "Zm9v,bar"])
def test_production_refuses_to_start_with_a_malformed_encryption_key(production_env, bad_key):
    from app.core.crypto import EncryptionKeyError

    production_env.setenv("FIELD_ENCRYPTION_KEY", bad_key)
    with pytest.raises(EncryptionKeyError):
        create_app("production")
