"""Lifecycle, consent and timeline of one patient (role staff)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service import services
from patient_service.api.common import (
    CONFLICT,
    ERASED,
    INCOMPLETE,
    NOT_FOUND,
    NOT_JSON,
    ROLES,
    TAGS,
    actor,
    check_dates,
    requested_version,
    service_errors,
    today,
    with_etag,
)
from patient_service.api.read import PatientRead, TimelineRead, patient_body, timeline_body
from patient_service.api.schemas import ConsentIn, ConsentWithdrawal, StatusChange
from patient_service.domain import not_in_future
from patient_service.profile import local_today
from shared.http.app_factory import context
from shared.http.operations import operation


class PatientStatusResource(Resource):
    @operation(
        "Change the status: 409 for a transition domain.md forbids, 422 if incomplete",
        roles=ROLES,
        body=StatusChange,
        tags=TAGS,
        responses={
            200: ("The patient", PatientRead),
            404: NOT_FOUND,
            409: CONFLICT,
            415: NOT_JSON,
            422: INCOMPLETE,
        },
        audit=("patient", "patient_id"),
    )
    def put(self, patient_id: int, body: StatusChange) -> Any:
        version = requested_version(body.version)
        with service_errors():
            row = services.change_status(
                context(), patient_id, body.status.value, version, actor(), body.therapist_id
            )
        return with_etag(patient_body(row, today()))


class PatientConsentResource(Resource):
    @operation(
        "Record the patient's consent (a new form version replaces the current one)",
        roles=ROLES,
        body=ConsentIn,
        tags=TAGS,
        responses={
            200: ("The patient", PatientRead),
            404: NOT_FOUND,
            409: ERASED,
            415: NOT_JSON,
        },
        audit=("patient", "patient_id"),
    )
    def post(self, patient_id: int, body: ConsentIn) -> Any:
        check_dates({"given_at": not_in_future(local_today(body.given_at), today())})
        consent = services.Consent(body.version.strip(), body.given_at)
        with service_errors():
            row = services.record_consent(context(), patient_id, consent, actor())
        return with_etag(patient_body(row, today()))


class PatientConsentWithdrawalResource(Resource):
    @operation(
        "Record that the patient withdrew consent (a searching patient is paused)",
        roles=ROLES,
        body=ConsentWithdrawal,
        tags=TAGS,
        responses={
            200: ("The patient", PatientRead),
            404: NOT_FOUND,
            409: ERASED,
            415: NOT_JSON,
            422: ("There is no current consent", None),
        },
        audit=("patient", "patient_id"),
    )
    def post(self, patient_id: int, body: ConsentWithdrawal) -> Any:
        ctx = context()
        when = body.withdrawn_at or ctx.clock.now()
        check_dates({"withdrawn_at": not_in_future(local_today(when), today())})
        with service_errors():
            row = services.withdraw_consent(ctx, patient_id, when, actor())
        return with_etag(patient_body(row, today()))


class PatientTimelineResource(Resource):
    @operation(
        "Every status change, change, contact and answer about this patient",
        roles=ROLES,
        tags=TAGS,
        responses={200: ("Timeline, oldest first", TimelineRead), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int) -> Any:
        with service_errors():
            patient, entries = services.timeline(context(), patient_id)
        return timeline_body(patient, entries)
