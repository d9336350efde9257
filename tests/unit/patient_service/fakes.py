"""In-memory stores, unit of work and context of the patient service, for use-case tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from support.fakes import FakeUnitOfWork

from shared.clock import FakeClock

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def patient_row(patient_id: int = 42, status: str = "searching", **more: Any) -> dict[str, Any]:
    """A complete patient row as the table holds it."""
    return {
        "id": patient_id,
        "version": 1,
        "status": status,
        "birth_date": date(1990, 3, 11),
        "gender": "female",
        "postal_code": "52062",
        "latitude": 50.776649,
        "longitude": 6.085432,
        "location_status": "resolved",
        "location_precision": "street",
        "insurance_type": "statutory",
        "preferences": {"procedures": ["VT"]},
        "availability": {"mon": ["09:00-12:00"]},
        "exclusions": [],
        "urgent": False,
        "symptoms": ["depressed_mood"],
        "search_started_at": START if status == "searching" else None,
        "placed_at": None,
        "placed_therapist_id": None,
        "erased_at": None,
        "updated_at": START,
        **more,
    }


class FakePatients:
    """Patient rows by id, with the optimistic version check of the real store."""

    def __init__(self, *rows: dict[str, Any]) -> None:
        self.rows = {row["id"]: dict(row) for row in rows}

    def load(self, patient_id: int, for_update: bool = False) -> dict[str, Any] | None:
        row = self.rows.get(patient_id)
        return dict(row) if row else None

    def update(self, patient_id: int, version: int, values: dict[str, Any]):
        row = self.rows.get(patient_id)
        if row is None or row["version"] != version:
            return None
        row.update(values, version=version + 1)
        return dict(row)


class FakeTimeline:
    def __init__(self) -> None:
        self.audit: list[tuple[int, str, str, dict[str, Any]]] = []
        self.events: list[tuple[int, str, dict[str, Any]]] = []

    def add_audit(self, patient_id, now, actor, action, changes) -> None:
        self.audit.append((patient_id, actor, action, changes))

    def log_event(self, patient_id, envelope, summary) -> None:
        self.events.append((patient_id, envelope.event_type, summary))


class FakeErasure:
    """Erasure steps and the traces an erasure removes."""

    def __init__(self, patients: FakePatients) -> None:
        self.patients = patients
        self.step_rows: dict[tuple[int, str], dict[str, Any]] = {}
        self.scrubbed: list[int] = []

    def tombstone(self, patient_id: int, now: datetime) -> None:
        self.patients.rows[patient_id].update(
            erased_at=now, first_name=None, last_name=None, email=None, phone=None
        )

    def scrub_audit_log(self, patient_id: int) -> int:
        self.scrubbed.append(patient_id)
        return 3

    def delete_stored_responses(self, patient_id: int) -> int:
        return 0

    def delete_outbox_rows(self, patient_id: int) -> int:
        return 2

    def add_steps(self, patient_id, services, own, now, actor, counts) -> None:
        for service in services:
            done = service == own
            self.step_rows[(patient_id, service)] = {
                "service": service,
                "requested_at": now,
                "completed_at": now if done else None,
                "counts": counts if done else None,
            }

    def steps(self, patient_id: int) -> list[dict[str, Any]]:
        return [dict(row) for (pid, _), row in self.step_rows.items() if pid == patient_id]

    def complete_step(self, patient_id, service, completed_at, counts) -> bool:
        row = self.step_rows.get((patient_id, service))
        if row is None or row["completed_at"] is not None:
            return False
        row.update(completed_at=completed_at, counts=counts)
        return True


class FakePatientUnitOfWork(FakeUnitOfWork):
    def __init__(self, *rows: dict[str, Any]) -> None:
        super().__init__()
        self.patients = FakePatients(*rows)
        self.timeline = FakeTimeline()
        self.erasure = FakeErasure(self.patients)


class FakePatientContext:
    """What the use cases read from the context: a unit of work and a clock."""

    def __init__(self, uow: FakePatientUnitOfWork, clock: FakeClock | None = None) -> None:
        self.uow = uow
        self.clock = clock or FakeClock(START)

    def unit_of_work(self) -> FakePatientUnitOfWork:
        return self.uow
