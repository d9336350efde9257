"""Import benchmark: records parsed + validated per second, and full import runs end to end.

Run: `python -m benchmarks.import_bench` (`benchmarks.import` is impossible: `import` is a
keyword). Needs PostgreSQL via PgBouncer (DB from BENCH_DB, default psymatch_test) and, for the
therapist leg, the broker on 127.0.0.1:9092 (BENCH_THERAPISTS=0 skips it). BENCH_PRACTICES sets
the input size (default 35,000 generated practices in the Arztsuche response shape).
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
import uuid
from typing import Any

from sqlalchemy import func, select, update

from scraping_service.app import build_service_context
from scraping_service.clients.listings import normalise_item
from scraping_service.config import Settings
from scraping_service.domain.batches import Batch
from scraping_service.services import imports
from shared.events.topics import dlq_topic
from shared.kafka.admin import ensure_topics
from shared.kafka.consumer import EventConsumer
from shared.kafka.relay import OutboxRelay
from shared.kafka.robust_producer import RobustKafkaProducer
from shared.vocabulary import ImportSource

BROKER = "127.0.0.1:9092"
PAGE = 50  # items per response, as the source caps its lists
FIRST = ["Anna", "Miriam", "Jan", "Thomas", "Elif", "Lukas", "Sabine", "Omid", "Katrin", "Felix"]
LAST = ["Schneider", "von Bergen", "Tietz -Roder", "de Vries", "Krämer", "Yılmaz", "Neumann"]
PSY = [
    "Verhaltenstherapie für Erwachsene in Einzeltherapie",
    "Tiefenpsychologisch fundierte Psychotherapie für Erwachsene in Gruppentherapie",
    "Systemische Therapie für Kinder und Jugendliche in Einzeltherapie",
    "Psychotherapeutische Sprechstunde",
]


def practice(rnd: random.Random, n: int, prefix: str) -> dict[str, Any]:
    """One generated item; every tenth uses the newer `tsz` shape, every 50th is rejected."""
    first, last = rnd.choice(FIRST), rnd.choice(LAST)
    item = {
        "id": f"{prefix}-{n:06d}",
        "anrede": "Frau",
        "titel": "Dr.",
        "vorname": first,
        "name": f"Dr. {first} {last}",
        "geschlecht": "W",
        "strasse": "Lindenallee",
        "hausnummer": str(n % 200 + 1),
        "plz": f"{rnd.randint(1067, 99998):05d}",
        "ort": "Teststadt",
        "tel": f"0241 {rnd.randint(100000, 9999999)}",
        "fax": "",
        "email": f"PRAXIS{n}@Praxis-Test.DE",
        "web": f"www.praxis{n}.de",
        "lat": round(rnd.uniform(47.5, 54.8), 5),
        "lon": round(rnd.uniform(6.0, 14.9), 5),
        "fg": [{"value": "Psychologische Psychotherapeutin"}],
        "psy": rnd.sample(PSY, 2),
        "fs": rnd.choice([[], ["Englisch"], ["Türkisch", "Arabisch"]]),
        "kvg": [{"heading": "Barrierefreiheit", "values": ["rollstuhlgerecht"]}],
        "tsz": _tsz(n),
    }
    if n % 50 == 0:
        item["plz"] = ""
    return item


def _tsz(n: int) -> list[dict[str, Any]]:
    if n % 10 == 0:
        return [
            {
                "d": "2026-11-24",
                "typTsz": [
                    {"typ": "Telefonische Erreichbarkeit", "sprechzeiten": [{"z": "08:00 - 09:00"}]}
                ],
            }
        ]
    return [
        {
            "d": "24.11.",
            "t": "Mo.",
            "tszDesTyps": [
                {
                    "typ": "Telefonische Erreichbarkeit",
                    "sprechzeiten": [{"zeit": "08:00-08:50; 12:30-13:00"}],
                },
                {"typ": "Sprechstunde mit Termin", "sprechzeiten": [{"zeit": "09:00-17:00"}]},
            ],
        }
    ]


def generate(count: int, prefix: str) -> list[dict[str, Any]]:
    rnd = random.Random(35_000)
    return [practice(rnd, n, prefix) for n in range(count)]


def bench_parse(items: list[dict[str, Any]]) -> None:
    start = time.perf_counter()
    accepted = sum(1 for item in items if normalise_item(item).accepted)
    elapsed = time.perf_counter() - start
    print(
        f"parse + validate: {len(items):,} records in {elapsed:.2f} s = "
        f"{len(items) / elapsed:,.0f} records/s ({accepted:,} accepted)"
    )


def bench_import(ctx: Any, items: list[dict[str, Any]], area: str, label: str) -> None:
    """Queue one full run of `items` and time its processing into the outbox."""
    pages = [
        {"arztPraxisDatas": items[i : i + PAGE], "moreResults": False}
        for i in range(0, len(items), PAGE)
    ]
    start = time.perf_counter()
    run_id = imports.queue_import(ctx, Batch(pages), ImportSource.UPLOAD, area, True)
    queued = time.perf_counter()
    imports.process_queued_runs(ctx, ctx.clock.now())
    done = time.perf_counter()
    run = imports.read_run(ctx, run_id, 0, 1)
    counts = (
        {k: getattr(run[0], f"count_{k}") for k in ("new", "changed", "unchanged", "rejected")}
        if run
        else {}
    )
    print(
        f"{label}: queue {queued - start:.2f} s + process {done - queued:.2f} s = "
        f"{done - start:.2f} s wall ({counts})"
    )


def bench_therapists(ctx: Any, prefix: str, expected: int, topic: str) -> None:
    """Relay the outbox through the broker into therapist_service until all therapists exist."""
    from therapist_service.app import build_service_context
    from therapist_service.config import Settings as TherapistSettings
    from therapist_service.handlers import build_handlers
    from therapist_service.models import therapists

    tsettings = TherapistSettings(
        db_name=ctx.settings.db_name,
        database_url=None,
        kafka_topic_prefix=ctx.settings.kafka_topic_prefix,
    )
    tctx = build_service_context(tsettings)
    producer = RobustKafkaProducer(BROKER, "bench-import")
    consumer = EventConsumer(
        bootstrap_servers=BROKER,
        group_id=f"{ctx.settings.kafka_topic_prefix}therapists",
        topics=[topic],
        handlers=build_handlers(tctx),
        session_factory=tctx.session_factory,
        processed_table=tctx.tables["processed_events"],
        dlq_producer=producer,
    )
    stop = threading.Event()
    relay = OutboxRelay(ctx.session_factory, ctx.tables["outbox"], producer, "bench", 1000)
    threading.Thread(target=relay.run, args=(stop,), daemon=True).start()
    start, deadline = time.perf_counter(), time.perf_counter() + 900
    count = select(func.count()).where(therapists.c.external_id.startswith(f"{prefix}-"))
    done = 0
    while done < expected and time.perf_counter() < deadline:
        consumer.poll_once(500)
        with tctx.engine.connect() as conn:
            done = conn.execute(count).scalar_one()
    elapsed = time.perf_counter() - start
    stop.set()
    print(
        f"outbox → broker → therapist_service: {done:,}/{expected:,} therapists in "
        f"{elapsed:.1f} s = {done / elapsed:,.0f} /s"
    )
    consumer._disconnect()
    producer.close()
    tctx.engine.dispose()


def _only_this_topic(ctx: Any, topic: str) -> None:
    t = ctx.tables["outbox"]
    with ctx.engine.begin() as conn:
        conn.execute(
            update(t)
            .where(t.c.topic != topic, t.c.published_at.is_(None))
            .values(published_at=t.c.created_at)
        )


def main() -> None:
    logging.getLogger("scraping_service").setLevel(logging.WARNING)
    count = int(os.environ.get("BENCH_PRACTICES", "35000"))
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    items = generate(count, prefix)
    print(f"import benchmark: {count:,} generated practices, pages of {PAGE}")
    bench_parse(items)
    settings = Settings(
        db_name=os.environ.get("BENCH_DB", "psymatch_test"),
        database_url=None,
        kafka_topic_prefix=f"{prefix}-",
        log_level="WARNING",
        max_request_bytes=10**9,
    )
    ctx = build_service_context(settings)
    imports.process_queued_runs(ctx, ctx.clock.now())  # nothing else queued in the timing
    bench_import(ctx, items, f"{prefix}-area", "full run 1 (all new) into the outbox")
    bench_import(ctx, items, f"{prefix}-area", "full run 2 (all unchanged)")
    topic = settings.topic("scraping-events")
    if os.environ.get("BENCH_THERAPISTS", "1") != "0":
        ensure_topics(BROKER, [topic, dlq_topic(topic)], 3)
        _only_this_topic(ctx, topic)
        bench_therapists(ctx, prefix, count - count // 50, topic)
    ctx.engine.dispose()


if __name__ == "__main__":
    main()
