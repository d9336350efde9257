"""Job runs on the real database: failures are recorded and counted, a run whose process is gone
is marked interrupted (a live one never), and a run's events share one correlation id."""

import zlib
from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select

from shared.clock import FakeClock
from shared.correlation import correlated
from shared.events.patient import PROFILE_EXAMPLE, PatientRegistered
from shared.jobs import BUSY, Job, JobRunner
from shared.outbox import OutboxWriter

pytestmark = pytest.mark.integration
SERVICE = "job_runs_test"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def runner(scratch) -> JobRunner:
    return JobRunner(SERVICE, scratch.session_factory, scratch.tables["job_runs"], FakeClock(NOW))


def counted(job: str, status: str) -> float:
    labels = {"service": SERVICE, "job": job, "status": status}
    return REGISTRY.get_sample_value("job_runs_total", labels) or 0.0


def run_row(scratch, run_id: int):
    runs = scratch.tables["job_runs"]
    with scratch.engine.connect() as conn:
        return conn.execute(select(runs).where(runs.c.id == run_id)).one()


def test_a_failing_job_is_recorded_as_failed_and_counted(clean_scratch):
    def explode(now):
        raise ValueError("no therapists today")

    before = counted("explode", "failed")
    with pytest.raises(ValueError):
        runner(clean_scratch).run(Job("explode", explode, 60), "schedule")
    row = run_row(clean_scratch, 1)
    assert (row.status, row.error) == ("failed", "ValueError: no therapists today")
    assert counted("explode", "failed") == before + 1


def test_a_running_row_nobody_holds_is_marked_interrupted(clean_scratch):
    runs = clean_scratch.tables["job_runs"]
    with clean_scratch.engine.begin() as conn:  # what a SIGKILLed process leaves behind
        conn.execute(
            insert(runs).values(
                id=41, job_name="orphan", trigger="schedule", started_at=NOW, status="running"
            )
        )
    before = counted("orphan", "interrupted")
    assert runner(clean_scratch).mark_interrupted() == [41]
    row = run_row(clean_scratch, 41)
    assert row.status == "interrupted" and row.finished_at == NOW
    assert counted("orphan", "interrupted") == before + 1
    assert runner(clean_scratch).mark_interrupted() == []


def test_a_run_in_progress_elsewhere_is_never_marked_interrupted(clean_scratch):
    other = runner(clean_scratch)
    seen = {}

    def look_from_another_runner(now):
        seen["marked"] = other.mark_interrupted()
        return {}

    result = runner(clean_scratch).run(Job("slow", look_from_another_runner, 60), "api")
    assert seen["marked"] == []
    assert run_row(clean_scratch, result["run_id"]).status == "succeeded"


def test_events_of_one_run_share_a_correlation_id_and_a_request_passes_its_own(clean_scratch):
    outbox = OutboxWriter(clean_scratch.tables["outbox"], "patient_service", "t")

    def emit_two(now):
        with clean_scratch.session_factory() as session:
            for patient_id in (1, 2):
                event = PatientRegistered.model_validate(
                    {**PROFILE_EXAMPLE, "patient_id": patient_id}
                )
                outbox.add(session, event, now)
            session.commit()
        return {}

    runner(clean_scratch).run(Job("emit", emit_two, 60), "schedule")
    with correlated("req-123"):
        runner(clean_scratch).run(Job("emit", emit_two, 60), "api")
    table = clean_scratch.tables["outbox"]
    with clean_scratch.engine.connect() as conn:
        ids = [
            e["correlation_id"]
            for e in conn.execute(select(table.c.envelope).order_by(table.c.id)).scalars()
        ]
    assert ids[0] == ids[1] and ids[0] is not None
    assert ids[2:] == ["req-123", "req-123"]


def test_two_worker_processes_run_a_scheduled_job_once_per_schedule(clean_scratch):
    """Scale-out (issue 20): every worker of a service schedules every job; the scheduled run
    is made by one of them per interval. Failed before this change: both ran it."""
    clock = FakeClock(NOW)
    table = clean_scratch.tables["job_runs"]
    first, second = (
        JobRunner(SERVICE, clean_scratch.session_factory, table, clock) for _ in range(2)
    )
    ran: list[str] = []
    job = Job("send-emails", lambda now: ran.append(now.isoformat()) or {}, 60)

    assert isinstance(first.run_if_due(job), dict)
    assert second.run_if_due(job) is None  # the same schedule: made by the other process
    clock.advance(seconds=30)
    assert first.run_if_due(job) is None and second.run_if_due(job) is None
    clock.advance(seconds=31)
    assert isinstance(second.run_if_due(job), dict)  # the next schedule: whoever comes first
    assert first.run_if_due(job) is None
    assert len(ran) == 2
    assert first.run(job, "api")  # a run by hand is never held back
    assert len(ran) == 3


def test_a_schedule_lock_held_elsewhere_answers_busy_and_the_run_follows_once_it_is_free(
    clean_scratch,
):
    """While another session holds the job's schedule lock (a process making the run, or a
    killed one's backend that has not noticed yet) the answer is BUSY, not "made recently":
    the scheduler asks again on its next tick."""
    clock = FakeClock(NOW)
    runner = JobRunner(
        SERVICE, clean_scratch.session_factory, clean_scratch.tables["job_runs"], clock
    )
    job = Job("matching-round", lambda now: {}, 3600)
    holder = clean_scratch.session_factory()
    try:
        key = zlib.crc32(job.name.encode()) & 0x7FFFFFFF
        space = zlib.crc32(b"job-schedule:" + clean_scratch.tables["job_runs"].fullname.encode())
        holder.execute(select(func.pg_advisory_xact_lock(space & 0x7FFFFFFF, key)))
        assert runner.run_if_due(job) is BUSY
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(runner.run_if_due(job), dict)


def test_a_scheduled_run_whose_process_died_does_not_hold_back_the_next_one(clean_scratch):
    """A worker killed mid-run leaves a `running` row; the restarted worker's scheduler must run
    the job again at once (the matching restart fault test), not wait a whole interval."""
    clock = FakeClock(NOW)
    runs = clean_scratch.tables["job_runs"]
    with clean_scratch.engine.begin() as conn:  # what a SIGKILLed worker leaves behind
        conn.execute(
            insert(runs).values(
                id=77,
                job_name="matching-round",
                trigger="schedule",
                started_at=NOW,
                status="running",
            )
        )
    runner = JobRunner(SERVICE, clean_scratch.session_factory, runs, clock)
    clock.advance(seconds=5)
    job = Job("matching-round", lambda now: {}, 3600)
    assert isinstance(runner.run_if_due(job), dict)


def test_a_run_reads_the_stack_clock_again_when_it_starts(clean_scratch):
    """A job started right after another process moved the stack clock runs at the new time."""
    from support.fakes import FakeStackClockStore

    from shared.clock import OverridableClock, StackClock

    later = datetime(2027, 1, 4, 18, 0, tzinfo=UTC)
    store = FakeStackClockStore(NOW)
    clock = OverridableClock(StackClock(store, FakeClock(NOW)))
    assert clock.now() == NOW  # cached for half a second
    store.simulated = later  # PUT /api/clock in another process
    jobs = JobRunner(
        SERVICE, clean_scratch.session_factory, clean_scratch.tables["job_runs"], clock
    )
    seen = []
    jobs.run(Job("seen", seen.append, 60), "http")
    assert seen == [later]
