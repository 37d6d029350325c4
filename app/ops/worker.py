"""The background worker behind `flask worker`: every periodic job in one loop.

Each job runs on its own interval (`@periodic(..., every_seconds=N)` in app/ops/jobs.py). A job
that raises is logged and rolled back; the others carry on. SIGTERM or SIGINT (systemd stop,
Ctrl-C) asks the loop to stop: the job that is running finishes first, so a claim is never
abandoned half-way by a clean shutdown.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable

from app.extensions import db
from app.ops.jobs import Job, all_jobs

log = logging.getLogger(__name__)


def run_job(job: Job) -> bool:
    """Run one job in a clean session; True when it finished without an error."""
    started = time.monotonic()
    try:
        outcome = job.run()
    except Exception:
        db.session.rollback()
        log.exception("job %s failed", job.name)
        return False
    finally:
        db.session.remove()
    log.info("job %s done in %.2fs: %s", job.name, time.monotonic() - started, outcome)
    return True


def run_once(jobs: list[Job] | None = None) -> dict[str, bool]:
    """Run every job once (`flask worker --once`); the result says which ones succeeded."""
    return {job.name: run_job(job) for job in (jobs if jobs is not None else all_jobs())}


def run_forever(stop: threading.Event | None = None, jobs: list[Job] | None = None,
                idle_seconds: float = 1.0) -> None:
    """Run each job whenever its interval has passed, until `stop` is set."""
    stop = stop or threading.Event()
    jobs = jobs if jobs is not None else all_jobs()
    _install_signal_handlers(stop.set)
    log.info("worker started with jobs: %s", ", ".join(job.name for job in jobs) or "none")
    next_run = {job.name: 0.0 for job in jobs}
    while not stop.is_set():
        for job in jobs:
            if stop.is_set():
                break
            if time.monotonic() >= next_run[job.name]:
                run_job(job)
                next_run[job.name] = time.monotonic() + job.every_seconds
        wait = min(next_run.values(), default=time.monotonic() + idle_seconds) - time.monotonic()
        stop.wait(max(0.05, min(wait, idle_seconds)))
    log.info("worker stopped")


def _install_signal_handlers(request_stop: Callable[[], None]) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, _frame) -> None:
        log.info("signal %s: stopping after the current job", signum)
        request_stop()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)
