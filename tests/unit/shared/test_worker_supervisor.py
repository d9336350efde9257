"""A worker notices a dead relay, consumer or scheduler thread: it logs which one and why,
stops the others and exits non-zero; its `/ready` answers 503 naming the dead thread."""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest
from support.brokers import free_port
from support.fakes import FakeStackClockStore

from shared.clock import FakeClock, OverridableClock, StackClock
from shared.jobs import Job, JobRegistry, JobScheduler
from shared.worker import EXIT_THREAD_DIED, Readiness, Supervisor, serve_metrics_and_ready


def loop_until(stop: threading.Event):
    return lambda: stop.wait()


def raise_after(seconds: float, exc: BaseException):
    def loop() -> None:
        time.sleep(seconds)
        raise exc

    return loop


def test_a_raising_consumer_thread_stops_the_worker_with_a_non_zero_code(caplog):
    stop = threading.Event()
    supervisor = Supervisor(stop, "patient_service")
    supervisor.add("relay", loop_until(stop))
    supervisor.add("consumer", raise_after(0.05, RuntimeError("broker said no")))
    supervisor.add("jobs", loop_until(stop))
    supervisor.start()
    with caplog.at_level(logging.ERROR, logger="shared.worker"):
        code = supervisor.wait(poll_s=0.01)
    assert code == EXIT_THREAD_DIED != 0
    assert stop.is_set()
    assert not any(t.is_alive() for t in supervisor.threads.values())  # the others stopped
    died = [r for r in caplog.records if "died" in r.getMessage()]
    assert died and "consumer" in died[0].getMessage()
    assert "RuntimeError: broker said no" in died[0].getMessage()
    assert died[0].exc_info is not None  # the traceback is in the log


def test_a_loop_that_returns_on_its_own_counts_as_dead():
    stop = threading.Event()
    supervisor = Supervisor(stop)
    supervisor.add("relay", lambda: None)
    supervisor.add("consumer", loop_until(stop))
    supervisor.start()
    assert supervisor.wait(poll_s=0.01) == EXIT_THREAD_DIED
    assert "returned" in supervisor.dead()["relay"]


def test_a_signal_stop_exits_zero():
    stop = threading.Event()
    supervisor = Supervisor(stop)
    supervisor.add("relay", loop_until(stop))
    supervisor.add("consumer", loop_until(stop))
    supervisor.start()
    threading.Timer(0.05, stop.set).start()
    assert supervisor.wait(poll_s=0.01) == 0
    assert supervisor.dead() == {}


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dead_job_thread_ends_the_scheduler_thread():
    """The scheduler runs one thread per job; if one of them ends, the `jobs` loop raises."""
    stop = threading.Event()

    class Runner:
        def run_if_due(self, job, trigger):
            raise SystemExit("not caught by the job's own error handling")

    registry = JobRegistry([Job("crashy", lambda *_: None, 60)])
    supervisor = Supervisor(stop)
    supervisor.add("jobs", lambda: JobScheduler(registry, Runner()).run(stop, tick_s=0.01))
    supervisor.start()
    assert supervisor.wait(poll_s=0.01) == EXIT_THREAD_DIED
    assert "job-crashy" in supervisor.dead()["jobs"]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def ready_server():
    servers = []

    def start(readiness: Readiness, clock: OverridableClock | None = None) -> str:
        port = free_port()
        servers.append(serve_metrics_and_ready(readiness, port, clock=clock))
        return f"http://127.0.0.1:{port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def test_ready_turns_503_when_a_thread_is_dead(ready_server):
    stop = threading.Event()
    crash = threading.Event()

    def consumer() -> None:
        crash.wait()
        raise RuntimeError("poll failed")

    supervisor = Supervisor(stop)
    supervisor.add("relay", loop_until(stop))
    supervisor.add("consumer", consumer)
    base = ready_server(Readiness(supervisor, lambda: None))
    supervisor.start()
    status, body = get(f"{base}/ready")
    assert status == 200
    assert body == {
        "status": "ready",
        "checks": {"thread:relay": "ok", "thread:consumer": "ok", "database": "ok"},
    }
    crash.set()
    supervisor.threads["consumer"].join(timeout=5)
    status, body = get(f"{base}/ready")
    assert status == 503
    assert body["status"] == "not_ready"
    assert body["checks"]["thread:consumer"] == "dead (RuntimeError: poll failed)"
    stop.set()


def test_ready_turns_503_when_the_database_does_not_answer(ready_server):
    stop = threading.Event()
    supervisor = Supervisor(stop)
    supervisor.add("relay", loop_until(stop))

    def database() -> None:
        raise ConnectionError("pgbouncer down")

    base = ready_server(Readiness(supervisor, database))
    supervisor.start()
    status, body = get(f"{base}/ready")
    assert status == 503
    assert body["checks"] == {"thread:relay": "ok", "database": "unavailable (ConnectionError)"}
    stop.set()


def test_the_same_port_still_serves_the_metrics(ready_server):
    stop = threading.Event()
    base = ready_server(Readiness(Supervisor(stop), lambda: None))
    with urllib.request.urlopen(f"{base}/metrics", timeout=3) as response:
        text = response.read().decode()
    assert "python_info" in text or "process_" in text or "# HELP" in text


def test_the_metrics_port_answers_the_workers_clock(ready_server):
    real = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    store = FakeStackClockStore()
    stack = StackClock(store, FakeClock(real), monotonic=lambda: 0.0)
    base = ready_server(
        Readiness(Supervisor(threading.Event()), lambda: None), OverridableClock(stack)
    )
    assert get(f"{base}/clock") == (200, {"now": real.isoformat(), "simulated": False})
    later = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)
    stack.advance(later)
    assert get(f"{base}/clock") == (200, {"now": later.isoformat(), "simulated": True})


def test_every_event_is_handled_after_reading_the_stack_clock_again():
    from datetime import UTC, datetime

    from support.fakes import FakeStackClockStore

    from shared.clock import FakeClock, OverridableClock, StackClock
    from shared.worker import following_clock

    before, later = datetime(2027, 1, 4, 6, 0, tzinfo=UTC), datetime(2027, 1, 4, 18, 0, tzinfo=UTC)
    store = FakeStackClockStore(before)
    clock = OverridableClock(StackClock(store, FakeClock(before)))
    assert clock.now() == before
    store.simulated = later  # PUT /api/clock in the web process
    seen = []
    following_clock(clock, lambda session, envelope: seen.append(clock.now()))(None, None)
    assert seen == [later]
