"""Geocoding benchmark: cached lookups/s and one-to-1,000 distances/s, each beside a baseline.

Run: `python -m benchmarks.geocoding` (needs PostgreSQL via PgBouncer; DB from BENCH_DB,
default psymatch_test). Baselines are plain Python measured in the same run.
"""

from __future__ import annotations

import math
import os
import random
import time
from collections.abc import Callable

from geocoding_service.app import create_app
from geocoding_service.config import Settings
from geocoding_service.domain.addresses import AddressQuery
from geocoding_service.domain.distances import haversine_many
from geocoding_service.domain.locations import Point
from geocoding_service.services import geocoding as services
from shared.http.auth import issue_service_token

POSTAL_CODES = ["52062", "10115", "80331", "20095", "50667", "01067", "70173", "60311"]


def rate(label: str, count: int, func: Callable[[], object], repeat: int = 3) -> float:
    """Best-of-`repeat` operations per second of `func`, which performs `count` operations."""
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    per_second = count / best
    print(f"  {label:<58} {per_second:>14,.0f} /s")
    return per_second


def naive_haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The textbook formula, everything recomputed per pair (the baseline)."""
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def bench_cached_lookups(app, n: int) -> None:
    """Warm the cache, then time repeated lookups through the use case and over HTTP."""
    ctx = app.extensions["psymatch"]
    queries = [AddressQuery(postal_code=c) for c in POSTAL_CODES]
    for query in queries:
        services.geocode_address(ctx, query)
    table = {
        c: services.geocode_address(ctx, q).location
        for c, q in zip(POSTAL_CODES, queries, strict=True)
    }
    token = issue_service_token(Settings().service_jwt_secret.get_secret_value(), "bench")
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    urls = [f"/api/geocode?postal_code={c}" for c in POSTAL_CODES]
    print(f"cached lookups ({n} per run, best of 3)")
    rate(
        "service: geocode_address, cache hit in PostgreSQL",
        n,
        lambda: [services.geocode_address(ctx, queries[i % 8]) for i in range(n)],
    )
    rate(
        "service: GET /api/geocode (Flask test client, auth, cache)",
        n,
        lambda: [client.get(urls[i % 8], headers=headers) for i in range(n)],
    )
    rate(
        "baseline: plain-Python dict lookup (in memory, no DB)",
        n * 100,
        lambda: [table[POSTAL_CODES[i % 8]] for i in range(n * 100)],
    )


def bench_distances(app, calls: int) -> None:
    """One origin to 1,000 destinations: batch function, HTTP endpoint, naive loop."""
    rng = random.Random(7)
    dests = [Point(rng.uniform(47.3, 55.0), rng.uniform(5.9, 15.0)) for _ in range(1000)]
    origin = Point(50.7766, 6.0854)
    token = issue_service_token(Settings().service_jwt_secret.get_secret_value(), "bench")
    body = {
        "origin": {"lat": origin.lat, "lon": origin.lon},
        "destinations": [{"lat": d.lat, "lon": d.lon} for d in dests],
    }
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}
    print(f"one-to-1,000 distances ({calls} calls per run, best of 3)")
    rate(
        "service: haversine_many (domain)",
        calls * 1000,
        lambda: [haversine_many(origin, dests) for _ in range(calls)],
    )
    rate(
        "service: POST /api/distances (validation + JSON)",
        10 * 1000,
        lambda: [client.post("/api/distances", json=body, headers=headers) for _ in range(10)],
    )
    rate(
        "baseline: plain-Python loop of textbook haversine",
        calls * 1000,
        lambda: [
            [naive_haversine(origin.lat, origin.lon, d.lat, d.lon) for d in dests]
            for _ in range(calls)
        ],
    )


def main() -> None:
    """Migrate the benchmark database, then print both figures."""
    from scripts.stack import migrate

    database = os.environ.get("BENCH_DB", "psymatch_test")
    migrate(database)
    settings = Settings(
        db_name=database, database_url=None, log_level="WARNING", rate_limit_enabled=False
    )
    app = create_app(settings)  # one caller posting on purpose: no write limit
    bench_cached_lookups(app, n=2000)
    bench_distances(app, calls=200)
    app.extensions["psymatch"].engine.dispose()


if __name__ == "__main__":
    main()
