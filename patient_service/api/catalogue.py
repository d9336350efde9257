"""The symptom catalogue (codes, German labels, complaint groups, crisis flags)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.catalogue import SymptomListRead
from patient_service.api.web import ROLES
from shared.http.operations import operation
from shared.patient_vocabulary import catalogue


class SymptomListResource(Resource):
    @operation(
        "The symptom catalogue",
        roles=ROLES,
        tags=("catalogue",),
        responses={200: ("Symptoms", SymptomListRead)},
    )
    def get(self) -> Any:
        return {"items": catalogue()}
