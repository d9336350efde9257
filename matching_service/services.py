"""Use cases of the matching service: the only place (with handlers) that commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from matching_service import lifecycle, matching, reactions
from matching_service import models as m
from matching_service.domain.states import RequestStatus, is_open
from shared.db import UnitOfWork
from shared.http.app_factory import ServiceContext


class RequestNotFound(LookupError):
    """No placement request with this id."""


class RequestClosed(ValueError):
    """The request is in a terminal state and can no longer change."""


def run_matching_round(ctx: ServiceContext, now: datetime) -> dict[str, Any]:
    """Top up every searching patient (the periodic full round)."""
    with UnitOfWork(ctx.session_factory) as uow:
        result = matching.fill_patients(uow.session, ctx, now, "matching-round")
        uow.commit()
    return {
        "run_id": result.run_id,
        "patients_considered": result.patients_considered,
        "requests_created": result.requests_created,
    }


def expire_requests(ctx: ServiceContext, now: datetime) -> dict[str, Any]:
    """Expire unanswered requests REQUEST_EXPIRY_DAYS after first contact, then refill."""
    days, expired_patients = ctx.extra["rules"].request_expiry_days, set()
    while True:
        with UnitOfWork(ctx.session_factory) as uow:
            patients = lifecycle.expire_due(uow.session, ctx, now, days)
            reactions.refill(uow.session, ctx, patients, "expire-requests", now)
            uow.commit()
        if not patients:
            break
        expired_patients.update(patients)
    return {"patients_refilled": len(expired_patients)}


def cancel_request(ctx: ServiceContext, request_id: int, now: datetime) -> dict[str, Any]:
    """Staff cancel one open request; the patient gets a replacement candidate."""
    r = m.placement_requests
    with UnitOfWork(ctx.session_factory) as uow:
        rows = lifecycle.locked_requests(uow.session, r.c.id == request_id)
        if not rows:
            raise RequestNotFound(request_id)
        if not is_open(rows[0]["status"]):
            raise RequestClosed(rows[0]["status"])
        lifecycle.set_status(uow.session, ctx, rows[0], RequestStatus.CANCELLED, "staff", now)
        reactions.refill(uow.session, ctx, [rows[0]["patient_id"]], "staff_cancel", now)
        uow.commit()
    return {"id": request_id, "status": RequestStatus.CANCELLED.value}
