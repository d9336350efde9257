"""Outbox rows do not stay forever: published rows go after OUTBOX_RETENTION_DAYS (the
prune-outbox job of every service), and erasure takes a patient's profile out of the rows
that carry it (published or not)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, select, update

from shared.outbox import erase_patient_profiles, prune_published

pytestmark = pytest.mark.integration
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CREATED = "matching.placement_requests_created"


def add_row(scratch, key: str, payload: dict, published_at=None, event_type=CREATED) -> int:
    outbox = scratch.tables["outbox"]
    with scratch.engine.begin() as conn:
        row_id = conn.execute(
            insert(outbox)
            .values(
                event_id=str(uuid.uuid4()),
                topic="t",
                key=key,
                event_type=event_type,
                envelope={"event_type": event_type, "payload": payload},
                created_at=NOW - timedelta(days=90),
            )
            .returning(outbox.c.id)
        ).scalar_one()
        if published_at is not None:
            published = update(outbox).where(outbox.c.id == row_id)
            conn.execute(published.values(published_at=published_at))
    return row_id


def remaining(scratch) -> dict[int, dict]:
    outbox = scratch.tables["outbox"]
    with scratch.engine.connect() as conn:
        return {r.id: r.envelope for r in conn.execute(select(outbox.c.id, outbox.c.envelope))}


def test_published_rows_go_after_the_retention_period_and_unpublished_ones_never(clean_scratch):
    """Failed before this change: no outbox row was ever deleted."""
    retention = timedelta(days=30)
    old = add_row(clean_scratch, "patient:1", {"n": 1}, NOW - retention - timedelta(seconds=1))
    young = add_row(clean_scratch, "patient:2", {"n": 2}, NOW - retention + timedelta(seconds=1))
    waiting = add_row(clean_scratch, "patient:3", {"n": 3})

    with clean_scratch.session_factory() as session, session.begin():
        deleted = prune_published(session, clean_scratch.tables["outbox"], NOW, 30)

    assert deleted == 1
    assert set(remaining(clean_scratch)) == {young, waiting}
    assert old not in remaining(clean_scratch)


def request(patient_id: int, request_id: int) -> dict:
    return {
        "placement_request_id": request_id,
        "patient_id": patient_id,
        "therapist_id": 7,
        "patient": {"age": 34, "gender": "female", "complaint_groups": ["mood"]},
    }


def test_erasure_takes_the_patient_out_of_every_row_that_carries_the_profile(clean_scratch):
    """Failed before this change: the rows kept age, gender and complaint groups."""
    keyed = add_row(clean_scratch, "patient:5", {"requests": [request(5, 1)]}, NOW)
    shared_row = add_row(
        clean_scratch, "matching_run:3", {"requests": [request(5, 2), request(6, 3)]}
    )
    only_five = add_row(clean_scratch, "matching_run:4", {"requests": [request(5, 4)]})
    other = add_row(clean_scratch, "patient:6", {"requests": [request(6, 5)]})
    cancel = add_row(
        clean_scratch,
        "patient:5",
        {"placement_request_id": 1, "patient_id": 5},
        event_type="matching.placement_request_cancelled",
    )

    with clean_scratch.session_factory() as session, session.begin():
        changed = erase_patient_profiles(session, clean_scratch.tables["outbox"], 5, [CREATED])

    assert changed == 3
    rows = remaining(clean_scratch)
    assert keyed not in rows and only_five not in rows
    assert [r["patient_id"] for r in rows[shared_row]["payload"]["requests"]] == [6]
    assert other in rows and cancel in rows
