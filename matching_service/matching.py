"""Filling patients' open requests: load read models, search, choose, bulk-insert, publish."""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, insert, or_, select, update
from sqlalchemy.orm import Session

from matching_service import models as m
from matching_service import persist
from matching_service.domain.criteria import max_distance
from matching_service.domain.profiles import MatchContext, PatientProfile
from matching_service.domain.ranking import patient_priority
from matching_service.domain.states import OPEN
from matching_service.index import KM_PER_DEG, TherapistIndex
from matching_service.profiles import match_context, patient_profile, therapist_profile
from matching_service.selection import Pick, picks_for
from matching_service.therapist_cache import TherapistCache
from shared.http.app_factory import ServiceContext

CHUNK_PATIENTS = 2500
LAST_CHUNK = 400


@dataclass
class RunResult:
    """What a fill did."""

    run_id: int | None = None
    patients_considered: int = 0
    requests_created: int = 0
    request_ids: list[int] = field(default_factory=list)
    parts: int = 0
    steps: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Add the time spent inside to `steps[name]` (seconds)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.steps[name] = self.steps.get(name, 0.0) + time.perf_counter() - start


def searching_patients(session: Session, patient_ids: Iterable[int] | None) -> list[Any]:
    """Rows of searching, not yet placed patients (all, or these ids)."""
    p = m.patients
    query = select(p).where(p.c.status == "searching", p.c.placed_request_id.is_(None))
    if patient_ids is not None:
        query = query.where(p.c.patient_id.in_(list(patient_ids)))
    return list(session.execute(query).mappings())


def _requests_by_patient(session: Session, ids: Any) -> dict[int, list[Any]]:
    r = m.placement_requests
    found: dict[int, list[Any]] = defaultdict(list)
    query = select(r.c.patient_id, r.c.therapist_id, r.c.status).where(r.c.patient_id.in_(ids))
    for row in session.execute(query):
        found[row.patient_id].append(row)
    return found


def _exclusions_by_patient(session: Session, ids: Any) -> dict[int, set[int]]:
    e = m.exclusions
    found: dict[int, set[int]] = defaultdict(set)
    for row in session.execute(
        select(e.c.patient_id, e.c.therapist_id).where(e.c.patient_id.in_(ids))
    ):
        found[row.patient_id].add(row.therapist_id)
    return found


def load_therapist_index(
    session: Session, ctx: MatchContext, near: Sequence[PatientProfile] | None = None
) -> TherapistIndex:
    """Index of contactable therapists (all, or within reach of the given patients)."""
    t = m.therapists
    query = select(t).where(
        t.c.has_profile,
        t.c.status == "active",
        t.c.opted_out.is_(False),
        t.c.latitude.is_not(None),
        t.c.longitude.is_not(None),
    )
    if near is not None:
        query = query.where(_within_boxes(near, ctx))
    rows = session.execute(query).mappings()
    return TherapistIndex([therapist_profile(row) for row in rows])


def _within_boxes(patients: Sequence[PatientProfile], ctx: MatchContext) -> Any:
    t = m.therapists
    boxes = []
    for p in patients:
        if p.latitude is None or p.longitude is None:
            continue
        dlat = max_distance(p, ctx) / KM_PER_DEG
        dlon = dlat / max(0.01, math.cos(math.radians(min(89.0, abs(p.latitude) + dlat))))
        boxes.append(
            and_(
                t.c.latitude.between(p.latitude - dlat, p.latitude + dlat),
                t.c.longitude.between(p.longitude - dlon, p.longitude + dlon),
            )
        )
    return or_(*boxes) if boxes else false()


def fill_patients(
    session: Session,
    ctx: ServiceContext,
    now: datetime,
    trigger: str,
    patient_ids: Iterable[int] | None = None,
) -> RunResult:
    """Top up every given searching patient to MAX_OPEN_REQUESTS_PER_PATIENT (one run)."""
    mctx = match_context(ctx.extra["rules"], now)
    result = RunResult()
    with result.step("load_patients"):
        rows = searching_patients(session, patient_ids)
        result.patients_considered = len(rows)
        profiles, needed = _profiles(session, rows, mctx, patient_ids is None) if rows else ([], {})
    wanted = [p for p in profiles if needed[p.patient_id] > 0 and p.location_known]
    if not wanted:
        return result
    result.run_id = _start_run(session, trigger, now)
    by_id = {row["patient_id"]: row for row in rows}
    _choose_and_save(
        session,
        ctx,
        mctx,
        sorted(wanted, key=patient_priority),
        needed,
        lambda picks: _persist(session, ctx, result, picks, by_id, now),
        result,
    )
    result.requests_created = len(result.request_ids)
    _finish_run(session, result, now)
    return result


