"""A new user's first hour: `make run`'s web server and worker share one development key,
and SITE_URL follows the port they chose."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRINT_KEYS = (
    "from app import create_app; a = create_app('development');"
    "import json; print(json.dumps({k: a.config[k] for k in"
    " ('SECRET_KEY', 'AUDIT_HMAC_KEY', 'FIELD_ENCRYPTION_KEY')}))"
)


def keys_in_a_new_process(instance: Path) -> dict:
    env = {**os.environ, "PORTAL_INSTANCE_DIR": str(instance),
           "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}"}
    for name in ("SECRET_KEY", "AUDIT_HMAC_KEY", "PORTAL_ENV"):
        env.pop(name, None)
    out = subprocess.run([sys.executable, "-c", PRINT_KEYS], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True, timeout=60).stdout
    return json.loads(out.strip().splitlines()[-1])


def test_web_server_and_worker_processes_read_the_same_generated_key(tmp_path):
    instance = tmp_path / "instance"
    web = keys_in_a_new_process(instance)
    worker = keys_in_a_new_process(instance)
    assert web == worker
    assert len(web["SECRET_KEY"]) >= 32 and len(web["AUDIT_HMAC_KEY"]) >= 32
    [secrets_file] = list(instance.glob("*secret*"))
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert keys_in_a_new_process(tmp_path / "other")["SECRET_KEY"] != web["SECRET_KEY"]


def test_the_secrets_file_is_never_committed():
    ignored = subprocess.run(["git", "check-ignore", "-q", "instance/dev-secrets.json"],
                             cwd=ROOT, check=False)
    assert ignored.returncode == 0


def make_dry_run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "PORT"}}
    return subprocess.run(["make", "-n", "run", *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=60).stdout


def test_make_run_on_another_port_mails_links_to_that_port():
    assert "SITE_URL=http://127.0.0.1:5050" in make_dry_run("PORT=5050")
    assert "SITE_URL=http://0.0.0.0:5000" not in make_dry_run("HOST=0.0.0.0")
    assert "SITE_URL=https://portal.example.org" in make_dry_run(
        "SITE_URL=https://portal.example.org", "PORT=5050")
