"""Events per second through outbox → relay → broker → consumer with dedupe, next to a plain
kafka-python produce + consume of the same messages (part (a) of `benchmarks/pipeline.py`)."""

from __future__ import annotations

import os
import sys
import time
import uuid
from pathlib import Path

from kafka import KafkaConsumer, KafkaProducer
from sqlalchemy import MetaData, create_engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.pipeline import (  # noqa: E402
    applied_count,
    make_consumer,
    recording_handler,
    relay_for,
    run_in_thread,
    write_events,
)

from scripts import infra  # noqa: E402
from scripts.api_client import until  # noqa: E402
from shared.db import infrastructure_tables, make_engine, make_session_factory  # noqa: E402
from shared.kafka.admin import ensure_topics  # noqa: E402
from shared.kafka.robust_producer import RobustKafkaProducer  # noqa: E402

BENCH_DB = os.environ.get("BENCH_DB", "psymatch_bench")
BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
SCHEMA, ROLE = "bench_pipeline", "patient_service"


class Scratch:
    """A fresh schema with the infrastructure tables and an `applied` table (as the tests use)."""

    def __init__(self, database: str) -> None:
        from sqlalchemy import BigInteger, Column, Integer, String, Table

        infra.setup_database(database)
        admin = create_engine(
            f"{infra.admin_url().rsplit('/', 1)[0]}/{database}", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA} AUTHORIZATION {ROLE}"))
        admin.dispose()
        metadata = MetaData(schema=SCHEMA)
        self.tables = infrastructure_tables(metadata)
        self.applied = Table(
            "applied",
            metadata,
            Column("id", BigInteger, primary_key=True, autoincrement=True),
            Column("event_id", String(64), nullable=False),
            Column("aggregate", String(64), nullable=False),
            Column("seq", Integer, nullable=False),
        )
        url = f"postgresql+psycopg2://{ROLE}:{infra.db_password(ROLE)}@127.0.0.1:6432/{database}"
        self.engine = make_engine(url, pool_size=5)
        metadata.create_all(self.engine)
        self.session_factory = make_session_factory(self.engine)


def events_per_second(count: int) -> dict[str, float]:
    """(a): outbox write, relay + consumer with dedupe, and the plain-broker baseline."""
    scratch, tag = Scratch(BENCH_DB), uuid.uuid4().hex[:8]
    topic = f"bench-pipeline-{tag}"
    ensure_topics(BOOTSTRAP, [topic, f"{topic}.dlq"], 3)
    pairs = [(thing, seq) for seq in range(count // 100) for thing in range(100)]
    started = time.monotonic()
    write_events(scratch, topic, pairs, per_tx=500)
    written = time.monotonic() - started
    producer = RobustKafkaProducer(BOOTSTRAP, "bench")
    consumer = make_consumer(
        scratch,
        BOOTSTRAP,
        [topic],
        f"bench-pipeline-{tag}",
        {"thing.changed": recording_handler(scratch)},
    )
    relay = relay_for(scratch, producer)
    wait_for_assignment(consumer._connect())  # a group join takes seconds: not timed
    started = time.monotonic()
    relay_thread, stop_relay = run_in_thread(lambda s: relay.run(s, idle_s=0.05))
    consumer_thread, stop_consumer = run_in_thread(consumer.run)
    until(lambda: applied_count(scratch) >= len(pairs), "every event applied", 300, 0.05)
    through = time.monotonic() - started
    for stop, thread in ((stop_relay, relay_thread), (stop_consumer, consumer_thread)):
        stop.set()
        thread.join(timeout=30)
    producer.close()
    scratch.engine.dispose()
    return {
        "outbox_writes_per_s": len(pairs) / written,
        "pipeline_per_s": len(pairs) / through,
        "plain_broker_per_s": plain_broker_per_s(len(pairs), tag),
    }


def wait_for_assignment(consumer: KafkaConsumer, timeout_s: float = 60.0) -> None:
    """Poll an empty topic until the group join gave this consumer its partitions."""
    deadline = time.monotonic() + timeout_s
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError("no partition assignment")
        consumer.poll(timeout_ms=100)


def plain_broker_per_s(count: int, tag: str) -> float:
    """Baseline: produce `count` ~200-byte messages (acks=all) and consume them, no database.
    The consumer joins its group before the timer starts (as the pipeline's does)."""
    topic = f"bench-plain-{tag}"
    ensure_topics(BOOTSTRAP, [topic], 3)
    payload = b"x" * 200
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=BOOTSTRAP,
        group_id=f"bench-plain-{tag}",
        auto_offset_reset="earliest",
    )
    wait_for_assignment(consumer)
    started = time.monotonic()
    producer = KafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    for n in range(count):
        producer.send(topic, key=str(n % 100).encode(), value=payload)
    producer.flush()
    producer.close()
    seen = 0
    while seen < count:
        seen += sum(len(batch) for batch in consumer.poll(timeout_ms=500).values())
    consumer.commit()
    consumer.close()
    return count / (time.monotonic() - started)
