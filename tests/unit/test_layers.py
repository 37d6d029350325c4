"""The layers stay apart, and no file or function grows past what a reader can hold.

- Services (app/services) know nothing of the web: no request, session, g, abort,
  send_file, login_user/logout_user, current_user, no url_for(..., _external=True)
  (absolute links come from app.core.urls at SITE_URL), and no app.web or app.blueprints
  module. The web layer builds an Actor (app.web.actor) and passes values in.
- An audited refusal goes through audit.record_refusal (its own short transaction).
- No file in app/ is over 400 lines; no function in app/ takes more than six parameters
  (pass a small dataclass instead, as DeviceDetails does).
Each failure names the file and the line.
"""
from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"
SERVICES = APP / "services"
MAX_LINES = 400
MAX_PARAMETERS = 6

WEB_NAMES = {
    "flask": {"request", "session", "g", "abort", "send_file"},
    "flask_login": {"login_user", "logout_user", "current_user", "login_required"},
}

WEB_PACKAGES = ("app.web", "app.blueprints")


def python_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(APP.parent)}:{node.lineno}"


def web_uses(path: Path) -> list[str]:
    """Every place in `path` that reaches into the web layer."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{where(path, node)} {what}" for node in ast.walk(tree)
            for what in _web_use(node)]


def _web_use(node: ast.AST) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if module.startswith(WEB_PACKAGES):
            return [f"imports {module}"]
        return [f"imports {module}.{alias.name}" for alias in node.names
                if alias.name in WEB_NAMES.get(module, ())]
    if isinstance(node, ast.Import):
        return [f"imports {alias.name}" for alias in node.names
                if alias.name == "flask_login" or alias.name.startswith(WEB_PACKAGES)]
    if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            and node.attr in WEB_NAMES.get(node.value.id, ())):
        return [f"uses {node.value.id}.{node.attr}"]
    if isinstance(node, ast.Call) and _called(node) == "url_for" and any(
            keyword.arg == "_external" for keyword in node.keywords):
        return ["calls url_for(..., _external=...)"]
    return []


def _called(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def parameter_count(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return len([name for name in names if name not in ("self", "cls")])


def test_services_know_nothing_of_the_web():
    found = [use for path in python_files(SERVICES) for use in web_uses(path)]
    assert found == [], "services reach into the web layer:\n" + "\n".join(found)


def test_the_layer_check_catches_each_kind_of_web_use(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import flask\n"
        "from app.web import sessions\n"
        "from flask import request, url_for\n"
        "from flask_login import login_user\n"
        "def f():\n"
        "    flask.abort(404)\n"
        "    return url_for('x', _external=True)\n",
        encoding="utf-8",
    )
    global APP
    saved, APP = APP, tmp_path
    try:
        uses = web_uses(sample)
    finally:
        APP = saved
    assert sorted(use.split(" ", 1)[1] for use in uses) == [
        "calls url_for(..., _external=...)", "imports app.web", "imports flask.request",
        "imports flask_login.login_user", "uses flask.abort",
    ]


def test_every_audited_refusal_goes_through_the_one_helper():
    """A refusal recorded with plain audit.record would vanish with its use case's rollback
    (or tempt a hand-written commit): "denied"/"refused" actions use audit.record_refusal."""
    direct = []
    for path in python_files(APP):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and _called(node) == "record" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and any(word in node.args[0].value for word in ("denied", "refused"))):
                direct.append(f"{where(path, node)} audit.record({node.args[0].value!r})")
    assert direct == [], "use audit.record_refusal for:\n" + "\n".join(direct)


def test_no_file_in_app_is_over_400_lines():
    long = []
    for path in python_files(APP):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            long.append(f"{path.relative_to(APP.parent)}: {lines} lines")
    assert long == [], f"files over {MAX_LINES} lines (split them by use case):\n" + "\n".join(long)


def test_no_function_in_app_takes_more_than_six_parameters():
    wide = []
    for path in python_files(APP):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                count = parameter_count(node)
                if count > MAX_PARAMETERS:
                    wide.append(f"{where(path, node)} {node.name}() takes {count}")
    assert wide == [], "functions with more than six parameters (pass a dataclass):\n" + (
        "\n".join(wide))
