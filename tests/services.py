"""Services some tests need (Chromium, Redis, PostgreSQL): skip loudly, or fail in CI.

On a developer's machine a missing service skips the tests that need it, with the reason
printed. CI (`.ci/run`) sets REQUIRE_SERVICES=1: then a missing service fails the run, so
browser, Redis or PostgreSQL tests can never be skipped there without anyone noticing.
"""
from __future__ import annotations

import os

import pytest

REQUIRE_FLAG = "REQUIRE_SERVICES"


def services_required() -> bool:
    return os.environ.get(REQUIRE_FLAG, "") not in ("", "0")


def service_unavailable(reason: str):
    """Skip the current test because of `reason`, or fail it when CI requires the service."""
    if services_required():
        pytest.fail(f"{reason} ({REQUIRE_FLAG}=1: this run needs it)", pytrace=False)
    pytest.skip(reason)
