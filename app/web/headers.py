"""Security headers on every response, error pages included."""
from __future__ import annotations

from flask import Flask, Response, g

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def no_store() -> None:
    """Mark the current response as private: never cached, never sent as a referrer."""
    g.no_store = True


def init_security_headers(app: Flask) -> None:
    @app.after_request
    def set_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if g.get("no_store"):
            headers["Cache-Control"] = "no-store, max-age=0"
            headers["Pragma"] = "no-cache"
            headers["Referrer-Policy"] = "no-referrer"
        elif "Cache-Control" not in headers and response.mimetype == "text/html":
            headers["Cache-Control"] = "no-cache, private"
        return response
