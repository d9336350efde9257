"""In-memory stores and unit of work of the matching service, for the use-case tests."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from support.fakes import FakeUnitOfWork

from matching_service.config import Settings
from matching_service.domain.index import TherapistIndex
from matching_service.domain.states import OPEN, RequestStatus, counts_as_asked
from matching_service.services.fill import FillSettings

RULES = Settings(_env_file=None).rules()
FILL = FillSettings(RULES, therapists=None, helpers=0)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeRequests:
    """Placement requests by id; reads return copies, as rows read before a change would."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}

    def add(self, patient_id: int, therapist_id: int, status: str = "proposed", **more: Any):
        request_id = len(self.rows) + 1
        self.rows[request_id] = {
            "id": request_id,
            "patient_id": patient_id,
            "therapist_id": therapist_id,
            "status": status,
            "contacted_at": None,
            "follow_up_at": None,
            "therapist_unavailable": False,
            "close_reason": None,
            "closed_at": None,
            **more,
        }
        return request_id

    def _copies(self, keep) -> list[dict[str, Any]]:
        return [dict(row) for _, row in sorted(self.rows.items()) if keep(row)]

    def locked(self, request_id: int) -> Any:
        return dict(self.rows[request_id]) if request_id in self.rows else None

    def locked_answered(self, request_id: int, patient_id: int, therapist_id: int) -> Any:
        row = self.rows.get(request_id)
        if row is None or (row["patient_id"], row["therapist_id"]) != (patient_id, therapist_id):
            return None
        return dict(row)

    def locked_of_patient(self, patient_id: int, except_id: int | None = None) -> list[Any]:
        return self._copies(
            lambda row: (
                row["patient_id"] == patient_id and row["status"] in OPEN and row["id"] != except_id
            )
        )

    def locked_of_therapist(
        self,
        therapist_id: int,
        statuses: Iterable[str] | None = None,
        request_ids: list[int] | None = None,
    ) -> list[Any]:
        wanted = None if statuses is None else set(statuses)
        return self._copies(
            lambda row: (
                row["therapist_id"] == therapist_id
                and (wanted is None or row["status"] in wanted)
                and (request_ids is None or row["id"] in request_ids)
            )
        )

    def due_for_expiry(self, contacted_until: datetime, limit: int) -> list[Any]:
        due = self._copies(
            lambda row: (
                row["status"] in OPEN
                and row["contacted_at"] is not None
                and row["contacted_at"] <= contacted_until
            )
        )
        return due[:limit]

    def set_status(
        self, request_id: int, status: RequestStatus, reason: str | None, now: datetime
    ) -> None:
        row = self.rows[request_id]
        row["status"] = status.value
        if status not in OPEN:
            row.update(closed_at=now, close_reason=reason)

    def mark_therapist_unavailable(self, therapist_id: int, now: datetime) -> None:
        for row in self.rows.values():
            if row["therapist_id"] == therapist_id and row["status"] in OPEN:
                row["therapist_unavailable"] = True

    def set_follow_up(self, request_id: int, at: datetime) -> None:
        self.rows[request_id]["follow_up_at"] = at

    def set_first_contact(self, request_id: int, at: datetime) -> None:
        self.rows[request_id]["contacted_at"] = at

    def by_patient(self, patient_ids: list[int] | None) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        for row in self.rows.values():
            if patient_ids is None or row["patient_id"] in patient_ids:
                found[row["patient_id"]].append(SimpleNamespace(**row))
        return found

    def therapists_asked(self, patient_id: int) -> list[int]:
        return [
            row["therapist_id"]
            for row in self.rows.values()
            if row["patient_id"] == patient_id
            and counts_as_asked(row["status"], row.get("contacted_at"))
        ]

    def get(self, request_id: int) -> Any:
        return self.locked(request_id)

    def status_of(self, request_id: int) -> str:
        return self.rows[request_id]["status"]