def _choose_and_save(
    session: Session,
    ctx: ServiceContext,
    mctx: MatchContext,
    patients: list[PatientProfile],
    needed: dict[int, int],
    save: Callable[[list[Pick]], None],
    result: RunResult,
) -> None:
    """Chunk by chunk: choose in this thread while the previous chunk is saved in another.

    Saving is mostly waiting for PostgreSQL (the GIL is released), so on two cores choosing and
    saving overlap. Only one thread uses the session at a time: the index is refreshed before
    the first save starts, and each save is awaited before the next begins. The index lock is
    never held while waiting for the database (a handler may hold a row lock we need).
    """
    index = _index(session, ctx, mctx, patients, result)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="matching-save") as saver:
        pending: Future[None] | None = None
        bounds = _chunk_bounds(len(patients))
        for start, end in zip(bounds, bounds[1:], strict=False):
            picks = _choose(ctx, mctx, index, patients[start:end], needed, result)
            with result.step("wait_for_save"):
                if pending is not None:
                    pending.result()
            if end == len(patients):  # last (or only) chunk: save right here
                _timed(result, "persist", save, picks)
            else:
                pending = saver.submit(_timed, result, "persist", save, picks)


def _chunk_bounds(count: int) -> list[int]:
    """Chunk starts plus the end; the last chunk is small, since its save cannot overlap."""
    if count <= LAST_CHUNK:
        return [0, count]
    return [*range(0, count - LAST_CHUNK, CHUNK_PATIENTS), count - LAST_CHUNK, count]


def _timed(
    result: RunResult, name: str, action: Callable[[list[Pick]], None], picks: list[Pick]
) -> None:
    with result.step(name):
        action(picks)


def _index(
    session: Session,
    ctx: ServiceContext,
    mctx: MatchContext,
    patients: list[PatientProfile],
    result: RunResult,
) -> TherapistIndex:
    """The process's cached index brought up to date (without a cache: one read from the
    database, near the patients when there are only a few)."""
    cache: TherapistCache | None = ctx.extra.get("therapists")
    with result.step("load_index"):
        if cache is None:
            near = patients if len(patients) <= CHUNK_PATIENTS else None
            return load_therapist_index(session, mctx, near)
        with cache.lock:
            return cache.refresh(session)


def _choose(
    ctx: ServiceContext,
    mctx: MatchContext,
    index: TherapistIndex,
    chunk: list[PatientProfile],
    needed: dict[int, int],
    result: RunResult,
) -> list[Pick]:
    """Search and choose for a chunk of patients (under the cache's lock, if any)."""
    cache: TherapistCache | None = ctx.extra.get("therapists")
    with result.step("choose"), cache.lock if cache is not None else nullcontext():
        return [pk for p in chunk for pk in picks_for(p, index, mctx, needed[p.patient_id])]


def _profiles(
    session: Session, rows: list[Any], mctx: MatchContext, everyone: bool
) -> tuple[list[PatientProfile], dict[int, int]]:
    ids = [row["patient_id"] for row in rows]
    chosen: Any = _searching_ids() if everyone else ids
    requests = _requests_by_patient(session, chosen)
    excluded = _exclusions_by_patient(session, chosen)
    limit = mctx.rules.max_open_requests_per_patient
    profiles, needed = [], {}
    for row in rows:
        pid, mine = row["patient_id"], requests.get(row["patient_id"], [])
        profiles.append(patient_profile(row, excluded.get(pid, ()), [r.therapist_id for r in mine]))
        needed[pid] = limit - sum(1 for r in mine if r.status in OPEN)
    return profiles, needed


def _searching_ids() -> Any:
    """All searching patients as a subquery (a full round: no 100,000-element IN list)."""
    p = m.patients
    return (
        select(p.c.patient_id)
        .where(p.c.status == "searching", p.c.placed_request_id.is_(None))
        .scalar_subquery()
    )


def _start_run(session: Session, trigger: str, now: datetime) -> int:
    run = m.matching_runs
    return int(
        session.execute(
            insert(run).values(trigger=trigger[:60], started_at=now).returning(run.c.id)
        ).scalar_one()
    )


def _finish_run(session: Session, result: RunResult, now: datetime) -> None:
    run = m.matching_runs
    session.execute(
        update(run)
        .where(run.c.id == result.run_id)
        .values(
            finished_at=now,
            patients_considered=result.patients_considered,
            requests_created=result.requests_created,
        )
    )


def _persist(
    session: Session,
    ctx: ServiceContext,
    result: RunResult,
    picks: list[Pick],
    patients: dict[int, Any],
    now: datetime,
) -> None:
    """Bulk insert (a pair that exists already is skipped by the unique constraint), publish."""
    if not picks or result.run_id is None:
        return
    inserted = sorted(
        persist.insert_requests(session, picks, result.run_id, now), key=lambda row: row.id
    )
    by_pair = {(pk.patient_id, pk.therapist_id): pk for pk in picks}
    summaries: dict[int, dict[str, Any]] = {}
    items = []
    for row in inserted:
        summary = summaries.get(row.patient_id)
        if summary is None:
            summary = summaries[row.patient_id] = persist.patient_summary(patients[row.patient_id])
        items.append(
            persist.request_item(row, by_pair[(row.patient_id, row.therapist_id)], summary)
        )
    events = persist.outbox_rows(ctx, result.run_id, result.parts + 1, items, now)
    persist.write_outbox(session, ctx, events)
    result.parts += len(events)
    result.request_ids += [item["placement_request_id"] for item in items]
