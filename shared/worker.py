"""The worker process of a service: outbox relay, event consumers and scheduled jobs.

Every loop runs on a thread of its own under a `Supervisor`: if one of them raises (or returns
before it was asked to stop), the worker logs which thread died and why, stops the others and
exits with `EXIT_THREAD_DIED`, so the container's restart policy starts it again. The metrics
port also answers `GET /ready` (threads alive and the database answers, else 503) and
`GET /clock` (the process's time, and whether it is the stack's simulated one).
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import traceback
from collections.abc import Callable, Mapping
from http.server import ThreadingHTTPServer
from typing import Any

from prometheus_client.exposition import MetricsHandler
from sqlalchemy.orm import Session

from shared.clock import OverridableClock, clock_view, follow
from shared.context import ServiceContext
from shared.db import ping
from shared.events.envelope import Envelope
from shared.http.observability import configure_logging
from shared.jobs import JobRunner, JobScheduler
from shared.kafka.consumer import EventConsumer, Handler
from shared.kafka.relay import OutboxRelay
from shared.kafka.robust_producer import RobustKafkaProducer

log = logging.getLogger(__name__)

EXIT_THREAD_DIED = 3


class Supervisor:
    """Runs named loops on daemon threads and notices when one of them ends on its own."""

    def __init__(self, stop: threading.Event, service: str = "worker") -> None:
        self.stop = stop
        self.service = service
        self.threads: dict[str, threading.Thread] = {}
        self.failures: dict[str, str] = {}
        self._lock = threading.Lock()

    def add(self, name: str, loop: Callable[[], Any]) -> threading.Thread:
        thread = threading.Thread(
            target=self._guard, args=(name, loop), name=f"{self.service}-{name}", daemon=True
        )
        self.threads[name] = thread
        return thread

    def _guard(self, name: str, loop: Callable[[], Any]) -> None:
        try:
            loop()
        except BaseException as exc:  # noqa: BLE001 - any end of a loop is reported
            self._failed(name, f"{type(exc).__name__}: {exc}", exc)
            return
        if not self.stop.is_set():
            self._failed(name, "returned before the worker was stopped", None)

    def _failed(self, name: str, reason: str, exc: BaseException | None) -> None:
        with self._lock:
            self.failures[name] = reason
        log.error(
            "worker thread %s died: %s",
            name,
            reason,
            exc_info=(type(exc), exc, exc.__traceback__) if exc is not None else None,
            extra={"thread_name": name, "error": reason},
        )
        self.stop.set()

    def start(self) -> None:
        for thread in self.threads.values():
            thread.start()

    def dead(self) -> dict[str, str]:
        """Threads that ended on their own, with the reason (ends after `stop` do not count)."""
        with self._lock:
            failures = dict(self.failures)
        if not self.stop.is_set():
            for name, thread in self.threads.items():
                if name not in failures and thread.ident is not None and not thread.is_alive():
                    failures[name] = "not running"
        return failures

    def checks(self) -> dict[str, str]:
        dead = self.dead()
        return {
            f"thread:{name}": f"dead ({dead[name]})" if name in dead else "ok"
            for name in self.threads
        }

    def wait(self, poll_s: float = 1.0) -> int:
        """Block until stopped (signal) or a thread died; the process exit code."""
        while not self.stop.wait(poll_s):
            if self.dead():
                self.stop.set()
        dead = self.dead()
        for thread in self.threads.values():
            if thread.ident is not None:
                thread.join(timeout=15)
        if dead:
            log.error(
                "worker exits with %d: thread(s) died: %s",
                EXIT_THREAD_DIED,
                "; ".join(f"{n}: {r}" for n, r in dead.items()),
            )
            return EXIT_THREAD_DIED
        return 0


class Readiness:
    """What the worker's `/ready` says: every supervised thread alive and the database answers."""

    def __init__(self, supervisor: Supervisor, database: Callable[[], None]) -> None:
        self._supervisor = supervisor
        self._database = database

    def report(self) -> dict[str, str]:
        checks = self._supervisor.checks()
        try:
            self._database()
            checks["database"] = "ok"
        except Exception as exc:  # noqa: BLE001 - any failure means not ready
            checks["database"] = f"unavailable ({type(exc).__name__})"
        return checks


