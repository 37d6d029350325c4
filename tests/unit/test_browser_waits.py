"""Browser journeys wait for what a person would see, never for a fixed time.

A sleep is either too short on a loaded CI machine (a flaky test) or too long everywhere (a
slow suite), and a bare `wait_for_load_state()` after a click can return for the page being
left. Journeys use `expect(locator)...`, `expect(page).to_have_url(...)` or
`with page.expect_navigation(): ...click()` instead (see tests/browser/journey.py).
"""
from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
BROWSER_CODE = sorted((TESTS / "browser").glob("*.py")) + [TESTS / "fixtures" / "browser.py"]
FORBIDDEN = {
    "wait_for_timeout": re.compile(r"\bwait_for_timeout\s*\("),
    "time.sleep": re.compile(r"\btime\.sleep\s*\(|\bfrom time import\b[^\n]*\bsleep\b"),
    "asyncio.sleep": re.compile(r"\basyncio\.sleep\s*\("),
}


def offending_lines(paths, patterns) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for name, pattern in patterns.items():
                if pattern.search(line):
                    found.append(f"{path.name}:{number}: {name}: {line.strip()}")
    return found


def test_browser_tests_never_sleep():
    assert BROWSER_CODE, "tests/browser not found"
    assert offending_lines(BROWSER_CODE, FORBIDDEN) == []


def test_journeys_do_not_wait_for_a_bare_load_event():
    journeys = sorted((TESTS / "browser").glob("*.py"))
    pattern = {"wait_for_load_state": re.compile(r"\bwait_for_load_state\s*\(")}
    assert offending_lines(journeys, pattern) == []


def test_the_check_finds_a_sleep(tmp_path):
    sample = tmp_path / "test_x.py"
    sample.write_text("import time\n\ndef test_x(page):\n    page.wait_for_timeout(300)\n"
                      "    time.sleep(1)\n", encoding="utf-8")
    hits = offending_lines([sample], FORBIDDEN)
    assert [hit.split(": ")[1] for hit in hits] == ["wait_for_timeout", "time.sleep"]
