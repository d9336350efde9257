"""The job scheduler: one thread per job on the monotonic clock, so a long run of one job never
delays another job's schedule (issue 20: before, every job ran on one thread and `elapsed`
counted only the sleep time)."""

from __future__ import annotations

import threading

from shared.jobs import BUSY, Job, JobRegistry, JobScheduler


class RecordingRunner:
    def __init__(self) -> None:
        self.runs: list[str] = []
        self.lock = threading.Lock()

    def run(self, job: Job, trigger: str) -> None:
        with self.lock:
            self.runs.append(job.name)
        job.run(None)  # type: ignore[arg-type]

    run_if_due = run  # the scheduler asks for the scheduled run (due-check: tested on the DB)

    def count(self, name: str) -> int:
        with self.lock:
            return self.runs.count(name)


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    done = threading.Event()
    deadline = threading.Timer(timeout_s, done.set)
    deadline.start()
    try:
        while not done.is_set():
            if condition():
                return True
            done.wait(0.01)
        return condition()
    finally:
        deadline.cancel()


def test_a_long_job_does_not_hold_back_another_jobs_schedule():
    """Failed before this change: `send-emails` waited until `matching-round` had finished."""
    release, stop = threading.Event(), threading.Event()
    runner = RecordingRunner()
    registry = JobRegistry(
        [
            Job("matching-round", lambda now: release.wait(10) and {}, 3600),
            Job("send-emails", lambda now: {}, 0.01),
        ]
    )
    scheduler = threading.Thread(
        target=JobScheduler(registry, runner).run, args=(stop, 0.01), daemon=True
    )
    scheduler.start()
    try:
        assert wait_for(lambda: runner.count("matching-round") == 1)
        assert wait_for(lambda: runner.count("send-emails") >= 3), runner.runs
        assert runner.count("matching-round") == 1  # still running, not started again
    finally:
        release.set()
        stop.set()
        scheduler.join(5)
    assert not scheduler.is_alive()


def test_schedules_follow_the_monotonic_clock_not_the_time_spent_sleeping():
    """Failed before this change: the scheduler added `tick_s` per loop, so a job's time was
    not counted and a slow loop shifted every schedule."""
    now = [1000.0]
    stop = threading.Event()
    runner = RecordingRunner()
    registry = JobRegistry([Job("outreach", lambda _: {}, 60)])
    scheduler = threading.Thread(
        target=JobScheduler(registry, runner, monotonic=lambda: now[0]).run,
        args=(stop, 0.01),
        daemon=True,
    )
    scheduler.start()
    try:
        assert wait_for(lambda: runner.count("outreach") == 1)
        now[0] += 59.0
        assert not wait_for(lambda: runner.count("outreach") == 2, timeout_s=0.2)
        now[0] += 1.0
        assert wait_for(lambda: runner.count("outreach") == 2)
        now[0] += 600.0  # a long stall: one catch-up run, not ten
        assert wait_for(lambda: runner.count("outreach") == 3)
        assert not wait_for(lambda: runner.count("outreach") == 4, timeout_s=0.2)
    finally:
        stop.set()
        scheduler.join(5)


def test_a_held_schedule_lock_is_asked_again_on_the_next_tick_not_an_interval_later():
    """Failed before this change: a worker restarted right after a kill found the dead one's
    lock still held, skipped the round, and waited a full interval (an hour) for the next."""
    now = [1000.0]
    stop = threading.Event()
    asked: list[str] = []

    class LockedTwice:
        def run_if_due(self, job, trigger):
            asked.append(job.name)
            return BUSY if len(asked) <= 2 else {"ran": True}

    registry = JobRegistry([Job("matching-round", lambda _: {}, 3600)])
    scheduler = threading.Thread(
        target=JobScheduler(registry, LockedTwice(), monotonic=lambda: now[0]).run,
        args=(stop, 0.01),
        daemon=True,
    )
    scheduler.start()
    try:
        assert wait_for(lambda: len(asked) == 1)
        now[0] += 0.01  # one tick, not an interval
        assert wait_for(lambda: len(asked) == 2)
        now[0] += 0.01
        assert wait_for(lambda: len(asked) == 3)  # the lock is free: the run is made
        now[0] += 60.0
        assert not wait_for(lambda: len(asked) == 4, timeout_s=0.2)  # then a full interval
    finally:
        stop.set()
        scheduler.join(5)
