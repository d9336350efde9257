"""Filling patients' open requests: load read models, search, choose, bulk-insert, publish."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy import and_, false, insert, or_, select, update
from sqlalchemy.orm import Session

from matching_service import models as m
from matching_service import publishing
from matching_service.domain.criteria import max_distance
from matching_service.domain.profiles import MatchContext, PatientProfile
from matching_service.domain.ranking import patient_priority
from matching_service.domain.states import OPEN, RequestStatus
from matching_service.index import KM_PER_DEG, TherapistIndex
from matching_service.profiles import match_context, patient_profile, therapist_profile
from matching_service.selection import HELD_ALL, Pick, picks_for
from shared.http.app_factory import ServiceContext

CHUNK_PATIENTS = 2000


@dataclass
class RunResult:
    """What a fill did."""

    run_id: int | None = None
    patients_considered: int = 0
    requests_created: int = 0
    request_ids: list[int] = field(default_factory=list)
    parts: int = 0


def searching_patients(session: Session, patient_ids: Iterable[int] | None) -> list[Any]:
    """Rows of searching, not yet placed patients (all, or these ids)."""
    p = m.patients
    query = select(p).where(p.c.status == "searching", p.c.placed_request_id.is_(None))
    if patient_ids is not None:
        query = query.where(p.c.patient_id.in_(list(patient_ids)))
    return list(session.execute(query).mappings())


def _requests_by_patient(session: Session, ids: list[int]) -> dict[int, list[Any]]:
    r = m.placement_requests
    found: dict[int, list[Any]] = defaultdict(list)
    query = select(r.c.patient_id, r.c.therapist_id, r.c.status).where(r.c.patient_id.in_(ids))
    for row in session.execute(query):
        found[row.patient_id].append(row)
    return found


def _exclusions_by_patient(session: Session, ids: list[int]) -> dict[int, set[int]]:
    e = m.exclusions
    found: dict[int, set[int]] = defaultdict(set)
    for row in session.execute(select(e.c.patient_id, e.c.therapist_id)
                               .where(e.c.patient_id.in_(ids))):
        found[row.patient_id].add(row.therapist_id)
    return found


def load_therapist_index(session: Session, ctx: MatchContext,
                         near: Sequence[PatientProfile] | None = None) -> TherapistIndex:
    """Index of contactable therapists (all, or within reach of the given patients)."""
    t = m.therapists
    query = select(t).where(t.c.has_profile, t.c.status == "active", t.c.opted_out.is_(False),
                            t.c.latitude.is_not(None), t.c.longitude.is_not(None))
    if near is not None:
        query = query.where(_within_boxes(near, ctx))
    rows = session.execute(query).mappings()
    return TherapistIndex([therapist_profile(row) for row in rows], ctx)


def _within_boxes(patients: Sequence[PatientProfile], ctx: MatchContext) -> Any:
    t = m.therapists
    boxes = []
    for p in patients:
        if p.latitude is None or p.longitude is None:
            continue
        dlat = max_distance(p, ctx) / KM_PER_DEG
        dlon = dlat / max(0.01, math.cos(math.radians(min(89.0, abs(p.latitude) + dlat))))
        boxes.append(and_(t.c.latitude.between(p.latitude - dlat, p.latitude + dlat),
                          t.c.longitude.between(p.longitude - dlon, p.longitude + dlon)))
    return or_(*boxes) if boxes else false()


def fill_patients(session: Session, ctx: ServiceContext, now: datetime, trigger: str,
                  patient_ids: Iterable[int] | None = None) -> RunResult:
    """Top up every given searching patient to MAX_OPEN_REQUESTS_PER_PATIENT (one run)."""
    mctx = match_context(ctx.extra["rules"], now)
    rows = searching_patients(session, patient_ids)
    result = RunResult(patients_considered=len(rows))
    if not rows:
        return result
    profiles, needed = _profiles(session, rows, mctx)
    wanted = [p for p in profiles if needed[p.patient_id] > 0 and p.location_known]
    if not wanted:
        return result
    index = load_therapist_index(session, mctx, None if patient_ids is None else wanted)
    result.run_id = _start_run(session, trigger, now)
    by_id = {row["patient_id"]: row for row in rows}
    for chunk in _chunks(sorted(wanted, key=patient_priority)):
        picks = [pk for p in chunk for pk in picks_for(p, index, mctx, needed[p.patient_id])]
        _persist(session, ctx, result, picks, by_id, now)
    result.requests_created = len(result.request_ids)
    _finish_run(session, result, now)
    return result


def _profiles(session: Session, rows: list[Any],
              mctx: MatchContext) -> tuple[list[PatientProfile], dict[int, int]]:
    ids = [row["patient_id"] for row in rows]
    requests = _requests_by_patient(session, ids) if ids else {}
    excluded = _exclusions_by_patient(session, ids) if ids else {}
    limit = mctx.rules.max_open_requests_per_patient
    profiles, needed = [], {}
    for row in rows:
        pid, mine = row["patient_id"], requests.get(row["patient_id"], [])
        profiles.append(patient_profile(row, excluded.get(pid, ()), [r.therapist_id for r in mine]))
        needed[pid] = limit - sum(1 for r in mine if r.status in OPEN)
    return profiles, needed


def _chunks(patients: list[PatientProfile]) -> Iterator[list[PatientProfile]]:
    for start in range(0, len(patients), CHUNK_PATIENTS):
        yield patients[start:start + CHUNK_PATIENTS]


def _start_run(session: Session, trigger: str, now: datetime) -> int:
    run = m.matching_runs
    return int(session.execute(insert(run).values(trigger=trigger[:60], started_at=now)
                               .returning(run.c.id)).scalar_one())


def _finish_run(session: Session, result: RunResult, now: datetime) -> None:
    run = m.matching_runs
    session.execute(update(run).where(run.c.id == result.run_id).values(
        finished_at=now, patients_considered=result.patients_considered,
        requests_created=result.requests_created))


def _persist(session: Session, ctx: ServiceContext, result: RunResult, picks: list[Pick],
             patients: dict[int, Any], now: datetime) -> None:
    """Bulk insert (a pair that exists already is skipped by the unique constraint), publish."""
    if not picks or result.run_id is None:
        return
    inserted = _insert_requests(session, [_row(pk, result.run_id, now) for pk in picks])
    by_pair = {(pk.patient_id, pk.therapist_id): pk for pk in picks}
    items = [_item(row, by_pair[(row.patient_id, row.therapist_id)], patients)
             for row in sorted(inserted, key=lambda row: row.id)]
    size = ctx.settings.events_per_message  # type: ignore[attr-defined]
    for start in range(0, len(items), size):
        result.parts += 1
        publishing.requests_created(session, ctx, result.run_id, result.parts,
                                    items[start:start + size], now)
    result.request_ids += [item["placement_request_id"] for item in items]


_INSERT = (
    "INSERT INTO matching_service.placement_requests (patient_id, therapist_id, status, score, "
    "score_parts, distance_km, criteria, run_id, created_at, updated_at) VALUES %s "
    "ON CONFLICT ON CONSTRAINT uq_placement_requests_pair DO NOTHING "
    "RETURNING id, patient_id, therapist_id")
_HELD_JSON = json.dumps(HELD_ALL)


def _insert_requests(session: Session, rows: list[tuple[Any, ...]]) -> list[Any]:
    """Bulk insert with psycopg2's execute_values (the hot path of a round: ~3x faster)."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        found = execute_values(cursor, _INSERT, rows, page_size=2000, fetch=True)
    finally:
        cursor.close()
    return [_Inserted(*row) for row in found]


@dataclass(frozen=True)
class _Inserted:
    id: int
    patient_id: int
    therapist_id: int


def _row(pick: Pick, run_id: int, now: datetime) -> tuple[Any, ...]:
    parts = pick.parts
    score_parts = {"distance": round(parts.distance, 4), "capacity": parts.capacity,
                   "response_rate": round(parts.response_rate, 4),
                   "availability": round(parts.availability, 4)}
    return (pick.patient_id, pick.therapist_id, RequestStatus.PROPOSED.value, parts.total,
            json.dumps(score_parts), pick.distance_km, _HELD_JSON, run_id, now, now)


def _item(row: Any, pick: Pick, patients: dict[int, Any]) -> dict[str, Any]:
    return {"placement_request_id": row.id, "patient_id": row.patient_id,
            "therapist_id": row.therapist_id, "score": pick.parts.total,
            "distance_km": pick.distance_km,
            "patient": publishing.patient_summary(patients[row.patient_id])}
