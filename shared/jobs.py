"""Scheduled jobs: a registry, a runner that records each run, and a scheduler thread.

A run holds a transaction-level advisory lock keyed by its id for as long as it runs (one
pinned connection; safe behind PgBouncer's transaction pooling). A process that dies loses its
connection and with it the lock, so a `running` row whose lock can be taken belongs to nobody:
the next run of any job of the service marks it `interrupted` (no clock or timeout involved).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from shared.clock import Clock, follow
from shared.correlation import correlated, current_correlation_id, current_request_id
from shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

JOB_RUNS = Counter("job_runs_total", "Job runs by outcome", ["service", "job", "status"])

JobFunc = Callable[[datetime], dict[str, Any]]
# A scheduled run that started less than this share of the job's interval ago counts as this
# schedule's run (made by another worker process of the service).
DUE_SHARE = 0.9
INTERRUPTED_ERROR = "interrupted: the process running this job stopped before it finished"


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


class Busy:
    """`run_if_due`'s answer when another process holds the job's schedule lock: it is making
    the run, or it died and its database session has not let go yet. The scheduler asks again
    on its next tick instead of a full interval later (a worker restarted after a kill would
    otherwise skip the run it owes)."""


BUSY = Busy()


class JobRunner:
    """Runs a job once and records it in `<schema>.job_runs` (crashed runs are found later)."""

    def __init__(
        self, service: str, session_factory: Callable[[], Session], table: Table, clock: Clock
    ) -> None:
        self._service = service
        self._session_factory = session_factory
        self._table = table
        self._clock = clock
        self._lock_space = zlib.crc32(f"job-run:{table.fullname}".encode()) & 0x7FFFFFFF
        self._schedule_space = zlib.crc32(f"job-schedule:{table.fullname}".encode()) & 0x7FFFFFFF

    def run_if_due(self, job: Job, trigger: str = "schedule") -> dict[str, Any] | Busy | None:
        """The scheduled run of `job`, unless another process of the service is making it
        (BUSY) or made it less than DUE_SHARE of its interval ago (None): several workers of
        one service run each job once per schedule."""
        self.mark_interrupted()  # a run whose process died is no schedule's run
        session = self._session_factory()
        try:
            key = zlib.crc32(job.name.encode()) & 0x7FFFFFFF
            lock = func.pg_try_advisory_xact_lock(self._schedule_space, key)
            if not session.execute(select(lock)).scalar():
                return BUSY  # another process is deciding or running this job now
            t = self._table
            last = session.execute(
                select(func.max(t.c.started_at)).where(
                    t.c.job_name == job.name,
                    t.c.trigger == trigger,
                    t.c.status != "interrupted",
                )
            ).scalar()
            recent = timedelta(seconds=job.interval_s * DUE_SHARE)
            if last is not None and self._clock.now() - last < recent:
                return None
            return self.run(job, trigger)  # the lock is held until this run has finished
        finally:
            session.close()

    def run(self, job: Job, trigger: str, as_of: datetime | None = None) -> dict[str, Any]:
        follow(self._clock)
        now = as_of or self._clock.now()
        self.mark_interrupted()
        # Events of one run share a correlation id (the request's, when run over HTTP).
        correlation_id = current_correlation_id() or str(uuid.uuid4())
        with self._lease() as run_id, correlated(correlation_id, current_request_id()):
            self._start(run_id, job.name, trigger, as_of)
            try:
                result = job.run(now)
            except Exception as exc:
                self._finish(run_id, "failed", None, f"{type(exc).__name__}: {exc}")
                JOB_RUNS.labels(self._service, job.name, "failed").inc()
                raise
            self._finish(run_id, "succeeded", result, None)
        JOB_RUNS.labels(self._service, job.name, "succeeded").inc()
        return {"job": job.name, "run_id": run_id, "as_of": now.isoformat(), "result": result}

    def mark_interrupted(self) -> list[int]:
        """`running` rows whose process is gone become `interrupted`; returns their ids."""
        t = self._table
        with UnitOfWork(self._session_factory) as uow:
            running = uow.session.execute(
                select(t.c.id, t.c.job_name).where(t.c.status == "running").order_by(t.c.id)
            ).all()
            lost = [row for row in running if self._try_lock(uow.session, row.id)]
            if lost:
                uow.session.execute(
                    update(t)
                    .where(t.c.id.in_([row.id for row in lost]), t.c.status == "running")
                    .values(
                        status="interrupted", error=INTERRUPTED_ERROR, finished_at=self._clock.now()
                    )
                )
            uow.commit()
        for row in lost:
            log.warning("job %s run %d was interrupted (its process stopped)", row.job_name, row.id)
            JOB_RUNS.labels(self._service, row.job_name, "interrupted").inc()
        return [row.id for row in lost]

    def _try_lock(self, session: Session, run_id: int) -> bool:
        key = run_id % 2**31
        return bool(
            session.execute(select(func.pg_try_advisory_xact_lock(self._lock_space, key))).scalar()
        )

    @contextmanager
    def _lease(self) -> Iterator[int]:
        """A new run id, locked (in an open transaction) until the block ends."""
        session = self._session_factory()
        try:
            sequence = func.pg_get_serial_sequence(self._table.fullname, "id")
            run_id = int(session.execute(select(func.nextval(sequence))).scalar_one())
            session.execute(select(func.pg_advisory_xact_lock(self._lock_space, run_id % 2**31)))
            yield run_id
        finally:
            session.close()  # rolls back, which releases the lock

    def _start(self, run_id: int, name: str, trigger: str, as_of: datetime | None) -> None:
        with UnitOfWork(self._session_factory) as uow:
            uow.session.execute(
                insert(self._table).values(
                    id=run_id,
                    job_name=name,
                    trigger=trigger,
                    as_of=as_of,
                    started_at=self._clock.now(),
                    status="running",
                )
            )
            uow.commit()

    def _finish(self, run_id: int, status: str, result: Any, error: str | None) -> None:
        with UnitOfWork(self._session_factory) as uow:
            uow.session.execute(
                update(self._table)
                .where(self._table.c.id == run_id)
                .values(status=status, result=result, error=error, finished_at=self._clock.now())
            )
            uow.commit()


class JobScheduler:
    """Runs each registered job every `interval_s` until stopped, each job on its own thread
    and on the monotonic clock: a long run of one job never delays another job's schedule,
    and neither a wall-clock jump nor a simulated clock shifts a schedule."""

    def __init__(
        self,
        registry: JobRegistry,
        runner: JobRunner,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._registry = registry
        self._runner = runner
        self._monotonic = monotonic

    def run(self, stop: threading.Event, tick_s: float = 1.0) -> None:
        threads = [
            threading.Thread(
                target=self._schedule, args=(job, stop, tick_s), name=f"job-{job.name}", daemon=True
            )
            for job in self._registry.all()
        ]
        for thread in threads:
            thread.start()
        while not stop.wait(tick_s):
            dead = [thread.name for thread in threads if not thread.is_alive()]
            if dead:  # its exception went to threading.excepthook (the worker logs it)
                raise RuntimeError(f"job thread(s) stopped: {', '.join(dead)}")
        for thread in threads:
            thread.join(timeout=tick_s * 2)

    def _schedule(self, job: Job, stop: threading.Event, tick_s: float) -> None:
        """Due at start, then every `interval_s` after the planned start. A run that overran
        its interval is followed at once; slots missed while stalled make one late run, and
        the next is a full interval after it."""
        due = self._monotonic()
        while not stop.is_set():
            started = self._monotonic()
            if started >= due:
                if self._run_safely(job) is BUSY:
                    due = started + tick_s  # ask again: the holder may be gone by then
                else:
                    due += job.interval_s
                    if due <= started:
                        due = started + job.interval_s
            stop.wait(min(tick_s, max(0.0, due - self._monotonic())))

    def _run_safely(self, job: Job) -> Any:
        try:
            return self._runner.run_if_due(job, "schedule")
        except Exception:  # noqa: BLE001 - a failing job must not stop the others
            log.exception("job %s failed", job.name)
            return None
