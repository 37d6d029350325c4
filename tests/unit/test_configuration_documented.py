"""docs/configuration.md documents every setting once, and nothing that no longer exists.

A setting is every UPPERCASE attribute of the four Config classes in config.py (the class
bodies and what their __init__ sets), and every environment variable config.py,
gunicorn.conf.py and gunicorn_live.conf.py read. Documented means named in backticks in the
first column of a table row of docs/configuration.md.
"""
from __future__ import annotations

import ast
import re
from collections import Counter
from pathlib import Path

import config

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "configuration.md"
CLASSES = (config.Config, config.DevelopmentConfig, config.TestingConfig,
           config.ProductionConfig)
ENV_READERS = {"get", "env_int", "env_bool", "env_list"}  # os.environ.get and config's helpers
NAME = re.compile(r"`([A-Z][A-Z0-9_]*[A-Z0-9])`")
# Where a documented name that is not a Config setting may still be read (the Makefile's
# variables, CI's and the test suite's environment, the CLI's).
ELSEWHERE = ("Makefile", ".ci/run", "wsgi.py", "app", "tests")


def class_settings() -> set[str]:
    names = {name for cls in CLASSES for name in vars(cls) if name.isupper()}
    names |= set(config.DEV_SECRET_NAMES)  # DevelopmentConfig.__init__ sets them
    tree = ast.parse((ROOT / "config.py").read_text())
    for node in ast.walk(tree):  # self.NAME = ... in ProductionConfig.__init__
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "self" and node.attr.isupper()):
            names.add(node.attr)
    return names


def environment_names(path: Path) -> set[str]:
    """Every NAME in os.environ.get("NAME"), env_int("NAME", ...), os.environ["NAME"]..."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ENV_READERS and isinstance(node.args[0], ast.Constant):
                names.add(node.args[0].value)
        if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                and ast.unparse(node.value) == "os.environ"):
            names.add(node.slice.value)
        if isinstance(node, ast.Tuple) and all(  # `for name in ("SECRET_KEY", ...)` checks
                isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.isupper()
                for e in node.elts) and len(node.elts) > 1:
            names |= {e.value for e in node.elts}
    return {name for name in names if isinstance(name, str) and name.isupper()}


def required_names() -> set[str]:
    return (class_settings() | environment_names(ROOT / "config.py")
            | environment_names(ROOT / "gunicorn.conf.py")
            | environment_names(ROOT / "gunicorn_live.conf.py"))


def documented_names() -> list[str]:
    names = []
    for line in DOC.read_text().splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        first_cell = line.split("|")[1]
        names += NAME.findall(first_cell)
    return names


def read_elsewhere(name: str) -> bool:
    word = re.compile(rf"\b{name}\b")
    for entry in ELSEWHERE:
        path = ROOT / entry
        files = path.rglob("*.py") if path.is_dir() else [path]
        for file in files:
            if file.name != Path(__file__).name and word.search(file.read_text()):
                return True
    return False


def test_every_setting_is_documented_in_docs_configuration():
    missing = sorted(required_names() - set(documented_names()))
    assert not missing, f"settings missing from docs/configuration.md: {', '.join(missing)}"


def test_every_setting_is_documented_once():
    twice = sorted(name for name, n in Counter(documented_names()).items() if n > 1)
    assert not twice, f"documented more than once in docs/configuration.md: {', '.join(twice)}"


def test_docs_configuration_names_no_setting_that_no_longer_exists():
    required = required_names()
    gone = sorted(n for n in set(documented_names()) - required if not read_elsewhere(n))
    assert not gone, f"docs/configuration.md documents names nothing reads: {', '.join(gone)}"


def test_the_check_finds_the_settings_it_must():
    names = required_names()
    # class attributes, what __init__ sets, what production reads, gunicorn's environment
    assert {"DISPATCH_QUEUE_LIMIT", "SQLALCHEMY_DATABASE_URI", "HSTS", "SECRET_KEY",
            "DATABASE_URL", "REMEMBER_DAYS", "ACK_TARGET_P3_SECONDS", "AUDIT_HMAC_KEY",
            "TEST_DATABASE_URL", "GUNICORN_WORKERS", "PORTAL_ENV"} <= names