class FakePatients:
    """The patient read model: rows by patient id."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.tombstoned: list[int] = []

    def add(self, patient_id: int, status: str = "searching", **more: Any) -> None:
        self.rows[patient_id] = {
            "patient_id": patient_id,
            "status": status,
            "placed_request_id": None,
            "placed_therapist_id": None,
            "placed_at": None,
            "location_status": "failed",  # no location: a refill creates no requests
            "latitude": None,
            "longitude": None,
            "age": 35,
            "gender": "female",
            "insurance_type": "statutory",
            "preferences": {},
            "availability": {},
            "exclusions": [],
            "urgent": False,
            "search_started_at": START,
            **more,
        }

    def status(self, patient_id: int) -> str | None:
        row = self.rows.get(patient_id)
        return row["status"] if row else None

    def get(self, patient_id: int, lock: bool = False) -> Any:
        return dict(self.rows[patient_id]) if patient_id in self.rows else None

    def searching(self, patient_ids: Iterable[int] | None) -> list[Any]:
        chosen = None if patient_ids is None else set(patient_ids)
        return [
            dict(row)
            for row in self.rows.values()
            if row["status"] == "searching"
            and row["placed_request_id"] is None
            and (chosen is None or row["patient_id"] in chosen)
        ]

    def place(self, patient_id: int, request_id: int, therapist_id: int, now: datetime) -> None:
        self.rows[patient_id].update(
            status="placed",
            placed_request_id=request_id,
            placed_therapist_id=therapist_id,
            placed_at=now,
        )

    def take_back_placement(self, patient_id: int, request_id: int, status: str) -> bool:
        row = self.rows.get(patient_id)
        if row is None or row["placed_request_id"] != request_id:
            return False
        row.update(status=status, placed_request_id=None, placed_therapist_id=None, placed_at=None)
        return True

    def tombstone(self, patient_id: int, now: datetime) -> int:
        self.tombstoned.append(patient_id)
        self.rows[patient_id] = {"patient_id": patient_id, "status": "cancelled"}
        return 1


LOCATED = {"location_status": "resolved", "latitude": 50.777, "longitude": 6.085}


class FakeTherapists:
    """Therapist rows (`add`), counters, capacity parts and cooling periods; its index is
    empty, so a refill on the fakes never proposes new requests."""

    def __init__(self) -> None:
        self.rows: dict[int, dict[str, Any]] = {}
        self.answered: dict[int, int] = defaultdict(int)
        self.contacted: dict[int, int] = defaultdict(int)
        self.parts: list[tuple[int, str, dict[str, Any], datetime]] = []
        self.cooling: dict[int, tuple[int, datetime]] = {}  # response id → therapist, end

    def add(self, therapist_id: int, **more: Any) -> None:
        """A therapist at LOCATED offering VT to adults, individually, matching the default
        located patient."""
        self.rows[therapist_id] = {
            "therapist_id": therapist_id,
            "has_profile": True,
            "gender": "female",
            "latitude": LOCATED["latitude"],
            "longitude": LOCATED["longitude"] + 0.01,
            "offers": [{"procedure": "VT", "age_group": "adults", "setting": "individual"}],
            "languages": [],
            "consultation_hours": {},
            "patient_genders": [],
            "statutory_licence": True,
            "barrier_free": False,
            "accepting_new_patients": "unknown",
            "capacity_as_of": None,
            "age_min": None,
            "age_max": None,
            "prefers_group": False,
            "status": "active",
            "opted_out": False,
            "cooling_until": None,
            "requests_contacted": 0,
            "requests_answered": 0,
            **more,
        }

    def get(self, therapist_id: int) -> Any:
        return dict(self.rows[therapist_id]) if therapist_id in self.rows else None

    def index(self, ctx: Any, near: Any = None) -> TherapistIndex:
        return TherapistIndex([])

    def count_answer(self, therapist_id: int) -> None:
        self.answered[therapist_id] += 1

    def count_contact(self, therapist_id: int) -> None:
        self.contacted[therapist_id] += 1

    def apply_part(
        self, therapist_id: int, stamp: str, values: dict[str, Any], at: datetime, now: datetime
    ) -> None:
        self.parts.append((therapist_id, stamp, values, at))

    def start_cooling(
        self,
        therapist_id: int,
        response_id: int,
        answered_at: datetime,
        ends_at: datetime,
        now: datetime,
    ) -> bool:
        if response_id in self.cooling:
            return False
        self.cooling[response_id] = (therapist_id, ends_at)
        return True


class FakeExclusions:
    """(patient, therapist, reason) pairs never proposed again."""

    def __init__(self) -> None:
        self.pairs: dict[tuple[int, int], str] = {}

    def add(self, patient_id: int, therapist_id: int, reason: str, now: datetime) -> None:
        self.pairs.setdefault((patient_id, therapist_id), reason)

    def by_patient(self, patient_ids: list[int] | None) -> dict[int, set[int]]:
        found: dict[int, set[int]] = defaultdict(set)
        for patient_id, therapist_id in self.pairs:
            if patient_ids is None or patient_id in patient_ids:
                found[patient_id].add(therapist_id)
        return found

    def of_patient(self, patient_id: int) -> list[int]:
        return [therapist for patient, therapist in self.pairs if patient == patient_id]

    def delete_for_patient(self, patient_id: int) -> int:
        mine = [pair for pair in self.pairs if pair[0] == patient_id]
        for pair in mine:
            del self.pairs[pair]
        return len(mine)


class FakeRuns:
    def __init__(self) -> None:
        self.started: list[str] = []

    def start(self, trigger: str, now: datetime) -> int:
        self.started.append(trigger)
        return len(self.started)

    def finish(self, run_id: int, now: datetime, considered: int, created: int) -> None:
        return None


class FakeOutbox:
    """The outbox rows that carry profiles: patient id -> rows holding them."""

    def __init__(self) -> None:
        self.profile_rows: dict[int, int] = {}

    def erase_patient(self, patient_id: int) -> int:
        return self.profile_rows.pop(patient_id, 0)


class FakeMatchingUnitOfWork(FakeUnitOfWork):
    """`requests`, `patients`, `therapists`, `exclusions`, `runs`, `outbox` and `events` in
    memory."""

    def __init__(self) -> None:
        super().__init__()
        self.requests = FakeRequests()
        self.patients = FakePatients()
        self.therapists = FakeTherapists()
        self.exclusions = FakeExclusions()
        self.runs = FakeRuns()
        self.outbox = FakeOutbox()
