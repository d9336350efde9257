"""A real worker process (patient service, test database, the stack's broker) whose consumer
thread raises: it exits with a non-zero code, so the container's restart policy acts, and its
log names the thread and the exception. Before that its `/ready` on the metrics port said 200.

The consumer is made to raise by a small launcher (`python -c`) that replaces
`EventConsumer.run` before calling the worker's own `main()`; the relay, the supervisor, the
metrics server and the database are the real ones."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from support.brokers import free_port
from support.testdb import TEST_DB

from patient_service.handlers import SOURCE_SERVICES
from scripts.stack import service_env
from shared.events.topics import TOPICS, dlq_topic
from shared.kafka.admin import ensure_topics
from shared.worker import EXIT_THREAD_DIED

pytestmark = [pytest.mark.integration, pytest.mark.timeout(120)]

LAUNCHER = """
import pathlib, sys
from shared.kafka import consumer

trigger = pathlib.Path(sys.argv[1])

def run(self, stop):
    while not trigger.exists() and not stop.wait(0.05):
        pass
    raise RuntimeError("poll exploded on purpose")

consumer.EventConsumer.run = run
from patient_service.worker import main
main()
"""


def ready(port: int) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
    except (OSError, ValueError):
        return None


def test_a_worker_whose_consumer_thread_raises_exits_non_zero_and_names_it(
    migrated_db, broker, topic_prefix, spawn, tmp_path
):
    topics = [f"{topic_prefix}{TOPICS[s]}" for s in [*SOURCE_SERVICES, "patient_service"]]
    ensure_topics(broker, topics + [dlq_topic(t) for t in topics], 3)
    port, trigger = free_port(), tmp_path / "crash-now"
    env = {
        **service_env("patient_service", TEST_DB),
        "KAFKA_BOOTSTRAP_SERVERS": broker,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "JOBS_ENABLED": "false",
        "WORKER_METRICS_PORT": str(port),
    }
    worker = spawn(["-c", LAUNCHER, str(trigger)], env, "worker")

    deadline = time.monotonic() + 60
    while (answer := ready(port)) is None or answer[0] != 200:
        assert worker.alive() and time.monotonic() < deadline, (answer, worker.log_tail())
        time.sleep(0.1)
    assert answer[1]["checks"] == {
        "thread:relay": "ok",
        "thread:consumer": "ok",
        "database": "ok",
    }

    trigger.touch()
    assert worker.proc is not None
    code = worker.proc.wait(timeout=30)
    assert code == EXIT_THREAD_DIED != 0, worker.log_tail()
    lines = [json.loads(line) for line in worker.log_tail(200).splitlines() if line.startswith("{")]
    [died] = [entry for entry in lines if entry["message"].startswith("worker thread")]
    assert died["level"] == "ERROR"
    assert died["thread_name"] == "consumer"
    assert "consumer" in died["message"]
    assert "RuntimeError: poll exploded on purpose" in died["message"]
    assert "poll exploded on purpose" in died["exc"]  # the traceback
    assert any(f"exits with {EXIT_THREAD_DIED}" in entry["message"] for entry in lines)
