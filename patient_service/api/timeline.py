"""A patient's timeline: every change, contact and answer, oldest first (role staff)."""

from __future__ import annotations

from typing import Any

from flask_restful import Resource

from patient_service.api.schemas.timeline import TimelineRead, timeline_body
from patient_service.api.web import NOT_FOUND, ROLES, TAGS, patient_context
from patient_service.services import timeline
from shared.http.operations import operation


class PatientTimelineResource(Resource):
    @operation(
        "Every status change, change, contact and answer about this patient",
        roles=ROLES,
        tags=TAGS,
        responses={200: ("Timeline, oldest first", TimelineRead), 404: NOT_FOUND},
        audit=("patient", "patient_id"),
    )
    def get(self, patient_id: int) -> Any:
        patient, entries = timeline.patient_timeline(patient_context(), patient_id)
        return timeline_body(patient, entries)
