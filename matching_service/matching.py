"""Filling patients' open requests: load read models, search, choose, bulk-insert, publish."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from datetime import datetime
from typing import Any

from sqlalchemy import and_, false, insert, or_, select, update
from sqlalchemy.orm import Session

from matching_service import models as m
from matching_service import persist, pipeline
from matching_service.domain.criteria import max_distance
from matching_service.domain.profiles import MatchContext, PatientProfile
from matching_service.domain.ranking import patient_priority
from matching_service.domain.states import OPEN
from matching_service.index import KM_PER_DEG, TherapistIndex
from matching_service.pipeline import RunResult
from matching_service.profiles import match_context, patient_profile, therapist_profile
from matching_service.therapist_cache import TherapistCache
from shared.correlation import current_correlation_id
from shared.http.app_factory import ServiceContext

__all__ = ["RunResult", "fill_patients", "load_therapist_index", "searching_patients"]


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
    correlation_id = current_correlation_id()  # saving runs in another thread: taken here
    wanted.sort(key=patient_priority)
    cache: TherapistCache | None = ctx.extra.get("therapists")
    fill = pipeline.Fill(
        _index(session, ctx, mctx, wanted, result),
        mctx,
        wanted,
        needed,
        cache.lock if cache is not None else nullcontext(),
    )
    pipeline.choose_and_save(
        fill,
        ctx.settings.choosing_helpers,  # type: ignore[attr-defined]
        pipeline.Saving(
            lambda picks: persist.prepare(picks, by_id),
            lambda batch: _persist(session, ctx, result, batch, now, correlation_id),
        ),
        result,
    )
    result.requests_created = len(result.request_ids)
    _finish_run(session, result, now)
    return result


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
            near = patients if len(patients) <= pipeline.CHUNK_PATIENTS else None
            return load_therapist_index(session, mctx, near)
        with cache.lock:
            return cache.refresh(session)


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
    batch: persist.Batch,
    now: datetime,
    correlation_id: str | None,
) -> None:
    """Bulk insert (a pair that exists already is skipped by the unique constraint), publish."""
    if not batch.items or result.run_id is None:
        return
    inserted = sorted(persist.insert_requests(session, batch, result.run_id, now))  # by id
    items = [
        persist.item_json(i, batch.items[(patient, therapist)])
        for i, patient, therapist in inserted
    ]
    lines = persist.event_lines(ctx, result.run_id, result.parts + 1, items, now, correlation_id)
    persist.write_outbox(session, ctx, lines)
    result.parts += len(lines)
    result.request_ids += [i for i, _, _ in inserted]
