"""CI's REQUIRE_SERVICES=1 turns a missing browser or Redis into a failed run, never a skip.

Each check runs pytest in a child process on a small part of the suite with the service made
unreachable (a Chromium path that does not exist, a Redis port nobody listens on), once
without the flag (skipped, reason printed) and once with it (the run fails, naming why).
The child uses its own SQLite file, never this run's database.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_pytest(*args: str, basetemp: Path, **env: str) -> subprocess.CompletedProcess:
    child_env = {k: v for k, v in os.environ.items()
                 if k not in ("TEST_DATABASE_URL", "REQUIRE_SERVICES", "PYTEST_XDIST_WORKER",
                              "PYTEST_ADDOPTS")}
    child_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
         f"--basetemp={basetemp}", *args],
        capture_output=True, text=True, timeout=120, env=child_env, cwd=ROOT,
    )


@pytest.fixture(scope="module")
def bogus_chromium(tmp_path_factory):
    return str(tmp_path_factory.mktemp("nochromium") / "chromium")


def test_without_chromium_browser_tests_are_skipped_with_the_reason(bogus_chromium, tmp_path):
    done = run_pytest("tests/browser/test_pages_a11y.py", "-rs", basetemp=tmp_path,
                      CHROMIUM_PATH=bogus_chromium)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped" in done.stdout and f"Chromium not found at {bogus_chromium}" in done.stdout


def test_ci_fails_the_run_when_chromium_is_missing(bogus_chromium, tmp_path):
    done = run_pytest("tests/browser/test_pages_a11y.py", basetemp=tmp_path,
                      CHROMIUM_PATH=bogus_chromium, REQUIRE_SERVICES="1")
    assert done.returncode != 0, done.stdout
    output = done.stdout + done.stderr
    assert "browser tests cannot run" in output and bogus_chromium in output
    assert "no tests ran" in done.stdout and "were skipped" not in done.stdout


def test_ci_fails_a_redis_test_when_redis_is_unreachable(tmp_path):
    args = ("tests/security/test_rate_limits.py", "-k", "friendly_429", "-rs")
    unreachable = "redis://127.0.0.1:9/0"
    skipped = run_pytest(*args, basetemp=tmp_path / "a", TEST_REDIS_URL=unreachable)
    assert skipped.returncode == 0 and "1 skipped" in skipped.stdout, skipped.stdout
    failed = run_pytest(*args, basetemp=tmp_path / "b", TEST_REDIS_URL=unreachable,
                        REQUIRE_SERVICES="1")
    assert failed.returncode == 1, failed.stdout
    assert "1 failed" in failed.stdout or "1 error" in failed.stdout, failed.stdout
    assert f"Redis is not reachable at {unreachable}" in failed.stdout
