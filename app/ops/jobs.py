"""Periodic jobs run by `flask worker`.

A feature registers a job by decorating a function in its services module:

    @periodic("escorts.materialise", every_seconds=60)
    def materialise_due_escorts() -> int: ...

Each job must be idempotent and safe with several workers at once (claim rows with a
conditional UPDATE or a unique key), because a crash or a second worker must never send
twice or skip. The worker imports every module of app.services so that all jobs register.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: int
    run: Callable[[], object]


JOBS: dict[str, Job] = {}


def periodic(name: str, every_seconds: int) -> Callable[[Callable], Callable]:
    def decorator(fn: Callable) -> Callable:
        JOBS[name] = Job(name, every_seconds, fn)
        return fn

    return decorator


def all_jobs() -> list[Job]:
    import app.services as services

    for module in pkgutil.iter_modules(services.__path__):
        importlib.import_module(f"{services.__name__}.{module.name}")
    return sorted(JOBS.values(), key=lambda job: job.name)
