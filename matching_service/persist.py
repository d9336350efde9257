"""Saving a run's picks: one bulk insert (COPY into a temp table for big batches) and the
`matching.placement_requests_created` outbox events written in one statement."""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy import insert
from sqlalchemy.orm import Session

from matching_service import publishing
from matching_service.domain.states import RequestStatus
from matching_service.selection import HELD_ALL, Pick
from shared.events.envelope import format_timestamp
from shared.events.matching import PlacementRequestsCreated
from shared.events.topics import TOPICS
from shared.http.app_factory import ServiceContext

COPY_FROM_ROWS = 500  # below this a plain multi-row INSERT is cheaper than a temp table
_INSERT_INTO = (
    "INSERT INTO matching_service.placement_requests (patient_id, therapist_id, "
    "status, score, score_parts, distance_km, criteria, run_id, created_at, "
    "updated_at) "
)
_CONFLICT_RETURNING = (
    "ON CONFLICT ON CONSTRAINT uq_placement_requests_pair DO NOTHING "
    "RETURNING id, patient_id, therapist_id"
)
_VALUES = _INSERT_INTO + "VALUES %s " + _CONFLICT_RETURNING
_CREATE = (
    "CREATE TEMP TABLE matching_new_requests (ord integer, patient_id bigint, "
    "therapist_id bigint, score float8, score_parts jsonb, distance_km float8) "
    "ON COMMIT DROP"
)
_COPY = "COPY matching_new_requests FROM STDIN"
_SELECT = (
    _INSERT_INTO + "SELECT patient_id, therapist_id, %(status)s, score, score_parts, "
    "distance_km, %(criteria)s::jsonb, %(run)s, %(now)s, %(now)s "
    "FROM matching_new_requests ORDER BY ord " + _CONFLICT_RETURNING
)
_DROP = "DROP TABLE matching_new_requests"
_HELD_JSON = json.dumps(HELD_ALL)


@dataclass(frozen=True)
class Inserted:
    """A request that was really created (the pair did not exist yet)."""

    id: int
    patient_id: int
    therapist_id: int


def insert_requests(
    session: Session, picks: list[Pick], run_id: int, now: datetime
) -> list[Inserted]:
    """Insert the picks as `proposed` requests; a pair that exists already is skipped."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if len(picks) < COPY_FROM_ROWS:
            rows = [
                (
                    pk.patient_id,
                    pk.therapist_id,
                    RequestStatus.PROPOSED.value,
                    pk.parts.total,
                    _parts_json(pk),
                    pk.distance_km,
                    _HELD_JSON,
                    run_id,
                    now,
                    now,
                )
                for pk in picks
            ]
            found = execute_values(cursor, _VALUES, rows, page_size=len(rows), fetch=True)
        else:
            found = _copy_insert(cursor, picks, run_id, now)
    finally:
        cursor.close()
    return [Inserted(*row) for row in found]


def _copy_insert(cursor: Any, picks: list[Pick], run_id: int, now: datetime) -> list[Any]:
    """COPY into a temp table, then one INSERT ... SELECT (all inside the caller's
    transaction: the temp table never outlives it, which PgBouncer's pooling requires)."""
    text = "".join(
        f"{i}\t{pk.patient_id}\t{pk.therapist_id}\t{pk.parts.total!r}\t"
        f"{_parts_json(pk)}\t{pk.distance_km!r}\n"
        for i, pk in enumerate(picks)
    )
    cursor.execute(_CREATE)
    cursor.copy_expert(_COPY, io.StringIO(text))
    cursor.execute(
        _SELECT,
        {"status": RequestStatus.PROPOSED.value, "criteria": _HELD_JSON, "run": run_id, "now": now},
    )
    found = cursor.fetchall()
    cursor.execute(_DROP)
    return list(found)


def _parts_json(pk: Pick) -> str:
    """Same text as json.dumps of the parts dict (floats print with repr)."""
    p = pk.parts
    return (
        f'{{"distance": {round(p.distance, 4)!r}, "capacity": {p.capacity!r}, '
        f'"response_rate": {round(p.response_rate, 4)!r}, '
        f'"availability": {round(p.availability, 4)!r}}}'
    )


def outbox_rows(
    ctx: ServiceContext, run_id: int, first_part: int, items: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """`placement_requests_created` events, `events_per_message` requests each, as outbox rows."""
    size = ctx.settings.events_per_message  # type: ignore[attr-defined]
    topic = ctx.settings.topic(TOPICS[ctx.settings.service_name])  # type: ignore[attr-defined]
    rows = []
    for n, start in enumerate(range(0, len(items), size)):
        event_id = str(uuid.uuid4())
        envelope = {
            "event_id": event_id,
            "event_type": PlacementRequestsCreated.event_type,
            "event_version": PlacementRequestsCreated.event_version,
            "occurred_at": format_timestamp(now),
            "producer": ctx.settings.service_name,
            "correlation_id": None,
            "payload": {
                "run_id": run_id,
                "part": first_part + n,
                "created_at": now.isoformat(),
                "requests": items[start : start + size],
            },
        }
        rows.append(
            {
                "event_id": event_id,
                "topic": topic,
                "key": f"matching_run:{run_id}",
                "event_type": envelope["event_type"],
                "envelope": envelope,
            }
        )
    return rows


def write_outbox(session: Session, ctx: ServiceContext, rows: list[dict[str, Any]]) -> None:
    """All event rows in one executemany."""
    if rows:
        session.execute(insert(ctx.tables["outbox"]), rows)


def request_item(row: Inserted, pick: Pick, summary: dict[str, Any]) -> dict[str, Any]:
    """One request as the created event describes it."""
    return {
        "placement_request_id": row.id,
        "patient_id": row.patient_id,
        "therapist_id": row.therapist_id,
        "score": pick.parts.total,
        "distance_km": pick.distance_km,
        "patient": summary,
    }


patient_summary = publishing.patient_summary
