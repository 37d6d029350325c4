"""`flask worker`: every registered job runs; one failing job does not stop the others."""
from __future__ import annotations

import threading
import time

import pytest

from app.models.outbox import OutboxMessage
from app.ops import jobs, worker


@pytest.fixture()
def extra_jobs(monkeypatch):
    """Register a job that fails and one that counts its runs, for this test only."""
    runs: list[str] = []

    def boom():
        runs.append("boom")
        raise RuntimeError("this job always fails")

    def counter():
        runs.append("count")
        return "counted"

    monkeypatch.setitem(jobs.JOBS, "test.aaa_boom", jobs.Job("test.aaa_boom", 1, boom))
    monkeypatch.setitem(jobs.JOBS, "test.zzz_count", jobs.Job("test.zzz_count", 1, counter))
    return runs


def test_the_outbox_job_is_registered():
    assert "outbox.deliver" in {job.name for job in jobs.all_jobs()}


def test_once_runs_every_job_and_survives_a_failing_one(app, db, extra_jobs, caplog):
    results = worker.run_once()
    assert set(results) >= {"outbox.deliver", "test.aaa_boom", "test.zzz_count"}
    assert results["test.aaa_boom"] is False
    assert results["test.zzz_count"] is True and results["outbox.deliver"] is True
    assert extra_jobs == ["boom", "count"]
    assert "job test.aaa_boom failed" in caplog.text


def test_cli_worker_once_delivers_mail(app, db, smtp_server):
    db.session.add(OutboxMessage(to_address="a@example.org", subject="Hello",
                                 text_body="Hi", headers={}))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert "outbox.deliver: ok" in result.output, result.output
    assert result.exit_code == 0
    assert [str(m["Subject"]) for m in smtp_server.messages] == ["Hello"]


def test_cli_worker_once_exits_non_zero_when_a_job_fails(app, db, extra_jobs):
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert "test.aaa_boom: FAILED" in result.output


def test_the_loop_repeats_jobs_and_stops_when_asked(app, db, extra_jobs):
    stop = threading.Event()
    only = [jobs.JOBS["test.aaa_boom"], jobs.JOBS["test.zzz_count"]]

    def loop():
        with app.app_context():
            worker.run_forever(stop, jobs=only, idle_seconds=0.05)

    thread = threading.Thread(target=loop)
    thread.start()
    deadline = time.monotonic() + 5
    while extra_jobs.count("count") < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    assert not thread.is_alive()
    assert extra_jobs.count("count") >= 2 and extra_jobs.count("boom") >= 2


def test_sigterm_stops_the_worker_cleanly(tmp_path):
    import os
    import selectors
    import signal
    import subprocess
    import sys

    env = {**os.environ, "PORTAL_ENV": "testing", "FLASK_APP": "wsgi:app",
           "TEST_DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "worker"], env=env, cwd=os.getcwd(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    seen = ""
    try:
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 30
        while "worker started" not in seen and time.monotonic() < deadline:
            if selector.select(timeout=0.5):
                line = process.stdout.readline()
                if not line:
                    break
                seen += line
        assert "worker started" in seen, seen
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, seen + output
    assert "worker stopped" in output
