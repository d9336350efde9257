"""Saving a run's picks: one bulk insert (COPY into a temp table for big batches) and the
`matching.placement_requests_created` outbox events written with one COPY, one event per patient
keyed `patient:{id}` (their JSON is put together from per-patient and per-request texts, so each
patient summary is encoded once)."""

from __future__ import annotations

import io
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg2.extras import execute_values
from sqlalchemy.orm import Session

from matching_service.domain.selection import HELD_ALL, Pick
from matching_service.domain.states import ASKED_PAIR_SQL, RequestStatus
from matching_service.store.events import patient_summary
from shared.events.envelope import format_timestamp
from shared.events.matching import PlacementRequestsCreated

COPY_FROM_ROWS = 500  # below this a plain multi-row INSERT is cheaper than a temp table
_INSERT_INTO = (
    "INSERT INTO matching_service.placement_requests (patient_id, therapist_id, "
    "status, score, score_parts, distance_km, criteria, run_id, created_at, "
    "updated_at) "
)
_CONFLICT_RETURNING = (  # a pair asked already (uq_placement_requests_asked) is skipped
    f"ON CONFLICT (patient_id, therapist_id) WHERE {ASKED_PAIR_SQL} DO NOTHING "
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


Inserted = tuple[int, int, int]  # a request really created: id, patient id, therapist id


@dataclass(frozen=True)
class CreatedEvents:
    """Where and how the `placement_requests_created` events of a run are written."""

    outbox_table: str  # schema-qualified name of the outbox
    topic: str
    producer: str
    per_message: int  # requests per event


class NewRequests:
    """Saving chosen requests in bulk, with their created events, in the unit of work."""

    def __init__(self, session: Session, created: CreatedEvents | None) -> None:
        self.session = session
        self.created = created

    def save(
        self,
        batch: Batch,
        run_id: int,
        first_part: int,
        now: datetime,
        correlation_id: str | None,
    ) -> tuple[list[int], int]:
        """Insert a batch (a pair asked already is skipped by the unique index) and
        announce the requests created; their ids (in order) and the number of events written."""
        if self.created is None:
            raise RuntimeError("this unit of work was built without the created-events format")
        inserted = sorted(insert_requests(self.session, batch, run_id, now))  # by id
        items = [
            (patient_id, item_json(request_id, batch.items[(patient_id, therapist_id)]))
            for request_id, patient_id, therapist_id in inserted
        ]
        lines = event_lines(self.created, run_id, first_part, items, now, correlation_id)
        write_outbox(self.session, self.created.outbox_table, lines)
        return [request_id for request_id, _, _ in inserted], len(lines)


@dataclass(frozen=True)
class Batch:
    """A chunk's picks as the texts that saving them needs, made before the save (by whoever
    chose them: a helper process, or this one while the previous save waits for PostgreSQL)."""

    copy_text: str | None  # COPY lines of the temp table (None: a small batch, plain INSERT)
    rows: list[tuple[int, int, float, str, float]]  # small batch: patient, therapist, score,
    # score parts JSON, km
    items: dict[tuple[int, int], str]  # (patient, therapist) → event item JSON members but the id


def prepare(picks: list[Pick], patients: Mapping[int, Mapping[str, Any]]) -> Batch:
    """The batch of these picks (`patients`: patient rows by id)."""
    summaries = {pid: patient_json(patients[pid]) for pid in {pick.patient_id for pick in picks}}
    items = {
        (pick.patient_id, pick.therapist_id): (
            f'"patient_id": {pick.patient_id}, "therapist_id": {pick.therapist_id}, '
            f'"score": {pick.parts.total!r}, "distance_km": {pick.distance_km!r}, '
            f'"patient": {summaries[pick.patient_id]}'
        )
        for pick in picks
    }
    if len(picks) < COPY_FROM_ROWS:
        rows = [
            (
                pick.patient_id,
                pick.therapist_id,
                pick.parts.total,
                _parts_json(pick),
                pick.distance_km,
            )
            for pick in picks
        ]
        return Batch(None, rows, items)
    copy_text = "".join(
        f"{i}\t{pick.patient_id}\t{pick.therapist_id}\t{pick.parts.total!r}\t"
        f"{_parts_json(pick)}\t{pick.distance_km!r}\n"
        for i, pick in enumerate(picks)
    )
    return Batch(copy_text, [], items)


def insert_requests(session: Session, batch: Batch, run_id: int, now: datetime) -> list[Inserted]:
    """Insert the picks as `proposed` requests (a pair asked already is skipped); the ones
    created."""
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        if batch.copy_text is None:
            status, held = RequestStatus.PROPOSED.value, _HELD_JSON
            rows = [(*r[:2], status, *r[2:], held, run_id, now, now) for r in batch.rows]
            found = execute_values(cursor, _VALUES, rows, page_size=len(rows), fetch=True)
        else:
            found = _copy_insert(cursor, batch.copy_text, run_id, now)
    finally:
        cursor.close()
    return [(i, patient, therapist) for i, patient, therapist in found]


def _copy_insert(cursor: Any, text: str, run_id: int, now: datetime) -> list[Any]:
    """COPY into a temp table, then one INSERT ... SELECT (all inside the caller's
    transaction: the temp table never outlives it, which PgBouncer's pooling requires)."""
    cursor.execute(_CREATE)
    cursor.copy_expert(_COPY, io.StringIO(text))
    cursor.execute(
        _SELECT,
        {"status": RequestStatus.PROPOSED.value, "criteria": _HELD_JSON, "run": run_id, "now": now},
    )
    found = cursor.fetchall()
    cursor.execute(_DROP)
    return list(found)


def _parts_json(pick: Pick) -> str:
    """Same text as json.dumps of the parts dict (floats print with repr)."""
    parts = pick.parts
    return (
        f'{{"distance": {round(parts.distance, 4)!r}, "capacity": {parts.capacity!r}, '
        f'"response_rate": {round(parts.response_rate, 4)!r}, '
        f'"availability": {round(parts.availability, 4)!r}}}'
    )


def event_lines(
    created: CreatedEvents,
    run_id: int,
    first_part: int,
    items: list[tuple[int, str]],
    now: datetime,
    correlation_id: str | None,
) -> list[str]:
    """`placement_requests_created` events, one per patient (and at most `events_per_message`
    requests each), keyed `patient:{id}`, as COPY lines of the outbox (`items`: patient id and
    the request's JSON text, in request id order)."""
    by_patient: dict[int, list[str]] = {}
    for patient_id, item in items:
        by_patient.setdefault(patient_id, []).append(item)
    size, topic = created.per_message, created.topic
    event_type = PlacementRequestsCreated.event_type
    head = {
        "event_type": event_type,
        "event_version": PlacementRequestsCreated.event_version,
        "occurred_at": format_timestamp(now),
        "producer": created.producer,
        "correlation_id": correlation_id,
    }
    chunks = [
        (patient_id, mine[start : start + size])
        for patient_id, mine in by_patient.items()
        for start in range(0, len(mine), size)
    ]
    lines = []
    for number, (patient_id, chunk) in enumerate(chunks):
        event_id = str(uuid.uuid4())
        meta = {
            "patient_id": patient_id,
            "run_id": run_id,
            "part": first_part + number,
            "created_at": now.isoformat(),
        }
        payload = _with_member(json.dumps(meta), "requests", f"[{', '.join(chunk)}]")
        envelope = _with_member(json.dumps({"event_id": event_id, **head}), "payload", payload)
        fields = (event_id, topic, f"patient:{patient_id}", event_type, envelope)
        lines.append("\t".join(_copy_text(f) for f in fields) + "\n")
    return lines


def _with_member(obj_json: str, key: str, value_json: str) -> str:
    """A JSON object's text with one more member whose value is already JSON text."""
    return f"{obj_json[:-1]}, {json.dumps(key)}: {value_json}}}"


def _copy_text(value: str) -> str:
    """A value in COPY's text format (JSON text has no raw control characters, only escapes)."""
    return value.replace("\\", "\\\\")


def write_outbox(session: Session, table: str, lines: list[str]) -> None:
    """All event rows in one COPY (`table`: the outbox's schema-qualified name)."""
    if not lines:
        return
    cursor = session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.copy_expert(
            f"COPY {table} (event_id, topic, key, event_type, envelope) FROM STDIN",
            io.StringIO("".join(lines)),
        )
    finally:
        cursor.close()


def item_json(request_id: int, members: str) -> str:
    """One request as the created event describes it (JSON text; floats as json.dumps)."""
    return f'{{"placement_request_id": {request_id}, {members}}}'


def patient_json(patient: Mapping[str, Any]) -> str:
    """The pseudonymous patient summary of the created event, as JSON text."""
    return json.dumps(patient_summary(patient))
