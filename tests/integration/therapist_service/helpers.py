"""Helpers of the therapist integration tests: outbox, change history, rows, a new therapist."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from support.testdb import TEST_DB

from therapist_service.config import Settings
from therapist_service.models import infrastructure, therapist_changes, therapists

SECRET = "therapist-test-secret-therapist-test-secret"
TOPIC = "therapist-events"


def settings(**overrides) -> Settings:
    """Test settings: the test database through PgBouncer, a known JWT secret."""
    return Settings(
        db_name=TEST_DB, database_url=None, jwt_secret=SECRET, _env_file=None, **overrides
    )


def outbox_topics(ctx, therapist_id: int) -> set[str]:
    """Topics of the outbox rows written for one therapist."""
    t = infrastructure["outbox"]
    with ctx.engine.connect() as conn:
        return set(
            conn.execute(select(t.c.topic).where(t.c.key == f"therapist:{therapist_id}")).scalars()
        )


def outbox_events(ctx, therapist_id: int) -> list[dict]:
    """Envelopes this app wrote (its own topic prefix) for one therapist, oldest first."""
    t = infrastructure["outbox"]
    where = (t.c.key == f"therapist:{therapist_id}", t.c.topic == ctx.settings.topic(TOPIC))
    with ctx.engine.connect() as conn:
        return list(conn.execute(select(t.c.envelope).where(*where).order_by(t.c.id)).scalars())


def changes_of(ctx, therapist_id: int) -> list[tuple]:
    c = therapist_changes
    with ctx.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(c.c.field, c.c.old_value, c.c.new_value, c.c.source, c.c.import_run_id)
                .where(c.c.therapist_id == therapist_id)
                .order_by(c.c.id)
            )
        ]


def therapist_row(ctx, therapist_id: int):
    with ctx.engine.connect() as conn:
        return (
            conn.execute(select(therapists).where(therapists.c.id == therapist_id)).mappings().one()
        )


def new_therapist(client, headers, **fields) -> dict:
    body = {
        "last_name": "Testfeld",
        "first_name": "Miriam",
        "gender": "female",
        "postal_code": "52062",
        "city": "Aachen",
        "latitude": 50.7766,
        "longitude": 6.0854,
        "phone": "0241 1234567",
        "email": f"praxis-{uuid.uuid4().hex[:8]}@testfeld.example",
        "offers": [{"procedure": "VT", "age_group": "adults", "setting": "individual"}],
        **fields,
    }
    response = client.post("/api/therapists", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json
