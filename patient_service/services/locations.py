"""Locating patients: ask the geocoding service, and the job that retries pending addresses."""

from __future__ import annotations

from datetime import datetime

from patient_service.clients.geocoding import Geocoder, GeocodingUnavailable, LocationNotFound
from patient_service.context import PatientContext
from patient_service.domain import locations
from patient_service.domain.patients import Row
from patient_service.services.changes import record_change, write
from patient_service.store.unit_of_work import PatientUnitOfWork

JOB_ACTOR = "resolve-locations"


def locate(geocoder: Geocoder, values: Row, now: datetime, attempts: int = 0) -> Row:
    """Location columns after asking the geocoding service (pending when it cannot answer)."""
    try:
        point = geocoder.locate(locations.address_of(values))
    except LocationNotFound:
        return locations.unresolved(locations.FAILED, now, attempts)
    except GeocodingUnavailable:
        return locations.unresolved(locations.PENDING, now, attempts)
    return locations.resolved(point, now, attempts)


def resolve_pending_locations(ctx: PatientContext, limit: int = 200) -> dict[str, int]:
    """Job `resolve-locations`: ask the geocoding service again for every pending patient."""
    counts = {locations.RESOLVED: 0, locations.FAILED: 0, locations.PENDING: 0}
    after_id = 0
    for _ in range(limit):
        with ctx.unit_of_work() as uow:
            current = uow.patients.next_pending_location(after_id)
            if current is None:
                break
            after_id = current["id"]
            row = _relocate(ctx, uow, current)
            uow.commit()
        counts[row["location_status"]] += 1
    return counts


def _relocate(ctx: PatientContext, uow: PatientUnitOfWork, current: Row) -> Row:
    now = ctx.clock.now()
    located = locate(ctx.geocoder, current, now, current["location_attempts"])
    if located["location_status"] == locations.PENDING:
        # Still down: count the attempt without a new version (staff edits stay valid).
        uow.patients.note_location_attempt(current["id"], located)
        return {**current, **located}
    row = write(uow, current, {**located, "updated_at": now})
    record_change(uow, now, current, row, JOB_ACTOR, "location_resolved")
    return row