def serve_metrics_and_ready(
    readiness: Readiness,
    port: int,
    host: str = "127.0.0.1",
    clock: OverridableClock | None = None,
) -> ThreadingHTTPServer:
    """Prometheus metrics on every path but `/ready`, which answers 200/503 with the checks,
    and `/clock` (with a `clock`): this process's time and whether it is simulated."""

    class Handler(MetricsHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server API
            path = self.path.split("?", 1)[0]
            if path == "/clock" and clock is not None:
                self._json(200, clock_view(clock))
                return
            if path != "/ready":
                super().do_GET()
                return
            checks = readiness.report()
            ready = all(value == "ok" for value in checks.values())
            self._json(
                200 if ready else 503,
                {"status": "ready" if ready else "not_ready", "checks": checks},
            )

        def _json(self, status: int, data: dict[str, Any]) -> None:
            body = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # scrapes and health checks every few seconds are not worth a log line

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server


def build_loops(
    ctx: ServiceContext, handlers: Mapping[str, Handler], stop: threading.Event
) -> tuple[list[tuple[str, Callable[[], Any]]], RobustKafkaProducer]:
    """The relay, one consumer over the topics the service subscribes to (`consumed_topics`,
    the same list `GET /api/pipeline` reads the lag of), and the job scheduler."""
    s = ctx.settings
    producer = RobustKafkaProducer(s.kafka_bootstrap_servers, f"{s.service_name}-worker")
    relay = OutboxRelay(
        ctx.session_factory,
        ctx.tables["outbox"],
        producer,
        s.service_name,
        s.outbox_batch_size,
        ctx.clock,
    )
    loops: list[tuple[str, Callable[[], Any]]] = [
        ("relay", lambda: relay.run(stop, s.outbox_poll_interval_s))
    ]
    if handlers:
        consumer = EventConsumer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            group_id=s.consumer_group,
            topics=s.consumed_topics,
            handlers={name: following_clock(ctx.clock, h) for name, h in handlers.items()},
            session_factory=ctx.session_factory,
            processed_table=ctx.tables["processed_events"],
            dlq_producer=producer,
            max_attempts=s.consumer_max_attempts,
            partition_workers=s.consumer_partition_workers,
            session_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
            fetch_max_wait_ms=s.kafka_fetch_max_wait_ms,
        )
        loops.append(("consumer", lambda: consumer.run(stop)))
    if s.jobs_enabled and ctx.jobs.names():
        runner = JobRunner(s.service_name, ctx.session_factory, ctx.tables["job_runs"], ctx.clock)
        loops.append(("jobs", lambda: JobScheduler(ctx.jobs, runner).run(stop)))
    return loops, producer


def following_clock(clock: OverridableClock, handler: Handler) -> Handler:
    """`handler` that first makes the stack clock be read again (`shared.clock.follow`)."""

    def handle(session: Session, envelope: Envelope) -> None:
        follow(clock)
        handler(session, envelope)

    return handle


def _log_thread_exception(args: threading.ExceptHookArgs) -> None:
    """Uncaught exceptions of any other thread (a job's thread, say) go to the JSON log."""
    name = args.thread.name if args.thread is not None else "?"
    text = "".join(traceback.format_exception(args.exc_type, args.exc_value, args.exc_traceback))
    log.error("thread %s raised %s", name, args.exc_type.__name__, extra={"exc": text})


def run_worker(ctx: ServiceContext, handlers: Mapping[str, Handler]) -> None:
    """Run until SIGTERM/SIGINT (exit 0) or until a thread dies (exit `EXIT_THREAD_DIED`);
    either way stop the loops and flush the producer first."""
    s = ctx.settings
    configure_logging(s.service_name, s.log_level)
    threading.excepthook = _log_thread_exception
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    loops, producer = build_loops(ctx, handlers, stop)
    supervisor = Supervisor(stop, s.service_name)
    for name, loop in loops:
        supervisor.add(name, loop)
    server = None
    if s.worker_metrics_port:
        readiness = Readiness(supervisor, lambda: ping(ctx.engine))
        server = serve_metrics_and_ready(
            readiness, s.worker_metrics_port, s.worker_metrics_host, ctx.clock
        )
    supervisor.start()
    log.info("worker started: %s", ", ".join(t.name for t in supervisor.threads.values()))
    code = supervisor.wait()
    producer.close()
    if server is not None:
        server.shutdown()
    log.info("worker stopped", extra={"exit_code": code})
    if code:
        sys.exit(code)
