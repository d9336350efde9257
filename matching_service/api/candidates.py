"""Candidate resources: who would be asked next, and why a pair matches or not."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from matching_service.api.schemas.base import MAX_ID
from matching_service.api.schemas.candidates import (
    CandidateList,
    CandidateQuery,
    ExplanationRead,
)
from matching_service.context import MatchingContext
from matching_service.domain.errors import PatientNotFound, TherapistNotFound
from matching_service.services import reads
from shared.http.app_factory import context_of
from shared.http.operations import operation

READERS = ("staff", "service")
TAGS = ("matching",)
NOT_FOUND = ("Not found", None)


def _in_range(value: int) -> bool:
    return 1 <= value <= MAX_ID


class CandidateListResource(Resource):
    @operation(
        "Ranked candidates who would be asked next, with score parts",
        roles=READERS,
        query=CandidateQuery,
        tags=TAGS,
        responses={200: ("Candidates, best first", CandidateList), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int, query: CandidateQuery) -> Any:
        if not _in_range(patient_id):
            raise PatientNotFound(patient_id)
        ctx = context_of(MatchingContext)
        items = reads.candidates(
            ctx.unit_of_work(), ctx.rules, patient_id, query.limit, ctx.clock.now()
        )
        return {"patient_id": patient_id, "items": items}


class CandidateResource(Resource):
    @operation(
        "Every hard criterion for one patient and therapist: held or not, and why",
        roles=READERS,
        tags=TAGS,
        responses={200: ("The explanation", ExplanationRead), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int, therapist_id: int) -> Any:
        if not _in_range(patient_id):
            raise PatientNotFound(patient_id)
        if not _in_range(therapist_id):
            raise TherapistNotFound(therapist_id)
        ctx = context_of(MatchingContext)
        return reads.explain(
            ctx.unit_of_work(), ctx.rules, patient_id, therapist_id, ctx.clock.now()
        )
