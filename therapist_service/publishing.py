"""Therapist events built from stored rows and written to the outbox (caller's transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import RowMapping
from sqlalchemy.orm import Session

from shared.events.envelope import DomainEvent
from shared.events.therapist import TherapistCreated, TherapistProfile, TherapistUpdated
from shared.http.app_factory import ServiceContext

PROFILE_COLUMNS = tuple(
    name for name in TherapistProfile.model_fields if name not in ("therapist_id", "has_email")
)


def profile(row: RowMapping) -> dict[str, Any]:
    """The matching profile of a therapist row (no names, no contact data)."""
    data = {name: row[name] for name in PROFILE_COLUMNS}
    return {**data, "therapist_id": row["id"], "has_email": bool(row["email"])}


def publish(ctx: ServiceContext, session: Session, event: DomainEvent) -> None:
    """Add one event to the outbox, stamped with the service clock."""
    ctx.outbox.add(session, event, occurred_at=ctx.clock.now())


def publish_created(ctx: ServiceContext, session: Session, row: RowMapping) -> None:
    """`therapist.created` with the whole profile."""
    publish(ctx, session, TherapistCreated.model_validate(profile(row)))


def publish_updated(
    ctx: ServiceContext, session: Session, row: RowMapping, changed: Iterable[str]
) -> None:
    """`therapist.updated` with the whole profile and the names of the changed fields."""
    fields = sorted(set(changed))
    publish(
        ctx, session, TherapistUpdated.model_validate({**profile(row), "changed_fields": fields})
    )
