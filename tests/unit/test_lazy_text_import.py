"""Lazy translations come only from app.core.i18n, never from Flask-Babel itself.

Flask-Babel's lazy strings present themselves to Jinja as markup (`__html__`), so a lazy
message carrying a value someone typed would reach the page unescaped. app/core/i18n.py
wraps them (`lazy_gettext`, escaped like any text); every other module imports from there.
This check fails on any other way of reaching Flask-Babel's lazy functions or its
LazyString in app/: `from flask_babel import lazy_gettext` (aliased or not), a star import,
`flask_babel.lazy_gettext` through the module, or `flask_babel.speaklater`.
"""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
ALLOWED = APP / "core" / "i18n.py"
LAZY_NAMES = {"lazy_gettext", "lazy_ngettext", "lazy_pgettext", "lazy_npgettext", "LazyString"}


def _from_babel(node: ast.ImportFrom) -> bool:
    return (node.module or "").split(".")[0] == "flask_babel"


def _bad_import(node: ast.AST) -> str | None:
    if isinstance(node, ast.ImportFrom) and _from_babel(node):
        if node.module and node.module.startswith("flask_babel.speaklater"):
            return f"from {node.module} import ..."
        for alias in node.names:
            if alias.name == "*" or alias.name in LAZY_NAMES:
                return f"from flask_babel import {alias.name}"
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name.startswith("flask_babel.speaklater"):
                return f"import {alias.name}"
    return None


def _babel_module_names(tree: ast.AST) -> set[str]:
    """The names under which `import flask_babel` (or `as x`) binds the module."""
    return {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
            for alias in node.names if alias.name == "flask_babel"}


def offences(source: str, name: str = "<source>") -> list[str]:
    """Every way `source` reaches one of Flask-Babel's lazy functions, as 'name:line what'."""
    tree = ast.parse(source)
    modules = _babel_module_names(tree)
    found = []
    for node in ast.walk(tree):
        bad = _bad_import(node)
        if bad is None and isinstance(node, ast.Attribute) and node.attr in LAZY_NAMES \
                and isinstance(node.value, ast.Name) and node.value.id in modules:
            bad = f"{node.value.id}.{node.attr}"
        if bad is not None:
            found.append(f"{name}:{node.lineno} {bad}")
    return found


def test_nothing_in_app_imports_flask_babels_lazy_text():
    found = []
    for path in sorted(APP.rglob("*.py")):
        if path != ALLOWED and "__pycache__" not in path.parts:
            found += offences(path.read_text(encoding="utf-8"), str(path.relative_to(APP.parent)))
    assert not found, ("use `from app.core.i18n import lazy_gettext as _l` instead of:\n"
                       + "\n".join(found))


def test_the_check_catches_every_spelling():
    spellings = [
        "from flask_babel import lazy_gettext as _l",
        "from flask_babel import gettext, lazy_gettext",
        "from flask_babel import lazy_ngettext",
        "from flask_babel import *",
        "import flask_babel\nx = flask_babel.lazy_gettext('a')",
        "import flask_babel as fb\nx = fb.lazy_pgettext('c', 'a')",
        "from flask_babel.speaklater import LazyString",
        "import flask_babel.speaklater",
    ]
    for source in spellings:
        assert offences(source), source


def test_the_check_leaves_the_allowed_imports_alone():
    fine = ("from flask_babel import gettext, get_locale, force_locale\n"
            "from app.core.i18n import lazy_gettext as _l\n"
            "import flask_babel\nflask_babel.gettext('a')\n")
    assert offences(fine) == []

