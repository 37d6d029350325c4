"""Logs never hold passwords or tokens, and user input cannot forge a log line."""
from __future__ import annotations

import io
import logging

import pytest

from app.ops.logging import SafeLogFilter, init_logging, redact


def capture(message: str, *args) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SafeLogFilter())
    logger = logging.getLogger("portal.test.logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        logger.info(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_line_breaks_from_user_input_are_escaped():
    out = capture("login failed for %s", "eve\r\n2026-01-01 INFO admin logged in")
    assert out.count("\n") == 1
    assert "eve\\r\\n2026-01-01" in out


@pytest.mark.parametrize(
    "message",
    [
        "form data password=hunter2-correct-horse",
        "payload {'password': 'hunter2-correct-horse', 'email': 'a@b.org'}",
        'json {"new_password": "hunter2-correct-horse"}',
        "GET /auth/verify?token=hunter2-correct-horse HTTP/1.1",
        "header Authorization: Bearer hunter2-correct-horse",
        "csrf_token=hunter2-correct-horse&name=Ann",
        "MAIL_PASSWORD=hunter2-correct-horse",
    ],
)
def test_sensitive_values_are_redacted(message):
    out = capture(message)
    assert "hunter2-correct-horse" not in out
    assert "[redacted]" in out


def test_tokens_in_paths_are_redacted_but_references_stay():
    token = "q3Vb8uJ5p0kXyZ-1aB2cD3eF4gH5iJ6kL7mN8oP9qR0"
    out = capture('127.0.0.1 - - "GET /track/ESC-7K3Q9M/%s HTTP/1.1" 200 -', token)
    assert token not in out
    assert "/track/ESC-7K3Q9M/[redacted]" in out


def test_arguments_that_are_dicts_are_redacted_too():
    out = capture("login attempt %s", {"email": "a@example.org", "password": "hunter2-xyz"})
    assert "hunter2-xyz" not in out and "a@example.org" in out


def test_ordinary_messages_are_untouched():
    assert redact("outbox message 12 not delivered (attempt 2)") == (
        "outbox message 12 not delivered (attempt 2)"
    )


def test_the_app_installs_the_filter_on_the_root_handlers(app):
    init_logging(app)
    for handler in logging.getLogger().handlers:
        assert any(isinstance(f, SafeLogFilter) for f in handler.filters)
