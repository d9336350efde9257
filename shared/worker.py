"""The worker process of a service: outbox relay, event consumers and scheduled jobs."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Mapping

from prometheus_client import start_http_server

from shared.context import ServiceContext
from shared.events.topics import TOPICS
from shared.http.observability import configure_logging
from shared.jobs import JobRunner, JobScheduler
from shared.kafka.consumer import EventConsumer, Handler
from shared.kafka.relay import OutboxRelay
from shared.kafka.robust_producer import RobustKafkaProducer

log = logging.getLogger(__name__)


def build_threads(
    ctx: ServiceContext,
    handlers: Mapping[str, Handler],
    source_services: list[str],
    stop: threading.Event,
) -> tuple[list[threading.Thread], RobustKafkaProducer]:
    """The relay, one consumer over the source services' topics, and the job scheduler."""
    s = ctx.settings
    producer = RobustKafkaProducer(s.kafka_bootstrap_servers, f"{s.service_name}-worker")
    relay = OutboxRelay(
        ctx.session_factory, ctx.tables["outbox"], producer, s.service_name, s.outbox_batch_size
    )
    targets = [("relay", lambda: relay.run(stop, s.outbox_poll_interval_s))]
    if handlers:
        consumer = EventConsumer(
            bootstrap_servers=s.kafka_bootstrap_servers,
            group_id=s.consumer_group,
            topics=[s.topic(TOPICS[name]) for name in source_services],
            handlers=handlers,
            session_factory=ctx.session_factory,
            processed_table=ctx.tables["processed_events"],
            dlq_producer=producer,
            max_attempts=s.consumer_max_attempts,
            session_timeout_ms=s.kafka_session_timeout_ms,
            heartbeat_interval_ms=s.kafka_heartbeat_interval_ms,
        )
        targets.append(("consumer", lambda: consumer.run(stop)))
    if s.jobs_enabled and ctx.jobs.names():
        runner = JobRunner(s.service_name, ctx.session_factory, ctx.tables["job_runs"], ctx.clock)
        targets.append(("jobs", lambda: JobScheduler(ctx.jobs, runner).run(stop)))
    threads = [
        threading.Thread(target=t, name=f"{s.service_name}-{n}", daemon=True) for n, t in targets
    ]
    return threads, producer


def run_worker(
    ctx: ServiceContext, handlers: Mapping[str, Handler], source_services: list[str]
) -> None:
    """Run until SIGTERM/SIGINT; then stop the loops and flush the producer."""
    configure_logging(ctx.settings.service_name, ctx.settings.log_level)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threads, producer = build_threads(ctx, handlers, source_services, stop)
    if ctx.settings.worker_metrics_port:
        start_http_server(ctx.settings.worker_metrics_port, addr="127.0.0.1")
    for thread in threads:
        thread.start()
    log.info("worker started: %s", ", ".join(t.name for t in threads))
    stop.wait()
    for thread in threads:
        thread.join(timeout=15)
    producer.close()
    log.info("worker stopped")
