"""Handlers applied directly inside a unit of work (no broker): answers reach the timeline."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from patient_service.handlers import build_handlers
from shared.events.communication import TherapistResponseRecorded
from shared.events.matching import PlacementConfirmed
from shared.unit_of_work import UnitOfWork

pytestmark = pytest.mark.integration
WHEN = datetime(2026, 1, 5, 11, 0, tzinfo=UTC)


def apply(app, event):
    ctx = app.extensions["psymatch"]
    envelope = event.envelope("someone", WHEN).model_copy(update={"event_id": str(uuid.uuid4())})
    with UnitOfWork(ctx.session_factory) as uow:
        build_handlers(ctx)[event.event_type](uow.session, envelope)
        uow.commit()


def test_therapist_answer_lands_on_the_patient_timeline(app, client, auth, create):
    patient = create()
    apply(
        app,
        TherapistResponseRecorded.model_validate(
            {
                "therapist_id": 9,
                "response_id": 1,
                "channel": "email",
                "recorded_at": WHEN,
                "outcomes": [
                    {
                        "placement_request_id": 3,
                        "patient_id": patient["id"],
                        "outcome": "rejected_no_capacity",
                    },
                    {"placement_request_id": 4, "patient_id": 2**62, "outcome": "accepted"},
                ],
            }
        ),
    )
    items = client.get(f"/api/patients/{patient['id']}/timeline", headers=auth).json["items"]
    assert items[-1]["action"] == "communication.therapist_response_recorded"
    assert items[-1]["details"]["outcome"] == "rejected_no_capacity"


def test_placement_for_a_paused_patient_is_not_applied_but_shown(app, client, auth, create):
    patient = create()
    for status in ("searching", "paused"):
        client.put(f"/api/patients/{patient['id']}/status", json={"status": status}, headers=auth)
    apply(
        app,
        PlacementConfirmed(
            patient_id=patient["id"], therapist_id=7, placement_request_id=5, confirmed_at=WHEN
        ),
    )
    after = client.get(f"/api/patients/{patient['id']}", headers=auth).json
    assert after["status"] == "paused" and after["placed_therapist_id"] is None
    items = client.get(f"/api/patients/{patient['id']}/timeline", headers=auth).json["items"]
    assert items[-1]["details"]["outcome"] == "refused_in_status_paused"


def test_placement_for_an_unknown_patient_is_ignored(app):
    apply(
        app,
        PlacementConfirmed(
            patient_id=2**62, therapist_id=7, placement_request_id=5, confirmed_at=WHEN
        ),
    )
