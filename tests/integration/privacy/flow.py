"""Drives one distinctive patient through the placement loop in the privacy world."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from integration.privacy.conftest import token

from shared.events.therapist import PROFILE_EXAMPLE, TherapistCreated
from shared.unit_of_work import UnitOfWork


def random_birth_date() -> date:
    """Each test patient has its own birth date (the scan must not meet another patient's)."""
    return date(1941, 1, 1) + timedelta(days=random.randint(0, 365 * 40))


def german(day: date) -> str:
    return day.strftime("%d.%m.%Y")


@dataclass
class Case:
    """The patient, its therapist and what the loop produced."""

    patient: dict[str, Any]
    therapist_id: int
    request_id: int
    call_id: int

    @property
    def id(self) -> int:
        return int(self.patient["id"])


def patient_body(address: dict[str, str]) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    return {
        "salutation": "Frau",
        "first_name": f"Zoraide{tag}",
        "last_name": f"Quappendorf{tag}",
        "gender": "female",
        "birth_date": random_birth_date().isoformat(),
        "email": f"zoraide.{tag}@privacy-test.example",
        "phone": f"0241 97{random.randint(10000, 99999)}",
        "address": address,
        "insurance": {"type": "statutory", "insurer": "AOK", "number": f"Q{tag}77"},
        "symptoms": ["depressed_mood"],
        "initial_consultation_date": "2026-01-15",
        "preferences": {"procedures": ["VT"], "max_distance_km": 25},
        "consent": {"version": "2026-01", "given_at": "2026-01-02T10:00:00+01:00"},
    }


def add_therapist(world) -> int:
    """A therapist next to the patient, known to matching, communication and the directory."""
    therapist_id = random.randint(10**9, 9 * 10**12)
    event = TherapistCreated.model_validate(
        {**PROFILE_EXAMPLE, "therapist_id": therapist_id, "practice_id": None}
    )
    world.directory.therapists[therapist_id] = {
        "id": therapist_id,
        "salutation": "Frau",
        "title": "Dr.",
        "first_name": "Miriam",
        "last_name": "Testfeld",
        "email": f"praxis-{therapist_id}@testfeld.example",
        "phone": "+492411234567",
        "phone_hours": PROFILE_EXAMPLE["phone_hours"],
    }
    ctx = world.apps["therapist_service"].extensions["psymatch"]
    with UnitOfWork(ctx.session_factory) as uow:
        ctx.outbox.add(uow.session, event, occurred_at=world.clock.now())
        uow.commit()
    world.bus.pump()
    return therapist_id


def call(
    world,
    method: str,
    service: str,
    path: str,
    role: str = "staff",
    key: str | None = None,
    **kwargs: Any,
) -> Any:
    headers = {**token(role), **({"Idempotency-Key": key} if key else {})}
    response = world.clients[service].open(path, method=method, headers=headers, **kwargs)
    assert response.status_code < 300, (method, path, response.status_code, response.json)
    return response.json


def run_job(world, service: str, name: str) -> Any:
    return call(world, "POST", service, f"/api/jobs/{name}/run", role="admin")


def drive(world, address: dict[str, str]) -> Case:
    """Register → search → request → outreach e-mail → follow-up call with an answer → placed."""
    therapist_id = add_therapist(world)
    body, key = patient_body(address), uuid.uuid4().hex
    patient = call(world, "POST", "patient_service", "/api/patients", key=key, json=body)
    assert patient["location"]["precision"] == "street", patient["location"]
    status = {"status": "searching"}
    call(world, "PUT", "patient_service", f"/api/patients/{patient['id']}/status", json=status)
    world.bus.pump()
    [request] = call(
        world, "GET", "matching_service", f"/api/placement-requests?patient_id={patient['id']}"
    )["items"]
    run_job(world, "communication_service", "send-emails")
    world.bus.pump()
    world.clock.advance(days=7, minutes=5)
    run_job(world, "communication_service", "follow-ups")
    world.bus.pump()
    calls = call(
        world, "GET", "communication_service", f"/api/phone-calls?therapist_id={therapist_id}"
    )["items"]
    answer = {
        "reached": True,
        "note": f"Zusage für {patient['first_name']} {patient['last_name']}, {patient['phone']}",
        "outcomes": [{"placement_request_id": request["id"], "outcome": "accepted"}],
    }
    outcome_path = f"/api/phone-calls/{calls[0]['id']}/outcome"
    call(world, "PUT", "communication_service", outcome_path, json=answer)
    world.bus.pump()
    run_job(world, "communication_service", "send-emails")
    world.bus.pump()
    placed = call(world, "GET", "patient_service", f"/api/patients/{patient['id']}")
    assert placed["status"] == "placed", placed["status"]
    return Case(placed, therapist_id, request["id"], calls[0]["id"])
