"""Scheduled jobs: a registry, a runner that records each run, and a scheduler thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Table, insert, update
from sqlalchemy.orm import Session

from shared.clock import Clock
from shared.db import UnitOfWork

log = logging.getLogger(__name__)

JOB_RUNS = Counter("job_runs_total", "Job runs by outcome", ["service", "job", "status"])

JobFunc = Callable[[datetime], dict[str, Any]]


@dataclass(frozen=True)
class Job:
    """A named unit of scheduled work; `run(now)` returns a small JSON-able summary."""

    name: str
    run: JobFunc
    interval_s: float


class JobRegistry:
    """The jobs a service offers (scheduled in the worker, runnable via the admin endpoint)."""

    def __init__(self, jobs: list[Job] | None = None) -> None:
        self._jobs: dict[str, Job] = {}
        for job in jobs or []:
            self.add(job)

    def add(self, job: Job) -> None:
        if job.name in self._jobs:
            raise ValueError(f"job {job.name!r} registered twice")
        self._jobs[job.name] = job

    def get(self, name: str) -> Job | None:
        return self._jobs.get(name)

    def names(self) -> list[str]:
        return sorted(self._jobs)

    def all(self) -> list[Job]:
        return [self._jobs[n] for n in self.names()]


class JobRunner:
    """Runs a job once and records it in `<schema>.job_runs`."""

    def __init__(
        self, service: str, session_factory: Callable[[], Session], table: Table, clock: Clock
    ) -> None:
        self._service = service
        self._session_factory = session_factory
        self._table = table
        self._clock = clock

    def run(self, job: Job, trigger: str, as_of: datetime | None = None) -> dict[str, Any]:
        now = as_of or self._clock.now()
        run_id = self._start(job.name, trigger, as_of)
        try:
            result = job.run(now)
        except Exception as exc:
            self._finish(run_id, "failed", None, f"{type(exc).__name__}: {exc}")
            JOB_RUNS.labels(self._service, job.name, "failed").inc()
            raise
        self._finish(run_id, "succeeded", result, None)
        JOB_RUNS.labels(self._service, job.name, "succeeded").inc()
        return {"job": job.name, "run_id": run_id, "as_of": now.isoformat(), "result": result}

    def _start(self, name: str, trigger: str, as_of: datetime | None) -> int:
        with UnitOfWork(self._session_factory) as uow:
            run_id = uow.session.execute(
                insert(self._table)
                .values(
                    job_name=name,
                    trigger=trigger,
                    as_of=as_of,
                    started_at=self._clock.now(),
                    status="running",
                )
                .returning(self._table.c.id)
            ).scalar_one()
            uow.commit()
        return int(run_id)

    def _finish(self, run_id: int, status: str, result: Any, error: str | None) -> None:
        with UnitOfWork(self._session_factory) as uow:
            uow.session.execute(
                update(self._table)
                .where(self._table.c.id == run_id)
                .values(status=status, result=result, error=error, finished_at=self._clock.now())
            )
            uow.commit()


class JobScheduler:
    """Runs each registered job every `interval_s` until stopped (one thread)."""

    def __init__(self, registry: JobRegistry, runner: JobRunner) -> None:
        self._registry = registry
        self._runner = runner

    def run(self, stop: threading.Event, tick_s: float = 1.0) -> None:
        next_due = {job.name: 0.0 for job in self._registry.all()}
        elapsed = 0.0
        while not stop.is_set():
            for job in self._registry.all():
                if elapsed >= next_due[job.name]:
                    self._run_safely(job)
                    next_due[job.name] = elapsed + job.interval_s
            stop.wait(tick_s)
            elapsed += tick_s

    def _run_safely(self, job: Job) -> None:
        try:
            self._runner.run(job, "schedule")
        except Exception:  # noqa: BLE001 - a failing job must not stop the others
            log.exception("job %s failed", job.name)
