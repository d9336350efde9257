"""A patient's consent: record it, or record its withdrawal (role staff)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.consents import ConsentIn, ConsentWithdrawal
from patient_service.api.schemas.patient_views import PatientRead, patient_body
from patient_service.api.web import (
    ERASED,
    NOT_FOUND,
    NOT_JSON,
    ROLES,
    TAGS,
    patient_context,
    today,
    with_etag,
)
from patient_service.domain.consents import Consent
from patient_service.domain.dates import check_dates, local_today, not_in_future
from patient_service.services import consents
from shared.http.auth import actor
from shared.http.operations import operation


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
        consent = Consent(body.version.strip(), body.given_at)
        row = consents.record_consent(patient_context(), patient_id, consent, actor())
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
        ctx = patient_context()
        when = body.withdrawn_at or ctx.clock.now()
        check_dates({"withdrawn_at": not_in_future(local_today(when), today())})
        row = consents.withdraw_consent(ctx, patient_id, when, actor())
        return with_etag(patient_body(row, today()))
