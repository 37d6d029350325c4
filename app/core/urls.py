"""Absolute links, and the hosts the portal answers.

Links are always built from SITE_URL, never from the request's Host header (a forged Host
would otherwise put an attacker's domain into password-reset and confirmation emails), and
usable outside a request (the worker). Templates use `external_url` too (a global), never
`url_for` with `_external`, which follows the request's host.

`trusted_hosts` feeds Flask's TRUSTED_HOSTS: SITE_URL's host plus EXTRA_TRUSTED_HOSTS; a
request for any other host is answered 400 before any view runs.
"""
from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError


def external_url(endpoint: str, **values) -> str:
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, url_scheme=site.scheme or "https", script_name=site.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)


def site_url(path: str = "") -> str:
    """SITE_URL joined with a path that starts with "/" (an already-built relative link)."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def trusted_hosts(config: Mapping) -> list[str]:
    hosts = [urlsplit(config["SITE_URL"]).hostname or ""]
    hosts += [h for h in config.get("EXTRA_TRUSTED_HOSTS") or [] if h not in hosts]
    return [h for h in hosts if h]


def init_trusted_hosts(app: Flask) -> None:
    """Refuse an untrusted Host first, before any other before_request (no session load),
    with the error page's relative links built as if the request had come for SITE_URL."""

    def refuse_untrusted_host() -> None:
        ctx = request_ctx._get_current_object()
        if ctx.url_adapter is None and isinstance(request.routing_exception, SecurityError):
            site = urlsplit(current_app.config["SITE_URL"])
            ctx.url_adapter = current_app.url_map.bind(
                site.netloc, url_scheme=site.scheme or "https", script_name=site.path or "/")
            raise request.routing_exception

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
