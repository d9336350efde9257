"""Patients: register, list, read, change and erase (role staff; erasure: admin)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_restful import Resource

from patient_service.api.privacy import ERASE_OPERATION, erase
from patient_service.api.schemas.patient_views import PatientListRead, PatientRead, patient_body
from patient_service.api.schemas.patients import (
    PatientCreate,
    PatientListQuery,
    PatientUpdate,
    column_values,
)
from patient_service.api.web import (
    CONFLICT,
    NOT_FOUND,
    NOT_JSON,
    READ_ROLES,
    ROLES,
    TAGS,
    patient_context,
    refuse_repeated_query_params,
    today,
    version_of,
    with_etag,
)
from patient_service.domain.consents import Consent
from patient_service.domain.dates import (
    birth_date_problems,
    check_dates,
    local_today,
    not_in_future,
)
from patient_service.domain.patients import ListFilter
from patient_service.services import patients
from shared.http.auth import actor
from shared.http.idempotency import idempotent
from shared.http.operations import AuditRecord, operation
from shared.http.pagination import page_body


def date_problems(body: PatientCreate | PatientUpdate, day: date) -> dict[str, list[str]]:
    """Birth date plausible; last session and consent not in the future."""
    problems: dict[str, list[str]] = {}
    if body.birth_date is not None:
        problems["birth_date"] = birth_date_problems(body.birth_date, day)
    therapy = body.previous_therapy
    if therapy is not None and therapy.last_session_date is not None:
        problems["previous_therapy.last_session_date"] = not_in_future(
            therapy.last_session_date, day
        )
    consent = getattr(body, "consent", None)
    if consent is not None:
        problems["consent.given_at"] = not_in_future(local_today(consent.given_at), day)
    return problems


class PatientListResource(Resource):
    @operation(
        "Patients (crisis and urgent first); filter by status, name, postal code, crisis",
        roles=ROLES,
        query=PatientListQuery,
        tags=TAGS,
        responses={200: ("One page of patients", PatientListRead)},
        audit=AuditRecord("patient", response="items.id"),
    )
    def get(self, query: PatientListQuery) -> Any:
        refuse_repeated_query_params()
        flt = ListFilter(
            query.status, query.q, query.postal_code, query.crisis, query.location_status
        )
        rows, total = patients.list_patients(patient_context(), flt, query.offset, query.per_page)
        day = today()
        return page_body([patient_body(row, day) for row in rows], query, total)

    @operation(
        "Register a patient (status registered); coordinates come from geocoding",
        roles=ROLES,
        body=PatientCreate,
        tags=TAGS,
        responses={201: ("The registered patient", PatientRead), 415: NOT_JSON},
        audit=AuditRecord("patient", response="id"),
    )
    @idempotent
    def post(self, body: PatientCreate) -> Any:
        check_dates(date_problems(body, today()))
        consent = Consent(body.consent.version.strip(), body.consent.given_at)
        row = patients.register_patient(patient_context(), column_values(body), consent, actor())
        return with_etag(patient_body(row, today()), 201)


class PatientResource(Resource):
    @operation(
        "One patient",
        roles=READ_ROLES,
        tags=TAGS,
        responses={200: ("The patient", PatientRead), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int) -> Any:
        row = patients.get_patient(patient_context(), patient_id)
        return with_etag(patient_body(row, today()))

    @operation(
        "Change a patient's data (If-Match or version: optimistic locking)",
        roles=ROLES,
        body=PatientUpdate,
        tags=TAGS,
        responses={
            200: ("The changed patient", PatientRead),
            404: NOT_FOUND,
            409: CONFLICT,
            415: NOT_JSON,
        },
        audit=("patient", "patient_id"),
    )
    def patch(self, patient_id: int, body: PatientUpdate) -> Any:
        version = version_of(body.version)
        check_dates(date_problems(body, today()))
        row = patients.update_patient(
            patient_context(), patient_id, column_values(body), version, actor()
        )
        return with_etag(patient_body(row, today()))

    @ERASE_OPERATION
    def delete(self, patient_id: int) -> Any:
        return erase(patient_id)
