"""Read models fed by events: therapist contact preferences, requests ready for contact, cooling."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from communication_service import models as m
from communication_service.domain import RequestState
from shared.events.matching import CreatedPlacementRequest
from shared.events.therapist import TherapistProfile


def apply_therapist_profile(session: Session, event: TherapistProfile, at: datetime) -> bool:
    """Upsert the therapist's contact preferences unless a newer profile is stored."""
    t = m.therapists
    values = {
        "therapist_id": event.therapist_id,
        "practice_id": event.practice_id,
        "status": event.status.value,
        "opted_out": event.opted_out,
        "has_email": event.has_email,
        "preferred_channel": event.preferred_channel.value,
        "phone_hours": event.phone_hours,
        "profile_at": at,
        "updated_at": at,
    }
    statement = insert(t).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[t.c.therapist_id],
        set_={k: statement.excluded[k] for k in values},
        where=t.c.profile_at <= statement.excluded.profile_at,
    )
    return session.execute(statement.returning(t.c.therapist_id)).first() is not None


def apply_therapist_status(session: Session, therapist_id: int, status: str, at: datetime) -> None:
    """Blocked / unblocked / deactivated (ignored for a therapist not known yet)."""
    t = m.therapists
    session.execute(
        update(t)
        .where(t.c.therapist_id == therapist_id, t.c.profile_at <= at)
        .values(status=status, profile_at=at, updated_at=at)
    )


def store_requests(
    session: Session, items: list[CreatedPlacementRequest], run_id: int, now: datetime
) -> set[int]:
    """New requests wait for contact; re-delivered ones are ignored. Returns the therapists."""
    r = m.outreach_requests
    for item in items:
        summary = item.patient.model_dump(mode="json")
        session.execute(
            insert(r)
            .values(
                placement_request_id=item.placement_request_id,
                patient_id=item.patient_id,
                therapist_id=item.therapist_id,
                run_id=run_id,
                state=RequestState.WAITING.value,
                urgent=item.patient.urgent,
                search_started_at=item.patient.search_started_at,
                summary=summary,
                distance_km=item.distance_km,
                created_at=now,
                state_changed_at=now,
            )
            .on_conflict_do_nothing()
        )
    return {item.therapist_id for item in items}


def set_request_state(
    session: Session, ids: list[int], state: RequestState, now: datetime, reason: str | None = None
) -> None:
    """Move requests to a new state."""
    if not ids:
        return
    r = m.outreach_requests
    session.execute(
        update(r)
        .where(r.c.placement_request_id.in_(ids))
        .values(state=state.value, state_changed_at=now, close_reason=reason)
    )


def requests_by_id(session: Session, ids: list[int], lock: bool = False) -> list[Any]:
    """Stored requests (optionally locked)."""
    r = m.outreach_requests
    query = select(r).where(r.c.placement_request_id.in_(ids)).order_by(r.c.placement_request_id)
    if lock:
        query = query.with_for_update()
    return list(session.execute(query).mappings())


def open_request_ids(session: Session, patient_id: int, keep: int | None = None) -> list[int]:
    """The patient's requests that have not been closed (optionally all but one)."""
    r = m.outreach_requests
    query = select(r.c.placement_request_id).where(
        r.c.patient_id == patient_id,
        r.c.state.in_(
            [
                RequestState.WAITING.value,
                RequestState.IN_EMAIL.value,
                RequestState.PHONE_PENDING.value,
            ]
        ),
    )
    if keep is not None:
        query = query.where(r.c.placement_request_id != keep)
    return list(session.execute(query).scalars())


def store_cooling(
    session: Session, therapist_id: int, response_id: int, starts_at: datetime, ends_at: datetime
) -> bool:
    """A cooling period (once per response id); True when it is new."""
    c = m.cooling_periods
    statement = insert(c).values(
        therapist_id=therapist_id, response_id=response_id, starts_at=starts_at, ends_at=ends_at
    )
    inserted = session.execute(statement.on_conflict_do_nothing().returning(c.c.id)).first()
    return inserted is not None


def cooling_until(session: Session, therapist_id: int, now: datetime) -> datetime | None:
    """The end of the cooling period running at `now` (the latest one), or None."""
    c = m.cooling_periods
    query = (
        select(c.c.ends_at)
        .where(
            c.c.therapist_id == therapist_id,
            c.c.lifted_at.is_(None),
            c.c.starts_at <= now,
            c.c.ends_at > now,
        )
        .order_by(c.c.ends_at.desc())
        .limit(1)
    )
    return session.execute(query).scalar()


def lock_therapist(session: Session, therapist_id: int) -> Any:
    """Serialises planning and responses per therapist (row lock on the read model)."""
    t = m.therapists
    return (
        session.execute(select(t).where(t.c.therapist_id == therapist_id).with_for_update())
        .mappings()
        .first()
    )
