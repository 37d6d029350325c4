"""Absolute links for emails.

Always built from SITE_URL, never from the request's Host header (a forged Host would
otherwise put an attacker's domain into password-reset and confirmation emails), and usable
outside a request (the worker).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def external_url(endpoint: str, **values) -> str:
    site = urlsplit(current_app.config["SITE_URL"])
    adapter = current_app.url_map.bind(
        site.netloc, url_scheme=site.scheme or "https", script_name=site.path or "/"
    )
    return adapter.build(endpoint, values, force_external=True)
