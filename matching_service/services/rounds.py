"""The periodic jobs: the full matching round and the expiry of unanswered requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matching_service.context import MatchingContext
from matching_service.services import transitions
from matching_service.services.fill import fill_patients, fill_settings_of
from matching_service.services.reactions import refill


def run_matching_round(ctx: MatchingContext, now: datetime) -> dict[str, Any]:
    """Top up every searching patient (one run, one transaction)."""
    with ctx.unit_of_work() as uow:
        result = fill_patients(uow, fill_settings_of(ctx), now, "matching-round")
        uow.commit()
    return {
        "run_id": result.run_id,
        "patients_considered": result.patients_considered,
        "requests_created": result.requests_created,
    }


def expire_requests(ctx: MatchingContext, now: datetime) -> dict[str, Any]:
    """Expire unanswered requests REQUEST_EXPIRY_DAYS after first contact and refill their
    patients, one batch per transaction until none is due."""
    expired_patients: set[int] = set()
    while True:
        with ctx.unit_of_work() as uow:
            patients = transitions.expire_due(uow, now, ctx.rules.request_expiry_days)
            refill(uow, fill_settings_of(ctx), patients, "expire-requests", now)
            uow.commit()
        if not patients:
            break
        expired_patients.update(patients)
    return {"patients_refilled": len(expired_patients)}
