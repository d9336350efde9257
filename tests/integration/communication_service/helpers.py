"""Helpers of the communication integration tests: settings, events, the mail folder."""

from __future__ import annotations

import email
import random
from datetime import UTC, datetime, timedelta
from email import policy
from pathlib import Path

from sqlalchemy import select
from support.testdb import TEST_DB

from communication_service.config import Settings
from communication_service.models import emails, infrastructure
from shared.events.matching import PlacementRequestCancelled, PlacementRequestsCreated
from shared.events.therapist import PROFILE_EXAMPLE, TherapistCreated
from shared.unit_of_work import UnitOfWork

SECRET = "communication-test-secret-communication-test"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PATIENT_NAMES = ["Erika", "Mustermann", "erika.mustermann@example.org", "+4917012345678"]


def settings(**overrides) -> Settings:
    """Test settings: the test database through PgBouncer, a known JWT secret."""
    return Settings(
        db_name=TEST_DB, database_url=None, jwt_secret=SECRET, _env_file=None, **overrides
    )


def new_id() -> int:
    """Ids unique across test runs sharing the database."""
    return random.randint(10**9, 9 * 10**12)


def therapist_created(therapist_id: int, **fields) -> TherapistCreated:
    return TherapistCreated.model_validate(
        {**PROFILE_EXAMPLE, "therapist_id": therapist_id, "practice_id": None, **fields}
    )


def request_item(
    therapist_id: int, request_id: int | None = None, urgent: bool = False, waited_days: int = 10
) -> dict:
    started = START - timedelta(days=waited_days)
    return {
        "placement_request_id": request_id or new_id(),
        "patient_id": new_id(),
        "therapist_id": therapist_id,
        "score": 0.8,
        "distance_km": 4.2,
        "patient": {
            "age": 34,
            "gender": "female",
            "insurance_type": "statutory",
            "complaint_groups": ["mood", "anxiety"],
            "urgent": urgent,
            "availability": {"mon": ["09:00-12:00"]},
            "search_started_at": started.isoformat(),
        },
    }


def requests_created(*items: dict) -> PlacementRequestsCreated:
    return PlacementRequestsCreated.model_validate(
        {"run_id": new_id(), "part": 1, "created_at": START.isoformat(), "requests": list(items)}
    )


def cancelled(item: dict, reason: str = "patient_paused") -> PlacementRequestCancelled:
    return PlacementRequestCancelled(
        placement_request_id=item["placement_request_id"],
        patient_id=item["patient_id"],
        therapist_id=item["therapist_id"],
        previous_status="queued",
        reason=reason,
        cancelled_at=START,
    )


def feed(ctx, handlers, *events, producer: str = "matching_service") -> None:
    """Apply events like the consumer does: one transaction each, committed after the handler."""
    for event in events:
        envelope = event.envelope(producer, ctx.clock.now())
        with UnitOfWork(ctx.session_factory) as uow:
            handlers[envelope.event_type](uow.session, envelope)
            uow.commit()


def mails(folder: Path) -> list[email.message.EmailMessage]:
    """Every message the catcher stored."""
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def parts(message) -> tuple[str, str]:
    """(plain text, html) of a message."""
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def emails_of(ctx, therapist_id: int) -> list[dict]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(emails).where(emails.c.therapist_id == therapist_id).order_by(emails.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def outbox_types(ctx) -> list[str]:
    """Event types this app wrote (its own topic prefix), oldest first."""
    t = infrastructure["outbox"]
    topic = ctx.settings.topic("communication-events")
    with ctx.engine.connect() as conn:
        return list(
            conn.execute(
                select(t.c.event_type).where(t.c.topic == topic).order_by(t.c.id)
            ).scalars()
        )
